/**
 * The sessions' index file (`<data dir>/sessions-index.ndjson`): one line per session with what the app needs
 * before it reads the session's folder (its summary, usage, and what its turns are found by), so a
 * start reads this one file, not every session's. A header line names the format; each change
 * appends the session's line (the latest line of a session wins, a `deleted` line drops it), and
 * the file is rewritten whole, compacted, when it has grown to more than twice the lines it needs.
 *
 * It is a cache of the folders: lines that do not parse (a write torn by a crash) are skipped, and
 * the store checks every line against its folder after the start (see SessionStore), so a missing,
 * torn or stale file costs a re-read of the folders concerned, never a session.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, open, rename, rm } from 'node:fs/promises';
import type { SessionSummary } from '../../common/control';
import type { UsageRow } from './session-summary';

const HEADER = { index: 'helix-sessions', version: 1 };

export interface IndexEntry extends SessionSummary {
  cwd: string;
  /** A turn was queued or running when the line was written: the start settles it. */
  inFlight?: boolean;
  usage: UsageRow[];
  /** The held turns' TurnRefs as JSON text: read only when the turn look-ups are built, after the start. */
  refs: string;
  /** The session file's own `logBytes` and its length: a folder whose files differ has changed since. */
  logBytes: number;
  fileBytes: number;
}

export interface IndexRead {
  entries: Map<string, IndexEntry>;
  lines: number;
  /** The file ends with a whole line (a torn last line is ended before appending after it). */
  whole: boolean;
}

/** The entries of an index file, the latest changed last; undefined if there is none or it is not one. */
export function readIndexFile(file: string): IndexRead | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  if (lines.length === 0 || !isHeader(lines[0] ?? '')) return undefined;
  const entries = new Map<string, IndexEntry>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // torn by a crash: the folder check finds what it held
    }
    if (!parsed || typeof parsed !== 'object') continue;
    const record = parsed as Partial<IndexEntry> & { deleted?: boolean };
    if (typeof record.id !== 'string') continue;
    // Deleted, or changed: it goes last either way (the order of changes is the order of recency).
    entries.delete(record.id);
    if (record.deleted !== true && isEntry(record)) entries.set(record.id, record);
  }
  return { entries, lines: lines.length - 1, whole: text.endsWith('\n') };
}

function isHeader(line: string): boolean {
  try {
    const header = JSON.parse(line) as typeof HEADER;
    return header.index === HEADER.index && header.version === HEADER.version;
  } catch {
    return false;
  }
}

function isEntry(record: Partial<IndexEntry>): record is IndexEntry {
  return (
    typeof record.title === 'string' &&
    typeof record.role === 'string' &&
    typeof record.cwd === 'string' &&
    typeof record.createdAt === 'string' &&
    typeof record.updatedAt === 'string' &&
    typeof record.status === 'string' &&
    typeof record.refs === 'string' &&
    typeof record.logBytes === 'number' &&
    typeof record.fileBytes === 'number' &&
    Array.isArray(record.usage)
  );
}

/** Entries turned into text per slice, between which other work runs: a compaction never holds the loop long. */
const SLICE = 2000;

/**
 * Appends the sessions' lines off the event loop, batched per tick (the latest line of a session
 * in a batch wins), one write at a time; compacts the file when asked, in the same queue.
 */
export class IndexFileWriter {
  private readonly pending = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;
  /** Whether the next append must first end a torn line. */
  private torn: boolean;
  private lines: number;

  constructor(
    readonly file: string,
    read: IndexRead | undefined,
    private readonly onError: (error: Error) => void,
  ) {
    this.lines = read?.lines ?? 0;
    this.torn = read ? !read.whole : false;
    if (!read) {
      // A new (or unreadable) index starts with its header; what it lacks is read from the folders.
      writeFileSync(this.file, `${JSON.stringify(HEADER)}\n`);
    }
  }

  /** Lines in the file (the header left out). */
  get length(): number {
    return this.lines + this.pending.size;
  }

  put(entry: IndexEntry): void {
    this.add(entry.id, JSON.stringify(entry));
  }

  remove(id: string): void {
    this.add(id, JSON.stringify({ id, deleted: true }));
  }

  /** Rewrites the file with these entries only, in this order (text made a slice at a time, written to a temp file, renamed). */
  compact(entries: () => IndexEntry[]): Promise<void> {
    return this.enqueue(async () => {
      const list = entries();
      const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await open(temp, 'w');
      try {
        await handle.write(`${JSON.stringify(HEADER)}\n`);
        for (let i = 0; i < list.length; i += SLICE) {
          const text = list.slice(i, i + SLICE).map((e) => `${JSON.stringify(e)}\n`).join('');
          await handle.write(text);
        }
        await handle.close();
        await rename(temp, this.file);
        this.lines = list.length;
        this.torn = false;
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(temp, { force: true });
        throw error;
      }
    });
  }

  /** Resolves once every line so far is written (or failed to be). */
  async flush(): Promise<void> {
    if (this.pending.size > 0) this.enqueue(() => this.appendPending());
    await this.queue;
  }

  /** Writes what is pending at once: the app is stopping. */
  close(): void {
    this.closed = true;
    if (this.pending.size === 0) return;
    try {
      appendFileSync(this.file, this.takePending());
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private add(id: string, line: string): void {
    if (this.closed) {
      try {
        appendFileSync(this.file, `${this.torn ? '\n' : ''}${line}\n`);
        this.torn = false;
      } catch (error) {
        this.onError(error as Error);
      }
      return;
    }
    this.pending.delete(id);
    this.pending.set(id, line);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.pending.size > 0) void this.enqueue(() => this.appendPending());
    });
  }

  private takePending(): string {
    const text = `${this.torn ? '\n' : ''}${[...this.pending.values()].join('\n')}\n`;
    this.lines += this.pending.size;
    this.pending.clear();
    this.torn = false;
    return text;
  }

  private async appendPending(): Promise<void> {
    if (this.pending.size === 0) return;
    await appendFile(this.file, this.takePending());
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => this.onError(error as Error));
    return this.queue;
  }
}
