/**
 * A run whose events cannot be recorded: a CLI that prints its answer (recorded real output,
 * replayed by a script in two parts, and slow to stop) and a consumer that fails on it, as a
 * full disk does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import { StorageError } from '../../main/platform/data-dir';
import { startClaudeRun } from '../../main/runner/claude-run';
import { claudeFixture } from '../support/fixtures';

const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-run-'));
const lines = claudeFixture('text').trimEnd().split('\n');
const half = Math.floor(lines.length / 2);
const parts = [lines.slice(0, half), lines.slice(half)].map((part, i) => {
  const file = path.join(dir, `part${i}.jsonl`);
  writeFileSync(file, `${part.join('\n')}\n`);
  return JSON.stringify(file);
});
const bin = path.join(dir, 'claude');
writeFileSync(bin, `#!/bin/sh\ntrap '' TERM\ncat ${parts[0]}\nsleep 0.3\ncat ${parts[1]}\n`, { mode: 0o755 });

/** Runs the script with a consumer that fails from the first event of `failAt` on; returns what it was given. */
async function runFailingAt(failAt: RunEvent['type']) {
  const given: RunEvent['type'][] = [];
  let failing = false;
  const run = startClaudeRun({ bin, args: [], cwd: dir, env: { PATH: process.env.PATH ?? '' }, stdin: '', timeoutMs: 10_000 }, (event) => {
    given.push(event.type);
    failing ||= event.type === failAt;
    if (failing) throw new StorageError('/data/events.ndjson', Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
  });
  return { outcome: await run.done, given };
}

describe('a run whose consumer fails', () => {
  it('fails even when the whole answer had already arrived: an answer that was not recorded is not reported as done', async () => {
    const { outcome, given } = await runFailingAt('result');
    expect(given.at(-1)).toBe('result');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'storage_failed', detail: expect.stringContaining('no space left on device') } });
  });

  it('is given nothing more after its first failure', async () => {
    const { outcome, given } = await runFailingAt('text');
    expect(given.filter((type) => type === 'text')).toHaveLength(1);
    expect(given).not.toContain('result');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'storage_failed' } });
  });
});
