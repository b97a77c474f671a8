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
  config: { file: 'x.yaml', settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' }, error: null, roles: [], providers: [], undo: null },
  connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'k', headers: {} },
  sessions: [],
  services: [service('router'), service('remote-api')],
  storage: { dataDir: '/data', freeBytes: null },
  requests: [],
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
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Start router' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Start failed: No service named "router" in the config');
    expect(row('router').contains(alert)).toBe(true);
    fireEvent.click(within(row('router')).getByRole('button', { name: 'Restart router' }));
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(invoke).toHaveBeenLastCalledWith('service:restart', 'router');
  });

  it('shows a failed restart of a component in its row', async () => {
    const invoke = vi.fn(async (command: string) => {
      if (command === 'log:tail') return { file: '/data/logs/helix.log', level: 'info', entries: [] };
      throw new Error('port 8765 is in use');
    });
    const client = { invoke, subscribe: () => () => undefined } as unknown as ControlClient;
    render(<ServerView client={client} snapshot={snapshot} onChanged={() => undefined} />);
    const row = document.querySelector('tr[data-component="api"]') as HTMLElement;
    fireEvent.click(within(row).getByRole('button', { name: 'Restart the API server' }));
    expect((await within(row).findByRole('alert')).textContent).toBe('Restart failed: port 8765 is in use');
  });
});
