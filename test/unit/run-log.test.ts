/**
 * What a run tells the diagnostic log: its start (pid, arguments, not its environment), why it
 * was stopped, the force-kill of a CLI that ignores SIGTERM, and how it ended.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiagLog } from '../../main/platform/diag-log';
import { startClaudeRun } from '../../main/runner/claude-run';
import { isAlive } from '../../main/platform/process-tree';

type Recorded = { level: string; message: string } & Record<string, unknown>;

function recordingLog(records: Recorded[]): DiagLog {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void records.push({ level, message, ...fields });
  const log: DiagLog = { fatal: at('fatal'), error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => log };
  return log;
}

describe("a run's diagnostic records", () => {
  it('a CLI that ignores SIGTERM past its time limit: started, stopped for the time limit, force-killed with its child, ended', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-runlog-'));
    const bin = path.join(dir, 'claude');
    writeFileSync(bin, "#!/bin/sh\ntrap '' TERM\nsleep 30 &\nwait\n", { mode: 0o755 });
    const records: Recorded[] = [];
    const run = startClaudeRun(
      {
        bin,
        args: ['-p', '--model', 'claude-sonnet-4-5', '--append-system-prompt', 'a private system prompt'],
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', SECRET_TOKEN: 'sk-env-secret-123' },
        stdin: '{"type":"user","message":{"content":"a private prompt"}}\n',
        timeoutMs: 300,
        killGraceMs: 300,
        log: recordingLog(records),
      },
      () => undefined,
    );
    const outcome = await run.done;
    expect(outcome).toMatchObject({ ok: false, error: { code: 'timeout' } });

    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['info', 'claude started'],
      ['info', 'stopping claude (SIGTERM)'],
      ['warn', 'claude still running after the grace period: killed with its processes (SIGKILL)'],
      ['warn', 'claude run failed'],
    ]);
    const [started, stopping, killed, ended] = records as [Recorded, Recorded, Recorded, Recorded];
    expect(started).toMatchObject({ pid: run.pid, bin, args: ['-p', '--model', 'claude-sonnet-4-5', '--append-system-prompt', '<23 chars>'], cwd: dir, timeoutMs: 300 });
    expect(stopping).toMatchObject({ pid: run.pid, reason: 'timeout', detail: 'no result after 0 s', graceMs: 300 });
    // The CLI and the sleep it started, found while the CLI was still there to be their parent.
    expect(killed.killed).toEqual(expect.arrayContaining([run.pid]));
    expect((killed.killed as number[]).length).toBeGreaterThanOrEqual(2);
    for (const pid of killed.killed as number[]) expect(isAlive(pid)).toBe(false);
    expect(ended).toMatchObject({ pid: run.pid, exitCode: null, signal: 'SIGKILL', outcome: 'timeout', ms: expect.any(Number) });

    const text = JSON.stringify(records);
    for (const secret of ['sk-env-secret-123', 'a private system prompt', 'a private prompt']) expect(text).not.toContain(secret);
  });
});
