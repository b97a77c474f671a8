/**
 * A control client for component tests of the whole panel: it answers the commands the shell and
 * the Overview ask for from a state the test holds (and changes), records every call, and sends
 * events to the panel's listeners as the server would.
 */
import { act, configure } from '@testing-library/react';
import type { ControlEvent, ControlSnapshot, DiagLogEntry, SessionQuery, SessionSummary } from '../../common/control';
import type { UsageReport } from '../../common/usage';
import type { ControlClient } from '../../renderer/src/control-client';
import { fakeClient } from './fake-control-client';

// Each screen is a lazy chunk: its first import, with the machine busy running other test files,
// can take more than Testing Library's default second.
configure({ asyncUtilTimeout: 5000 });

export interface PanelState {
  snapshot: ControlSnapshot;
  sessions: SessionSummary[];
  usage: UsageReport;
  log: DiagLogEntry[];
}

export interface PanelClient {
  client: ControlClient;
  state: PanelState;
  calls: Array<{ command: string; args: unknown[] }>;
  /** Sends an event to every listener, inside act(). */
  send(event: ControlEvent): void;
}

/**
 * A snapshot for component tests: one anthropic provider (its key `set` or `missing`) serving
 * `roles` with `model`, Claude Code found; any other field as given.
 */
export function testSnapshot({ key = 'missing', model = 'm', roles = ['consultant'], ...fields }: Partial<ControlSnapshot> & { key?: 'set' | 'missing'; model?: string; roles?: string[] } = {}): ControlSnapshot {
  return {
    version: '0.1.0',
    claudeCli: '/usr/bin/claude',
    components: [],
    connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'k', headers: {} },
    services: [],
    storage: { dataDir: '/d', freeBytes: null },
    live: [],
    approvals: [],
    config: {
      file: 'x.yaml',
      settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' },
      error: null,
      undo: null,
      roles: roles.map((name) => ({ name, modelId: `helix-${name}`, provider: 'anthropic', model, options: { model: `anthropic:${model}` } })),
      providers: [{ name: 'anthropic', type: 'anthropic', baseUrl: null, key, keyEnv: 'ANTHROPIC_API_KEY', models: [model], roles }],
    },
    ...fields,
  };
}

export function emptyUsage(days: Array<{ day: string; costUsd: number; tokens: number; turns: number }> = []): UsageReport {
  const total = days.reduce((t, d) => ({ costUsd: t.costUsd + d.costUsd, tokens: t.tokens + d.tokens, turns: t.turns + d.turns }), { costUsd: 0, tokens: 0, turns: 0 });
  return { since: days[0]?.day ?? '2026-12-01', days, byRole: [], byProvider: [], byAuth: [], topSessions: [], total };
}

export function panelClient(initial: Partial<PanelState> & { snapshot: ControlSnapshot }): PanelClient {
  const state: PanelState = { sessions: [], usage: emptyUsage(), log: [], ...initial };
  const client = fakeClient((command, ...args) => {
    switch (command) {
      case 'state:get':
        return state.snapshot;
      case 'sessions:list': {
        const query = args[0] as SessionQuery;
        const matching = state.sessions.filter((s) => !query.status || query.status === 'all' || s.status === query.status);
        return { sessions: matching.slice(query.offset ?? 0, (query.offset ?? 0) + (query.limit ?? 100)), total: matching.length, offset: query.offset ?? 0 };
      }
      case 'usage:get':
        return state.usage;
      case 'log:tail': {
        const level = args[1] as string | undefined;
        const entries = level === 'warn' ? state.log.filter((e) => e.level === 'warn' || e.level === 'error' || e.level === 'fatal') : state.log;
        return { file: '/data/logs/helix.log', level: 'info', entries: entries.slice(-(args[0] as number)) };
      }
      case 'requests:list':
        return [];
      case 'setup:check':
        return {
          claude: state.snapshot.claudeCli
            ? { path: state.snapshot.claudeCli, searched: ['PATH'], version: '2.1.330 (Claude Code)', error: null, loggedIn: false, loginMethod: null }
            : { path: null, searched: ['PATH'], version: null, error: 'Claude Code was not found (looked at: PATH).', loggedIn: false, loginMethod: null },
          apiBaseUrl: state.snapshot.connection.baseUrl,
        };
      default:
        throw new Error(`no answer for ${command} in this test`);
    }
  });
  return { client, state, calls: client.calls, send: (event) => act(() => client.emit(event)) };
}
