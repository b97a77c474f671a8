/** Tray commands: a failure is a notification and a log record, never an exception out of the click. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ComponentState } from '../../common/control';
import type { DiagLog } from '../../main/platform/diag-log';
import { trayActionRunner, type TrayActionDeps } from '../../main/desktop/tray-actions';
import { ConfigStore } from '../../main/providers/config-store';

const CONFIG = `providers:
  local:
    type: anthropic
    api_key_env: LOCAL_KEY
    models: [claude-sonnet-4-5, claude-opus-4-1]
defaults:
  consultant: "local:claude-sonnet-4-5"
`;

type Recorded = { level: string; fields: Record<string, unknown>; message: string };

function recordingLog(records: Recorded[]): DiagLog {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void records.push({ level, fields, message });
  const log: DiagLog = { fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => log };
  return log;
}

function setUp(overrides: Partial<TrayActionDeps> = {}): { run: ReturnType<typeof trayActionRunner>; store: ConfigStore; file: string; notes: Array<[string, string]>; records: Recorded[]; calls: string[] } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-tray-')), 'llm-providers.yaml');
  writeFileSync(file, CONFIG);
  const store = new ConfigStore(file);
  const notes: Array<[string, string]> = [];
  const records: Recorded[] = [];
  const calls: string[] = [];
  const running: ComponentState = { name: 'api', state: 'running', url: 'http://127.0.0.1:1', pid: 1, startedAt: null, lastError: null };
  const run = trayActionRunner({
    setRoleModel: (role, ref) => store.setRoleModel(role, ref),
    restartApi: async () => running,
    showWindow: () => void calls.push('show'),
    showApprovals: () => void calls.push('approvals'),
    quit: () => void calls.push('quit'),
    notify: (title, body) => void notes.push([title, body]),
    log: recordingLog(records),
    ...overrides,
  });
  return { run, store, file, notes, records, calls };
}

describe('tray commands', () => {
  it('switching a role while the YAML on disk does not parse: a notification and a log record, no exception', async () => {
    const { run, store, file, notes, records } = setUp();
    writeFileSync(file, `${CONFIG}  broken: [unclosed\n`);
    // The command itself throws, synchronously: called bare from a click, that is an uncaught exception.
    expect(() => store.setRoleModel('consultant', 'local:claude-opus-4-1')).toThrow(/invalid YAML/);

    await expect(run({ type: 'switch-role', role: 'consultant', ref: 'local:claude-opus-4-1' })).resolves.toBeUndefined();
    expect(notes).toEqual([['Helix: could not switch consultant to local:claude-opus-4-1', expect.stringMatching(/llm-providers\.yaml:\d+:\d+: invalid YAML/)]]);
    expect(records).toEqual([
      { level: 'error', message: 'tray command failed: could not switch consultant to local:claude-opus-4-1', fields: { action: 'switch-role', role: 'consultant', ref: 'local:claude-opus-4-1', error: notes[0]![1] } },
    ]);
    expect(store.current.roles[0]!.model).toBe('claude-sonnet-4-5'); // the last good config stays
  });

  it('a switch that works says nothing', async () => {
    const { run, store, notes, records } = setUp();
    await run({ type: 'switch-role', role: 'consultant', ref: 'local:claude-opus-4-1' });
    expect(store.current.roles[0]!.model).toBe('claude-opus-4-1');
    expect(notes).toEqual([]);
    expect(records).toEqual([]);
  });

  it('a restart that leaves the API server failed (its port taken) is reported', async () => {
    const failed: ComponentState = { name: 'api', state: 'failed', url: null, pid: 1, startedAt: null, lastError: 'Port 8765 on 127.0.0.1 is already in use' };
    const { run, notes, records } = setUp({ restartApi: async () => failed });
    await run({ type: 'restart-api' });
    expect(notes).toEqual([['Helix: the API server did not restart', 'Port 8765 on 127.0.0.1 is already in use']]);
    expect(records[0]).toMatchObject({ level: 'error', fields: { action: 'restart-api', error: 'Port 8765 on 127.0.0.1 is already in use' } });
  });

  it('a restart that rejects, and a notification that cannot be shown, still end quietly in the log', async () => {
    const { run, records } = setUp({
      restartApi: () => Promise.reject(new Error('closing failed')),
      notify: () => {
        throw new Error('notifications are not supported');
      },
    });
    await expect(run({ type: 'restart-api' })).resolves.toBeUndefined();
    expect(records.map((r) => [r.level, r.message, r.fields.error])).toEqual([
      ['error', 'tray command failed: could not restart the API server', 'closing failed'],
      ['warn', 'cannot show a notification', 'notifications are not supported'],
    ]);
  });

  it('opens the window, its Approvals view, and quits', async () => {
    const { run, calls } = setUp();
    await run({ type: 'open-window' });
    await run({ type: 'open-approvals' });
    await run({ type: 'quit' });
    expect(calls).toEqual(['show', 'approvals', 'quit']);
  });

  it('asks before a restart that cuts runs in flight, and restarts only when the answer is yes', async () => {
    const asked: string[] = [];
    let answer = false;
    const restarts: string[] = [];
    const { run } = setUp({
      confirm: async (question) => {
        asked.push(`${question.title} | ${question.body} | ${question.confirmLabel}`);
        return answer;
      },
      restartApi: async () => {
        restarts.push('restart');
        return { name: 'api', state: 'running', url: null, pid: 1, startedAt: null, lastError: null };
      },
    });
    await run({ type: 'restart-api', cuts: 2 });
    expect(asked).toEqual(['Restart the API server? | 2 runs in flight will be cut: their chats lose the connection. | Restart and cut 2 runs']);
    expect(restarts).toEqual([]);
    answer = true;
    await run({ type: 'restart-api', cuts: 2 });
    expect(restarts).toEqual(['restart']);
    await run({ type: 'restart-api' }); // nothing in flight: no question
    expect(asked).toHaveLength(2);
    expect(restarts).toHaveLength(2);
  });
});
