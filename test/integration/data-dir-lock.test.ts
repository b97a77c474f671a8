/**
 * One Helix per data dir: the built `serve` run as separate processes on one data dir, the way a
 * user (or a process manager started twice) runs it, with the real claude CLI and a fake upstream.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../main/platform/process-tree';
import { contentOf, parseSse } from '../support/helix-harness';
import { FakeAnthropic, text } from '../support/fake-anthropic';
import { serve, serveReady, serveScratch, type ServeProcess } from '../support/serve-process';

const { root, config: CONFIG } = serveScratch('helix-lock-');
const ANSWER = 'This answer arrives slowly, a few letters at a time, while a second Helix tries to start.';

const lockFile = (dataDir: string): string => path.join(dataDir, 'helix.lock');
const readLock = (dataDir: string): { pid: number; apiUrl?: string; controlUrl?: string } => JSON.parse(readFileSync(lockFile(dataDir), 'utf8'));

/** The process's result, or null when it is still running after `ms` (then it is killed). */
async function endsWithin(proc: ServeProcess, ms: number): Promise<Awaited<ServeProcess> | null> {
  const ended = await Promise.race([proc, sleep(ms).then(() => null)]);
  if (ended) return ended;
  proc.kill('SIGKILL');
  await proc;
  return null;
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '']);
  await child;
  return child.pid as number;
}

describe('one Helix per data dir', () => {
  it('a second serve on the same data dir exits 2 naming the first one, whose run goes on untouched', async () => {
    const fake = await new FakeAnthropic(() => text(ANSWER, { delayMs: 200, chunkSize: 3 })).start();
    const config = path.join(root, 'slow.yaml');
    writeFileSync(config, `providers:\n  local:\n    type: anthropic\n    base_url: ${fake.url}\n    api_key_env: LOCAL_KEY\ndefaults:\n  consultant: "local:m"\n`);
    const dataDir = path.join(root, 'shared');
    const env = { HELIX_API_KEY: 'k', LOCAL_KEY: 'x', HOME: path.join(root, 'home') };
    const first = await serveReady(['--port', '0', '--config', config, '--data-dir', dataDir], env);
    try {
      const response = await fetch(`${first.url}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json', 'x-helix-chat-id': 'long' },
        body: JSON.stringify({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content: 'take your time' }] }),
      });
      const body = response.text();
      for (let i = 0; i < 300 && fake.requests.length === 0; i++) await sleep(50);
      expect(fake.requests.length).toBeGreaterThan(0); // claude is running and streaming

      const [sessionId] = readdirSync(path.join(dataDir, 'sessions')).filter((f) => /^[0-9a-f-]{36}$/.test(f));
      const sessionFile = path.join(dataDir, 'sessions', sessionId!, 'session.json');
      const claudePid = (JSON.parse(readFileSync(sessionFile, 'utf8')) as { turns: Array<{ pid: number }> }).turns[0]!.pid;

      const second = await endsWithin(serve(['--port', '0', '--config', config, '--data-dir', dataDir], env), 20_000);
      expect(second, 'the second serve kept running').not.toBeNull();
      expect(second!.exitCode).toBe(2);
      expect(second!.stderr).toContain(`pid ${first.proc.pid}`);
      expect(second!.stderr).toContain(first.url);
      expect(second!.stderr).toContain(dataDir);
      expect(second!.stdout).not.toContain('ready');
      expect(isAlive(claudePid)).toBe(true);

      const { events } = parseSse(await body);
      expect(contentOf(events)).toBe(ANSWER);
      // The session file is written off the event loop, just after the answer.
      const status = (): string | undefined => (JSON.parse(readFileSync(sessionFile, 'utf8')) as { turns: Array<{ status: string }> }).turns[0]?.status;
      await expect.poll(status, { timeout: 5000, interval: 50 }).toBe('done');
    } finally {
      first.proc.kill('SIGTERM');
      await first.proc;
      await fake.close();
    }
  }, 60_000);

  it('holds the lock (pid and URLs, no token) while serving, and leaves none after a graceful stop', async () => {
    const dataDir = path.join(root, 'graceful');
    const { url, proc, output } = await serveReady(['--port', '0', '--config', CONFIG, '--data-dir', dataDir], { HELIX_API_KEY: 'k' });
    for (let i = 0; i < 100 && !output().includes('claude:'); i++) await sleep(50); // the whole banner
    const held = readLock(dataDir);
    expect(held.pid).toBe(proc.pid);
    expect(held.apiUrl).toBe(url);
    const controlUrl = /control panel: (\S+)/.exec(output())![1]!;
    expect(held.controlUrl).toBe(controlUrl.replace(/\/?#token=.*$/, ''));
    expect(readFileSync(lockFile(dataDir), 'utf8')).not.toContain(controlUrl.split('#token=')[1]!);
    proc.kill('SIGTERM');
    expect((await proc).exitCode).toBe(0);
    expect(existsSync(lockFile(dataDir))).toBe(false);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('helix.lock'))).toEqual([]);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = path.join(root, 'stale');
    const gone = await deadPid();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: gone, host: os.hostname(), nonce: 'old', since: new Date(Date.now() - 60_000).toISOString(), apiUrl: 'http://127.0.0.1:1/v1' }));
    const { proc } = await serveReady(['--port', '0', '--config', CONFIG, '--data-dir', dataDir], { HELIX_API_KEY: 'k' });
    expect(readLock(dataDir).pid).toBe(proc.pid);
    proc.kill('SIGTERM');
    const ended = await proc;
    expect([ended.exitCode, ended.signal, ended.stderr]).toEqual([0, undefined, '']);
    expect(existsSync(lockFile(dataDir))).toBe(false);
  });

  it('of several serves started at once on a stale lock, exactly one starts; the others exit 2 naming it', async () => {
    const dataDir = path.join(root, 'race');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(lockFile(dataDir), JSON.stringify({ pid: await deadPid(), host: os.hostname(), nonce: 'old', since: new Date().toISOString() }));
    const procs = Array.from({ length: 4 }, () => serve(['--port', '0', '--config', CONFIG, '--data-dir', dataDir], { HELIX_API_KEY: 'k' }));
    const outputs = procs.map(() => '');
    procs.forEach((p, i) => p.stdout?.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString())));
    // The losers exit on their own; the winner prints its ready line and keeps serving.
    const deadline = Date.now() + 30_000;
    const settled = (): number => procs.filter((p, i) => p.exitCode !== null || outputs[i]!.includes('ready at')).length;
    while (settled() < procs.length && Date.now() < deadline) await sleep(50);
    const ready = procs.filter((_, i) => outputs[i]!.includes('ready at'));
    try {
      expect(ready).toHaveLength(1);
      expect(readLock(dataDir).pid).toBe(ready[0]!.pid);
      for (const loser of procs.filter((p) => p !== ready[0])) {
        const result = await loser;
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain(`pid ${ready[0]!.pid}`);
      }
    } finally {
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs);
    }
    expect(existsSync(lockFile(dataDir))).toBe(false);
  }, 60_000);
});
