/**
 * The sessions' index file (`<data dir>/sessions-index.ndjson`): one line per session with what
 * the app needs before it reads the session's folder, so a start reads this one file, not every
 * session's. A line is five tab-separated fields:
 *
 *     <session id> TAB <chat id as JSON, or empty> TAB <flags><last change, ms> TAB <entry as JSON> TAB <turn refs>
 *
 * A start takes only the first three (the chat id index; `i` for a session that had a turn in
 * flight; the time of its last change, which orders the sessions) and keeps where the rest is; the entry (summary, usage, file lengths) is parsed when
 * first needed, the refs (see refsText) when the turn look-ups are built, after the start. So a
 * start costs a scan of the file, not a parse of it. A header line names the format; each change
 * appends the session's line (the latest line of a session wins, flags `d` drop it), and the file
 * is rewritten whole, compacted, when it has grown to more than twice the lines it needs.
 *
 * It is a cache of the folders: a line that does not parse, or whose refs are not as long as its
 * entry says (a write torn by a crash), is taken as unknown and its folder read instead; and the
 * store checks every line against its folder after the start (see SessionStore).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile, open, rename, rm } from 'node:fs/promises';
import type { SessionSummary } from '../../common/control';
import type { UsageRow } from '../../common/session';

const HEADER = { index: 'helix-sessions', version: 1 };
const NEWLINE = 0x0a;
const TAB = 0x09;
const ID_LENGTH = 36;

export interface IndexEntry extends SessionSummary {
  usage: UsageRow[];
  /** The session file's own `logBytes` and its length: a folder whose files differ has changed since. */
  logBytes: number;
  fileBytes: number;
  /** The length in bytes of the line's refs: a line torn in its refs is not taken. */
  refsBytes: number;
}

/** A session's line to write: its entry, whether a turn is in flight, and its turn refs as text. */
export interface IndexLine {
  entry: IndexEntry;
  inFlight: boolean;
  refs: string;
}

/** A line as read: the chat id and flags, and where its entry and refs are in the file's bytes. */
export interface ReadLine {
  chatId: string | undefined;
  inFlight: boolean;
  /** Its session's last change (ms): lines are appended as files are written, not quite in that order. */
  changedAt: number;
  entryAt: number;
  refsAt: number;
  end: number;
}

export interface IndexRead<T = ReadLine> {
  /** The file's bytes, which the lines' entries and refs are in. */
  bytes: Buffer;
  /** What `made` of each session's latest line, in the order of those lines. */
  lines: Map<string, T>;
  /** The lines are in the order of their sessions' last change (as a compaction writes them). */
  ordered: boolean;
  /** Lines in the file (the header left out), including those a later one replaces. */
  count: number;
  /** The file ends with a whole line (a torn last line is ended before appending after it). */
  whole: boolean;
}

/**
 * The lines of an index file, the latest written last, each turned into what `make` makes of it
 * (the store's own record, so that a start builds one map, not two); undefined if there is none
 * or it is not one.
 */
export function readIndexFile<T = ReadLine>(file: string, make: (line: ReadLine) => T = (line) => line as T): IndexRead<T> | undefined {
  /** Each session's line taken so far: a line of an earlier change written after a later one (writes race) does not replace it. */
  const taken = new Map<string, number>();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const headerEnd = bytes.indexOf(NEWLINE);
  if (headerEnd === -1 || !isHeader(bytes.toString('utf8', 0, headerEnd))) return undefined;
  const lines = new Map<string, T>();
  let count = 0;
  let ordered = true;
  let last = 0;
  for (let start = headerEnd + 1; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    count += 1;
    const line = scanLine(bytes, start, end, lines);
    if (line && (taken.get(line.id) ?? -1) > line.changedAt) line.id = '';
    if (line?.id) {
      taken.set(line.id, line.changedAt);
      lines.delete(line.id);
      if (line.changedAt < last) ordered = false;
      last = line.changedAt;
      lines.set(line.id, make(line));
    }
    start = end + 1;
  }
  return { bytes, lines, ordered, count, whole: bytes[bytes.length - 1] === NEWLINE };
}

/**
 * Takes a line's first fields, removing the session's earlier line (the latest wins); a line torn
 * before its entry is skipped (the folder check finds what it held).
 */
function scanLine(bytes: Buffer, start: number, end: number, lines: Map<string, unknown>): (ReadLine & { id: string }) | undefined {
  const idEnd = start + ID_LENGTH;
  if (idEnd >= end || bytes[idEnd] !== TAB) return undefined;
  const id = bytes.toString('latin1', start, idEnd);
  const chatEnd = bytes.indexOf(TAB, idEnd + 1);
  if (chatEnd === -1 || chatEnd >= end) return undefined;
  const flagsEnd = bytes.indexOf(TAB, chatEnd + 1);
  if (flagsEnd === -1 || flagsEnd >= end) {
    // `<id> TAB TAB d`: deleted.
    if (bytes[chatEnd + 1] === 0x64 /* d */) lines.delete(id);
    return undefined;
  }
  const entryEnd = bytes.indexOf(TAB, flagsEnd + 1);
  if (entryEnd === -1 || entryEnd >= end) return undefined;
  let chatId: string | undefined;
  if (chatEnd > idEnd + 1) {
    // Written as it is when it can be (see chatIdText), else as JSON.
    if (bytes[idEnd + 1] !== 0x22 /* " */) chatId = bytes.toString('utf8', idEnd + 1, chatEnd);
    else {
      try {
        chatId = JSON.parse(bytes.toString('utf8', idEnd + 1, chatEnd)) as string;
      } catch {
        return undefined;
      }
      if (typeof chatId !== 'string') return undefined;
    }
  }
  const inFlight = bytes[chatEnd + 1] === 0x69; /* i */
  const changedAt = Number(bytes.toString('latin1', chatEnd + (inFlight ? 2 : 1), flagsEnd));
  return { id, chatId, inFlight, changedAt: Number.isFinite(changedAt) ? changedAt : 0, entryAt: flagsEnd + 1, refsAt: entryEnd + 1, end };
}

/** A chat id as the line holds it: as it is, unless it could be read as something else (then JSON). */
function chatIdText(chatId: string | undefined): string {
  if (chatId === undefined) return '';
  return chatId !== '' && !chatId.startsWith('"') && !/[\t\n\r]/.test(chatId) ? chatId : JSON.stringify(chatId);
}

/** A read line's entry, or undefined if it does not parse or its refs are torn. */
export function parseEntry(bytes: Buffer, line: ReadLine): IndexEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8', line.entryAt, line.refsAt - 1));
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const entry = parsed as Partial<IndexEntry>;
  return isEntry(entry) && entry.refsBytes === line.end - line.refsAt ? entry : undefined;
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
    typeof record.id === 'string' &&
    typeof record.title === 'string' &&
    typeof record.role === 'string' &&
    typeof record.createdAt === 'string' &&
    typeof record.updatedAt === 'string' &&
    typeof record.status === 'string' &&
    typeof record.refsBytes === 'number' &&
    typeof record.logBytes === 'number' &&
    typeof record.fileBytes === 'number' &&
    Array.isArray(record.usage)
  );
}

/** A line's text, its refs' length stated in its entry. */
function lineText({ entry, inFlight, refs }: IndexLine): string {
  const chatId = chatIdText(entry.chatId);
  const changedAt = Date.parse(entry.updatedAt) || 0;
  return `${entry.id}\t${chatId}\t${inFlight ? 'i' : ''}${changedAt}\t${JSON.stringify({ ...entry, refsBytes: Buffer.byteLength(refs) })}\t${refs}`;
}

/** Lines turned into text per slice, between which other work runs: a compaction never holds the loop long. */
const SLICE = 2000;

/**
 * A session's line is appended at most once in this long (its latest line wins): a turn writes its
 * session's file a few times, and the index need not follow each of them (a line lost to a crash is
 * found stale by the check after the next start, and read from the folder).
 */
const APPEND_EVERY_MS = 1000;

/**
 * Appends the sessions' lines off the event loop, batched (the latest line of a session in a batch
 * wins), one write at a time; compacts the file when asked, in the same queue.
 */
export class IndexFileWriter {
  private readonly pending = new Map<string, string>();
  private queue: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;
  /** Lines written at once while a compaction is under way: appended again to the compacted file. */
  private putDuringCompaction: string[] | null = null;
  /** Whether the next append must first end a torn line. */
  private torn: boolean;
  private lines: number;

  constructor(
    readonly file: string,
    read: Pick<IndexRead<unknown>, 'count' | 'whole'> | undefined,
    private readonly onError: (error: Error) => void,
  ) {
    this.lines = read?.count ?? 0;
    this.torn = read ? !read.whole : false;
    if (!read) {
      // A new (or unreadable) index starts with its header; what it lacks is read from the folders.
      try {
        writeFileSync(this.file, `${JSON.stringify(HEADER)}\n`);
      } catch (error) {
        this.onError(error as Error);
      }
    }
  }

  /** Lines in the file (the header left out), and those about to be. */
  get length(): number {
    return this.lines + this.pending.size;
  }

  put(line: IndexLine): void {
    this.add(line.entry.id, lineText(line));
  }

  /**
   * Appends a line at once, synchronously: a session that has a turn in flight says so before its
   * claude process starts, so that a start after a crash settles it before serving.
   */
  putNow(line: IndexLine): void {
    this.pending.delete(line.entry.id);
    const text = `${lineText(line)}\n`;
    try {
      appendFileSync(this.file, `${this.torn ? '\n' : ''}${text}`);
      this.torn = false;
      this.lines += 1;
      this.putDuringCompaction?.push(text);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  remove(id: string): void {
    this.add(id, `${id}\t\td`);
  }

  /** Rewrites the file with these lines only, in this order (text made a slice at a time, written to a temp file, renamed). */
  compact(lines: () => IndexLine[]): Promise<void> {
    return this.enqueue(async () => {
      // Lines written at once from here on go to the file about to be replaced: they are written again after.
      this.putDuringCompaction = [];
      try {
        await this.rewrite(lines());
      } finally {
        this.putDuringCompaction = null;
      }
    });
  }

  private async rewrite(list: IndexLine[]): Promise<void> {
    // The lines waiting to be appended are in the list (as the sessions are now), unless changed again meanwhile.
    const covered = new Map(this.pending);
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.write(`${JSON.stringify(HEADER)}\n`);
      for (let i = 0; i < list.length; i += SLICE) {
        await handle.write(list.slice(i, i + SLICE).map((line) => `${lineText(line)}\n`).join(''));
      }
      await handle.close();
      await rename(temp, this.file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
    for (const [id, line] of covered) if (this.pending.get(id) === line) this.pending.delete(id);
    this.lines = list.length;
    this.torn = false;
    const again = this.putDuringCompaction ?? [];
    if (again.length === 0) return;
    try {
      const text = again.join('');
      appendFileSync(this.file, text);
      this.lines += text.split('\n').length - 1;
    } catch (error) {
      // Lost with the file replaced: the check after the next start reads those sessions' folders.
      this.onError(error as Error);
    }
  }

  /** Resolves once every line so far is written (or failed to be). */
  async flush(): Promise<void> {
    if (this.pending.size > 0) void this.enqueue(() => this.appendPending());
    await this.queue;
  }

  /** Writes what is pending at once: the app is stopping. */
  close(): void {
    this.closed = true;
    if (this.pending.size === 0) return;
    try {
      const text = this.takePending();
      appendFileSync(this.file, text);
      this.putDuringCompaction?.push(text.startsWith('\n') ? text.slice(1) : text);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  private add(id: string, line: string): void {
    if (this.closed) {
      this.pending.set(id, line);
      this.close();
      return;
    }
    this.pending.delete(id);
    this.pending.set(id, line);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (this.pending.size > 0) void this.enqueue(() => this.appendPending());
    }, APPEND_EVERY_MS).unref();
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
