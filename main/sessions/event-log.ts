/**
 * A session's log: one JSON object per line, appended as things happen. Each record is written
 * with a single write to a file opened for appending, so a crash can at worst leave the last
 * line torn; readers skip such a line instead of failing.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { StorageError } from '../core/data-dir';

export type LogRecord = { type: string; at: string } & Record<string, unknown>;

/** A log not written to for this long gives its file handle back (one per session would run out). */
const IDLE_CLOSE_MS = 2000;

export class EventLog {
  private fd: number | undefined;
  private idle: NodeJS.Timeout | undefined;

  constructor(readonly file: string) {}

  /** Throws a StorageError if the line cannot be written (e.g. the disk is full). */
  append(record: Record<string, unknown> & { type: string }): void {
    const line = Buffer.from(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
    try {
      this.fd ??= this.open();
      const written = writeSync(this.fd, line);
      if (written < line.length) throw Object.assign(new Error(`ENOSPC: no space left on device, ${written} of ${line.length} bytes written`), { code: 'ENOSPC' });
    } catch (error) {
      // Reopened for the next record, which then starts on a line of its own.
      this.close();
      throw new StorageError(this.file, error);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.close(), IDLE_CLOSE_MS).unref();
  }

  /** Opens for appending; a line torn by an earlier crash is ended first so it cannot swallow the next. */
  private open(): number {
    const fd = openSync(this.file, 'a+');
    try {
      const size = fstatSync(fd).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) writeSync(fd, '\n');
      }
      return fd;
    } catch (error) {
      closeSync(fd); // e.g. the disk is still full: no handle is kept for a log that cannot be written
      throw error;
    }
  }

  close(): void {
    clearTimeout(this.idle);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every intact record of a log, in order. */
export function readLog(file: string): LogRecord[] {
  return parseLines(logLines(file));
}

export interface LogPage {
  records: LogRecord[];
  /** Byte offset of the page's first line: where the page before it ends; 0 when nothing is earlier. */
  start: number;
  /** The log's size in bytes. */
  total: number;
}

/** Read from the end, a megabyte at a time: a page costs the same however long the log is. */
const CHUNK = 1024 * 1024;

/**
 * About the last `limit` lines before the byte offset `before` (default: the end). A page begins
 * where a turn begins, when one does within another `limit` lines, so a tool call and its
 * result, or a stretch of answer, are never split between two pages.
 */
export function readLogPage(file: string, limit: number, before?: number): LogPage {
  if (!existsSync(file)) return { records: [], start: 0, total: 0 };
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    const end = Math.min(before ?? total, total);
    // Whole lines before `end`, at most 2 × limit of them, with their offsets.
    let from = end;
    const chunks: Buffer[] = [];
    for (let newlines = 0; from > 0 && newlines <= 2 * limit; ) {
      const size = Math.min(CHUNK, from);
      from -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, from);
      chunks.unshift(chunk);
      newlines += count(chunk, 0x0a);
    }
    const buffer = Buffer.concat(chunks);
    const skip = from > 0 ? buffer.indexOf(0x0a) + 1 : 0; // a line cut by the read is left to the page before
    const lines: Array<{ at: number; text: string }> = [];
    for (let at = skip; at < buffer.length; ) {
      const next = buffer.indexOf(0x0a, at);
      const stop = next === -1 ? buffer.length : next;
      lines.push({ at: from + at, text: buffer.toString('utf8', at, stop) });
      at = stop + 1;
    }
    const filled = lines.filter((line) => line.text.trim());
    let first = Math.max(0, filled.length - limit);
    const floor = Math.max(0, first - limit);
    while (first > floor && !startsTurn(filled[first]!.text)) first--;
    const page = filled.slice(first);
    const start = from === 0 && first === 0 ? 0 : (page[0]?.at ?? 0);
    return { records: parseLines(page.map((line) => line.text)), start, total };
  } finally {
    closeSync(fd);
  }
}

function count(buffer: Buffer, byte: number): number {
  let n = 0;
  for (let at = buffer.indexOf(byte); at !== -1; at = buffer.indexOf(byte, at + 1)) n++;
  return n;
}

function logLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
}

function parseLines(lines: string[]): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of lines) {
    const record = parse(line);
    if (record) records.push(record);
  }
  return records;
}

function parse(line: string): LogRecord | undefined {
  try {
    const record = JSON.parse(line) as LogRecord;
    return typeof record?.type === 'string' ? record : undefined;
  } catch {
    return undefined; // a line torn by a crash
  }
}

function startsTurn(line: string): boolean {
  const type = parse(line)?.type;
  return type === 'prompt' || type === 'session';
}
