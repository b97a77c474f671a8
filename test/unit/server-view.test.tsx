// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlSnapshot, ServiceState } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { cutRunsQuestion, ServerView } from '../../renderer/src/views/ServerView';
import { renderWithToasts } from '../support/panel-render';

afterEach(cleanup);

const service = (name: string): ServiceState => ({ name, kind: 'process', state: 'stopped', pid: null, startedAt: null, lastError: null, restarts: 0, health: 'unknown', output: [] });

const snapshot: ControlSnapshot = {
  version: '0.1.0',
  claudeCli: '/usr/bin/claude',
  components: [{ name: 'api', state: 'running', url: 'http://127.0.0.1:8765/v1', pid: 1, startedAt: null, lastError: null }],
  config: { file: 'x.yaml', settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' }, error: null, roles: [], providers: [], undo: null },
  connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'k', headers: {} },
  services: [service('router'), service('remote-api')],
  storage: { dataDir: '/data', freeBytes: null },
  live: [],
  approvals: [],
};

/** A client whose commands go to `invoke`, but for the request log the view asks for itself. */
const withRequestLog = (invoke: (...args: unknown[]) => Promise<unknown>): ControlClient =>
  ({
    // What the view asks for by itself (the request log, the diagnostic log) is answered here; the rest goes to `invoke`.
    invoke: (command: string, ...args: unknown[]) =>
      command === 'requests:list' || command === 'storage:usage'
        ? Promise.resolve(command === 'requests:list' ? [] : { dataDir: '/data', parts: { sessions: 0, workspaces: 0, transcripts: 0, logs: 0, other: 0 }, total: 0, measuredAt: '2026-01-01T00:00:00.000Z' })
        : command === 'log:tail'
          ? Promise.resolve({ file: '/data/logs/helix.log', level: 'info', entries: [] })
          : invoke(command, ...args),
    subscribe: () => () => undefined,
  }) as unknown as ControlClient;

describe('ServerView', () => {
  it('shows a refused service command in that service row, and clears it when the next one succeeds', async () => {
    const invoke = vi.fn(async () => service('router'));
    const client = withRequestLog(invoke);
    invoke.mockRejectedValueOnce(new Error('No service named "router" in the config'));
    render(<ServerView client={client} snapshot={snapshot} onChanged={() => undefined} />);
    const row = (name: string): HTMLElement => document.querySelector(`tr[data-service="${name}"]`) as HTMLElement;
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Start router' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Start failed: No service named "router" in the config');
    expect(row('router').contains(alert)).toBe(true);
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Restart router' }));
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(invoke).toHaveBeenLastCalledWith('service:restart', 'router');
  });

  it('lists the chats served by a warm process, with their memory and idle time, and closes one', async () => {
    const invoke = vi.fn(async () => ({ closed: true }));
    const client = withRequestLog(invoke);
    const onChanged = vi.fn();
    const live = [
      { sessionId: 's-1', title: 'Cats', pid: 4242, state: 'ready', claudeSessionId: 'c-1', startedAt: '2026-01-01T10:00:00.000Z', idleSeconds: 75, rssBytes: 200 * 2 ** 20 },
      { sessionId: 's-2', title: null, pid: 4343, state: 'running', claudeSessionId: 'c-2', startedAt: '2026-01-01T10:00:00.000Z', idleSeconds: null, rssBytes: null },
    ];
    render(<ServerView client={client} snapshot={{ ...snapshot, live }} onChanged={onChanged} />);
    const table = screen.getByRole('table', { name: 'Live sessions' });
    const row = within(table).getByText('Cats').closest('tr') as HTMLElement;
    expect(row.textContent).toContain('4242');
    expect(row.textContent).toContain('200 MiB');
    expect(row.textContent).toContain('1 min');
    const busy = within(table).getByText('s-2').closest('tr') as HTMLElement;
    expect(within(busy).getByRole('button', { name: 'Close the warm process of s-2' }).hasAttribute('disabled')).toBe(true); // a turn is running in it
    fireEvent.click(within(row).getByRole('button', { name: 'Close the warm process of Cats' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('live:close', 's-1');
  });

  it('shows a failed restart of a component in its row', async () => {
    const invoke = vi.fn(async () => snapshot.components[0]);
    invoke.mockRejectedValueOnce(new Error('port 8765 is in use'));
    const client = withRequestLog(invoke);
    render(<ServerView client={client} snapshot={snapshot} onChanged={() => undefined} />);
    const row = document.querySelector('tr[data-component="api"]') as HTMLElement;
    fireEvent.click(within(row).getByRole('button', { name: 'Restart the API server' }));
    expect((await within(row).findByRole('alert')).textContent).toBe('Restart of the API server failed: port 8765 is in use');
  });

  it('says a failed restart in an error toast that stays until dismissed, and a success in one that goes', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const invoke = vi.fn(async () => snapshot.components[0]);
      invoke.mockRejectedValueOnce(new Error('port 8765 is in use'));
      renderWithToasts(<ServerView client={withRequestLog(invoke)} snapshot={snapshot} onChanged={() => undefined} />);
      fireEvent.click(screen.getByRole('button', { name: 'Restart the API server' }));
      const error = (await screen.findByText('Restart of the API server failed', { selector: '.toast-title' })).closest('li') as HTMLElement;
      expect(error.textContent).toContain('port 8765 is in use');
      await vi.waitFor(() => expect(screen.getByRole('button', { name: 'Restart the API server' }).getAttribute('aria-busy')).toBeNull());
      fireEvent.click(screen.getByRole('button', { name: 'Restart the API server' }));
      const success = (await screen.findByText('The API server restarted.')).closest('li') as HTMLElement;
      await act(() => vi.advanceTimersByTimeAsync(60_000));
      expect(success.isConnected).toBe(false);
      expect(error.isConnected).toBe(true);
      const dismiss = within(error).getByRole('button', { name: 'Dismiss' });
      expect(dismiss.getAttribute('aria-describedby')).toBe(error.querySelector('.toast-title')?.id);
      fireEvent.click(dismiss);
      expect(error.isConnected).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks before stopping or restarting a server while runs are in flight, saying how many are cut', async () => {
    const invoke = vi.fn(async () => snapshot.components[0]);
    render(<ServerView client={withRequestLog(invoke)} snapshot={snapshot} running={2} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Stop the API server' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Stop the API server?' });
    expect(dialog.textContent).toContain('2 runs in flight will be cut');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Restart the API server' }));
    fireEvent.click(within(screen.getByRole('alertdialog', { name: 'Restart the API server?' })).getByRole('button', { name: 'Restart and cut 2 runs' }));
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledWith('component:restart', 'api'));
  });

  it('asks nothing for a start or with no run in flight; the question names the server and the count', () => {
    expect(cutRunsQuestion('component:restart', 'api', 0)).toBeNull();
    expect(cutRunsQuestion('component:start', 'api', 3)).toBeNull();
    expect(cutRunsQuestion('component:stop', 'proxy', 1)).toMatchObject({ title: 'Stop the translating proxy?', confirmLabel: 'Stop and cut 1 run' });
  });
});
