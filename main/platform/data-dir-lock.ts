/**
 * One Helix per data dir. At start the core takes `helix.lock` in the data dir before it reads
 * anything there: a second process would otherwise take the first one's running turns for
 * leftovers of a crash, mark them interrupted and kill their claude.
 *
 * The lock file names its holder (pid, host, when, and its URLs once listening) so that a second
 * start can say who is there. It is created whole and atomically (a hard link from a complete
 * temp file; `wx` where the file system has no links), so two starts cannot both get it, nor
 * both clear a stale one (see removeIfUnchanged). A lock
 * whose process is gone — dead pid, or on Linux a pid now used by another process (its start
 * time differs) or a machine rebooted since — is taken over. A holder on another host (a shared
 * folder, or another container: its pid cannot be checked from here) touches the file every
 * 10 s; one not touched for 30 s is taken over.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeFileAtomic, writeOrWarn } from './data-dir';

export const LOCK_FILE = 'helix.lock';
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_STALE_MS = 30_000;
const BREAK_STALE_MS = 5_000;
const LOCK_WAIT_MS = 10_000;

/** Nonces of the locks this process holds: a lock naming this pid and another nonce is a leftover of a process that had it before. */
const heldHere = new Set<string>();

/** What the lock file holds. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Linux: the boot the process lives in, and its start time in clock ticks since that boot. */
  bootId?: string;
  startTicks?: string;
  /** Tells this lock apart from any other, also one of a later process with the same pid. */
  nonce: string;
  since: string;
  /** The API base URL and the control panel (without its token), once listening. */
  apiUrl?: string;
  controlUrl?: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Adds the URLs the holder serves on, for the message a second start prints. */
  setUrls(urls: { apiUrl: string; controlUrl: string }): void;
  /** Removes the lock if it is still this one; safe to call twice. */
  release(): void;
}

export class DataDirLockedError extends Error {
  readonly file: string;

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const file = path.join(dataDir, LOCK_FILE);
    const where = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on ${holder.host}`;
    const serving = holder.apiUrl ? `serving ${holder.apiUrl}${holder.controlUrl ? `, control panel ${holder.controlUrl}` : ''}` : 'still starting';
    super(
      `Another Helix (${where}, ${serving}, since ${holder.since}) is using the data dir ${dataDir}. ` +
        `Stop it first. If pid ${holder.pid} is not Helix, delete ${file}.`,
    );
    this.file = file;
  }
}

/** Takes the data dir's lock, or throws DataDirLockedError naming the live holder. */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine: LockHolder = { ...ownIdentity(), nonce: randomUUID(), since: new Date().toISOString() };
  const content = `${JSON.stringify(mine)}\n`;
  const temp = `${file}.${mine.nonce}.tmp`;
  writeFileSync(temp, content, { flag: 'wx' });
  try {
    // Each pass takes the lock, names a live holder, or clears a stale one (or waits for the start
    // clearing it); bounded in time in case the file keeps changing under it.
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (Date.now() < deadline) {
      if (create(temp, file, content)) return heldLock(file, mine);
      const found = readLock(file);
      if (found === 'gone') continue;
      if (found === 'being-written') {
        await sleep(50);
        continue;
      }
      if (found.holder && isHeld(found.holder, file)) throw new DataDirLockedError(dataDir, found.holder);
      if (!removeIfUnchanged(file, found.raw)) await sleep(20);
    }
    throw new Error(`cannot take ${file}: other processes keep changing it`);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Creates the lock with its full content at once; false if there is one already. */
function create(temp: string, file: string, content: string): boolean {
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP'].includes(code ?? '')) throw error;
  }
  // No hard links on this file system: exclusive create, then one write.
  try {
    writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

type Found = 'gone' | 'being-written' | { raw: string; holder: LockHolder | null };

function readLock(file: string): Found {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const holder = parseHolder(raw);
  // Only the `wx` fallback can show a file before its content; a damaged old one is stale.
  if (!holder && raw === '' && ageMs(file) < 2_000) return 'being-written';
  return { raw, holder };
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || (value.pid as number) <= 0 || typeof value.host !== 'string' || typeof value.nonce !== 'string') return null;
    return { since: 'an unknown time', ...value } as LockHolder;
  } catch {
    return null;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/**
 * Deletes a stale lock, but only if it is still the one judged stale. Only the holder of
 * `helix.lock.break` may delete the lock, and while the stale one is there nobody can create
 * another; so what it reads again under the break lock is what it deletes, never a lock another
 * start has just taken. Returns false when another start is breaking it (then read again).
 */
function removeIfUnchanged(file: string, staleRaw: string): boolean {
  const breaker = `${file}.break`;
  try {
    writeFileSync(breaker, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Held for microseconds; an old one is left by a start that died while breaking.
    if (ageMs(breaker) > BREAK_STALE_MS) rmSync(breaker, { force: true });
    return false;
  }
  try {
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (current === staleRaw) rmSync(file, { force: true });
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** Whether the lock's process still runs; for one on another host, whether it was touched lately. */
function isHeld(holder: LockHolder, file: string): boolean {
  if (holder.host !== os.hostname()) return ageMs(file) < HEARTBEAT_STALE_MS;
  if (holder.pid === process.pid) return heldHere.has(holder.nonce);
  const own = ownIdentity();
  if (holder.bootId && own.bootId && holder.bootId !== own.bootId) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it runs, as another user.
  }
  if (holder.startTicks) {
    const ticks = startTicks(holder.pid);
    if (ticks !== undefined) return ticks === holder.startTicks;
  }
  return true;
}

function heldLock(file: string, mine: LockHolder): DataDirLock {
  let released = false;
  heldHere.add(mine.nonce);
  const stillMine = (): boolean => {
    try {
      return parseHolder(readFileSync(file, 'utf8'))?.nonce === mine.nonce;
    } catch {
      return false;
    }
  };
  const heartbeat = setInterval(() => {
    try {
      if (stillMine()) utimesSync(file, new Date(), new Date());
    } catch {
      /* a missed beat is made up by the next one */
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    file,
    setUrls(urls) {
      if (released || !stillMine()) return;
      Object.assign(mine, urls);
      writeOrWarn(() => writeFileAtomic(file, `${JSON.stringify(mine)}\n`));
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      heldHere.delete(mine.nonce);
      if (stillMine()) rmSync(file, { force: true });
    },
  };
}

function ownIdentity(): Pick<LockHolder, 'pid' | 'host' | 'bootId' | 'startTicks'> {
  return { pid: process.pid, host: os.hostname(), bootId: bootId(), startTicks: startTicks(process.pid) };
}

/** Linux only; undefined elsewhere. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
