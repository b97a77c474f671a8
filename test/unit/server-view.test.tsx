// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlSnapshot, ServiceState } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { ServerView } from '../../renderer/src/views/ServerView';

afterEach(cleanup);

const service = (name: string): ServiceState => ({ name, kind: 'process', state: 'stopped', pid: null, startedAt: null, lastError: null, restarts: 0, health: 'unknown', output: [] });

const snapshot: ControlSnapshot = {
  version: '0.1.0',
  claudeCli: '/usr/bin/claude',
  components: [{ name: 'api', state: 'running', url: 'http://127.0.0.1:8765/v1', pid: 1, startedAt: null, lastError: null }],
  config: { file: 'x.yaml', settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' }, error: null, roles: [], providers: [] },
  connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'k', headers: {} },
  sessions: [],
  services: [service('router'), service('remote-api')],
  storage: { dataDir: '/data', freeBytes: null },
  requests: [],
  live: [],
  approvals: [],
};

describe('ServerView', () => {
  it('shows a refused service command in that service row, and clears it when the next one succeeds', async () => {
    let refuse = true;
    const invoke = vi.fn(async (command: string) => {
      if (command === 'log:tail') return { file: '/data/logs/helix.log', level: 'info', entries: [] };
      if (refuse) {
        refuse = false;
        throw new Error('No service named "router" in the config');
      }
      return service('router');
    });
    const client = { invoke, subscribe: () => () => undefined } as unknown as ControlClient;
    render(<ServerView client={client} snapshot={snapshot} onChanged={() => undefined} />);
    const row = (name: string): HTMLElement => document.querySelector(`tr[data-service="${name}"]`) as HTMLElement;
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Start' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Start failed: No service named "router" in the config');
    expect(row('router').contains(alert)).toBe(true);
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Restart' }));
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(invoke).toHaveBeenLastCalledWith('service:restart', 'router');
  });

  it('lists the chats served by a warm process, with their memory and idle time, and closes one', async () => {
    // The Server tab also reads the diagnostic log: an empty one here.
    const invoke = vi.fn(async (command: string) => (command === 'log:tail' ? { file: '/data/logs/helix.log', level: 'info', entries: [] } : { closed: true }));
    const client = { invoke, subscribe: () => () => undefined } as unknown as ControlClient;
    const onChanged = vi.fn();
    const live = [
      { sessionId: 's-1', pid: 4242, state: 'ready', claudeSessionId: 'c-1', startedAt: '2026-01-01T10:00:00.000Z', idleSeconds: 75, rssBytes: 200 * 2 ** 20 },
      { sessionId: 's-2', pid: 4343, state: 'running', claudeSessionId: 'c-2', startedAt: '2026-01-01T10:00:00.000Z', idleSeconds: null, rssBytes: null },
    ];
    const sessions = [{ id: 's-1', title: 'Cats', role: 'consultant', status: 'done' as const, createdAt: '', updatedAt: '', turns: 2, tokens: 0, costUsd: 0 }];
    render(<ServerView client={client} snapshot={{ ...snapshot, live, sessions }} onChanged={onChanged} />);
    const table = screen.getByRole('table', { name: 'Live sessions' });
    const row = within(table).getByText('Cats').closest('tr') as HTMLElement;
    expect(row.textContent).toContain('4242');
    expect(row.textContent).toContain('200 MiB');
    expect(row.textContent).toContain('1 min');
    const busy = within(table).getByText('s-2').closest('tr') as HTMLElement;
    expect(within(busy).getByRole('button', { name: 'Close' }).hasAttribute('disabled')).toBe(true); // a turn is running in it
    fireEvent.click(within(row).getByRole('button', { name: 'Close' }));
    await vi.waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(invoke).toHaveBeenCalledWith('live:close', 's-1');
  });

  it('shows a failed restart of a component in its row', async () => {
    const invoke = vi.fn(async (command: string) => {
      if (command === 'log:tail') return { file: '/data/logs/helix.log', level: 'info', entries: [] };
      throw new Error('port 8765 is in use');
    });
    const client = { invoke, subscribe: () => () => undefined } as unknown as ControlClient;
    render(<ServerView client={client} snapshot={snapshot} onChanged={() => undefined} />);
    const row = document.querySelector('tr[data-component="api"]') as HTMLElement;
    fireEvent.click(within(row).getByRole('button', { name: 'Restart' }));
    expect((await within(row).findByRole('alert')).textContent).toBe('Restart failed: port 8765 is in use');
  });
});
