import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE, type LockHolder } from '../../main/platform/data-dir-lock';

const root = mkdtempSync(path.join(os.tmpdir(), 'helix-lockunit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const freshDir = (): string => mkdtempSync(path.join(root, `d${n++}-`));
const lockOf = (dir: string): LockHolder => JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as LockHolder;
const plant = (dir: string, holder: Partial<LockHolder>): void =>
  writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ host: os.hostname(), nonce: 'planted', since: '2026-01-01T00:00:00.000Z', ...holder }));

/** The DataDirLockedError a start meets (anything else fails the test). */
async function refused(start: Promise<unknown>): Promise<DataDirLockedError> {
  const error = await start.then(
    () => new Error('the lock was given'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataDirLockedError);
  return error as DataDirLockedError;
}

/** A pid no process has any more. */
async function deadPid(): Promise<number> {
  const child = execa('node', ['-e', '']);
  await child;
  return child.pid as number;
}

const hasProc = existsSync('/proc/self/stat');
const startTicksOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};

describe('data dir lock', () => {
  it('is taken by one holder at a time, names it (and its URLs, once known) to the next, and is gone after release', async () => {
    const dir = freshDir();
    const lock = await acquireDataDirLock(dir);
    expect(lockOf(dir)).toMatchObject({ pid: process.pid, host: os.hostname() });

    const starting = await refused(acquireDataDirLock(dir));
    expect(starting.message).toContain(`pid ${process.pid}, still starting`);
    expect(starting.message).toContain(dir);

    lock.setUrls({ apiUrl: 'http://127.0.0.1:8765/v1', controlUrl: 'http://127.0.0.1:8766' });
    const serving = await refused(acquireDataDirLock(dir));
    expect(serving.message).toContain(`pid ${process.pid}, serving http://127.0.0.1:8765/v1, control panel http://127.0.0.1:8766`);
    expect(serving.message).toContain(`If pid ${process.pid} is not Helix, delete ${path.join(dir, LOCK_FILE)}.`);

    lock.release();
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    const again = await acquireDataDirLock(dir);
    again.release();
  });

  it('release leaves a lock that is not its own', async () => {
    const dir = freshDir();
    const lock = await acquireDataDirLock(dir);
    plant(dir, { pid: process.pid, nonce: 'someone-else' });
    lock.release();
    expect(lockOf(dir).nonce).toBe('someone-else');
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = freshDir();
    plant(dir, { pid: await deadPid() });
    const lock = await acquireDataDirLock(dir);
    expect(lockOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock naming this very pid from an earlier process (a restarted container keeps its pids)', async () => {
    const dir = freshDir();
    plant(dir, { pid: process.pid, nonce: 'from-before' });
    const lock = await acquireDataDirLock(dir);
    expect(lockOf(dir).nonce).not.toBe('from-before');
    lock.release();
  });

  it('takes over a damaged lock file', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, LOCK_FILE), '{"pid": 12');
    const lock = await acquireDataDirLock(dir);
    expect(lockOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  describe.skipIf(!hasProc)('pid reuse (Linux)', () => {
    it('a live pid with another start time is another process: the lock is taken over; with the same one it is held', async () => {
      const other = execa('sleep', ['30']);
      const pid = other.pid as number;
      try {
        const dir = freshDir();
        plant(dir, { pid, startTicks: String(Number(startTicksOf(pid)) - 1) });
        const lock = await acquireDataDirLock(dir);
        expect(lockOf(dir).pid).toBe(process.pid);
        lock.release();

        plant(dir, { pid, startTicks: startTicksOf(pid) });
        await refused(acquireDataDirLock(dir));
      } finally {
        other.kill();
        await other.catch(() => undefined);
      }
    });

    it('a lock from before the last reboot is taken over', async () => {
      const dir = freshDir();
      plant(dir, { pid: 1, bootId: '00000000-0000-0000-0000-000000000000' });
      const lock = await acquireDataDirLock(dir);
      expect(lockOf(dir).pid).toBe(process.pid);
      lock.release();
    });
  });

  it('a lock from another host is held while its holder keeps touching it, and taken over once it stops', async () => {
    const dir = freshDir();
    plant(dir, { pid: 4242, host: 'elsewhere' });
    const held = await refused(acquireDataDirLock(dir));
    expect(held.message).toContain('pid 4242 on elsewhere');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(dir, LOCK_FILE), old, old);
    const lock = await acquireDataDirLock(dir);
    expect(lockOf(dir).host).toBe(os.hostname());
    lock.release();
  });

  it('clears a stale lock only under the break lock: waits while another start holds it, and clears one left by a start that died', async () => {
    const dir = freshDir();
    const breaker = path.join(dir, `${LOCK_FILE}.break`);
    plant(dir, { pid: await deadPid() });
    writeFileSync(breaker, '1\n');
    const waiting = acquireDataDirLock(dir);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lockOf(dir).nonce).toBe('planted'); // not cleared while another start is clearing it
    rmSync(breaker);
    const lock = await waiting;
    expect(lockOf(dir).pid).toBe(process.pid);
    lock.release();

    plant(dir, { pid: await deadPid() });
    writeFileSync(breaker, '1\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(breaker, old, old);
    const again = await acquireDataDirLock(dir);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    again.release();
  });

  it('leaves no temporary files, whether it gets the lock or not', async () => {
    const dir = freshDir();
    const lock = await acquireDataDirLock(dir);
    lock.setUrls({ apiUrl: 'http://127.0.0.1:1/v1', controlUrl: 'http://127.0.0.1:2' });
    await refused(acquireDataDirLock(dir));
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  describe('starts racing each other', () => {
    const ROOT = path.resolve(import.meta.dirname, '../..');
    const bundle = path.join(root, 'bundle');
    const racer = path.join(root, 'racer.mjs');

    beforeAll(async () => {
      // The module as plain ESM, for processes of its own that all try at the same moment.
      await build({
        configFile: false,
        root: ROOT,
        logLevel: 'silent',
        ssr: { noExternal: true, target: 'node' },
        build: { ssr: 'main/platform/data-dir-lock.ts', outDir: bundle, emptyOutDir: true, minify: false, rollupOptions: { output: { format: 'es', entryFileNames: 'lock.mjs' } } },
      });
      writeFileSync(
        racer,
        `import { acquireDataDirLock, DataDirLockedError } from ${JSON.stringify(path.join(bundle, 'lock.mjs'))};
const [dir, at] = process.argv.slice(2);
while (Date.now() < Number(at)) {} // line up with the others
try {
  const lock = await acquireDataDirLock(dir);
  console.log('won');
  setTimeout(() => lock.release(), 1500);
} catch (error) {
  console.log(error instanceof DataDirLockedError ? 'refused' : 'failed: ' + error.message);
}
`,
      );
    }, 60_000);

    it('of six processes starting at the same moment, exactly one gets the lock, with or without a stale lock there', async () => {
      for (let round = 0; round < 6; round++) {
        const dir = freshDir();
        if (round % 2 === 0) plant(dir, { pid: await deadPid() });
        const at = Date.now() + 1500;
        const results = await Promise.all(Array.from({ length: 6 }, () => execa('node', [racer, dir, String(at)])));
        const outcomes = results.map((r) => r.stdout.trim()).sort();
        expect(outcomes, `round ${round}`).toEqual(['refused', 'refused', 'refused', 'refused', 'refused', 'won']);
        expect(readdirSync(dir), `round ${round}`).toEqual([]); // released, nothing left behind
      }
    }, 60_000);
  });
});
