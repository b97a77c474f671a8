/**
 * A session's log: one JSON object per line, appended as things happen. Each record is written
 * with a single write to a file opened for appending, so a crash can at worst leave the last
 * line torn; readers skip such a line instead of failing.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import type { LogEntry } from '../../common/control';
import { StorageError } from '../platform/data-dir';


/** A log not written to for this long gives its file handle back (one per session would run out). */
const IDLE_CLOSE_MS = 2000;

export class EventLog {
  private fd: number | undefined;
  private idle: NodeJS.Timeout | undefined;
  /** The file's length as this log last knew it (it is the file's only writer). */
  private bytes: number | undefined;

  constructor(readonly file: string) {}

  /** The log's length in bytes: where the next record will start. */
  size(): number {
    if (this.bytes === undefined) {
      try {
        this.bytes = statSync(this.file).size;
      } catch {
        return 0;
      }
    }
    return this.bytes;
  }

  /** Throws a StorageError if the line cannot be written (e.g. the disk is full). */
  append(record: Record<string, unknown> & { type: string }): void {
    const line = Buffer.from(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
    try {
      this.fd ??= this.open();
      const written = writeSync(this.fd, line);
      if (this.bytes !== undefined) this.bytes += written;
      if (written < line.length) throw Object.assign(new Error(`ENOSPC: no space left on device, ${written} of ${line.length} bytes written`), { code: 'ENOSPC' });
    } catch (error) {
      // Reopened for the next record, which then starts on a line of its own.
      this.close();
      throw new StorageError(this.file, error);
    }
    if (this.idle) this.idle.refresh();
    else this.idle = setTimeout(() => this.close(), IDLE_CLOSE_MS).unref();
  }

  /** Opens for appending; a line torn by an earlier crash is ended first so it cannot swallow the next. */
  private open(): number {
    const fd = openSync(this.file, 'a+');
    try {
      if (endsTorn(fd)) writeSync(fd, '\n');
      this.bytes = fstatSync(fd).size;
      return fd;
    } catch (error) {
      closeSync(fd); // e.g. the disk is still full: no handle is kept for a log that cannot be written
      throw error;
    }
  }

  close(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    // A write that failed part-way leaves a length only the file can tell.
    this.bytes = undefined;
  }
}

/** Whether an open file ends without a newline: its last line was torn by a crash (an empty file is not). */
export function endsTorn(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== 0x0a;
}

/** Every intact record of a log, in order. */
export function readLog(file: string): LogEntry[] {
  return parseLines(logLines(file));
}

export interface LogPage {
  records: LogEntry[];
  /** Byte offset of the page's first line: where the page before it ends; 0 when nothing is earlier. */
  start: number;
  /** The log's size in bytes. */
  total: number;
}

/** Read from the end, a megabyte at a time: a page costs the same however long the log before it is. */
const CHUNK = 1024 * 1024;

/**
 * The last `limit` lines or more before the byte offset `before` (default: the end), beginning
 * where a turn begins, so a tool call and its result, or a stretch of answer, are never split
 * between two pages.
 */
export function readLogPage(file: string, limit: number, before?: number): LogPage {
  if (!existsSync(file)) return { records: [], start: 0, total: 0 };
  const fd = openSync(file, 'r');
  try {
    const total = fstatSync(fd).size;
    let from = Math.min(before ?? total, total);
    // Lines are taken from the end backwards (so `backwards` is the page reversed); `cut` holds the
    // end of a line whose start is not read yet.
    const backwards: string[] = [];
    let cut = Buffer.alloc(0);
    while (from > 0) {
      const size = Math.min(CHUNK, from);
      from -= size;
      const read = Buffer.alloc(size);
      readSync(fd, read, 0, size, from);
      const buffer = Buffer.concat([read, cut]);
      let stop = buffer.length;
      for (let newline = buffer.lastIndexOf(0x0a, stop - 1); newline !== -1; newline = stop > 0 ? buffer.lastIndexOf(0x0a, stop - 1) : -1) {
        const line = buffer.toString('utf8', newline + 1, stop);
        stop = newline;
        if (!line.trim()) continue;
        backwards.push(line);
        if (backwards.length >= limit && startsTurn(line)) return { records: parseLines(backwards.reverse()), start: from + newline + 1, total };
      }
      cut = buffer.subarray(0, stop);
    }
    // The log's first line has no newline before it.
    const first = cut.toString('utf8');
    if (first.trim()) backwards.push(first);
    return { records: parseLines(backwards.reverse()), start: 0, total };
  } finally {
    closeSync(fd);
  }
}

/** Every intact record from byte `offset` (the start of a line) to the end: what a log holds past a known point. */
export function readLogFrom(file: string, offset: number): LogEntry[] {
  if (!existsSync(file)) return [];
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (offset >= size) return [];
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    return parseLines(buffer.toString('utf8').split('\n').filter((line) => line.trim()));
  } finally {
    closeSync(fd);
  }
}

function logLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim());
}

function parseLines(lines: string[]): LogEntry[] {
  const records: LogEntry[] = [];
  for (const line of lines) {
    const record = parse(line);
    if (record) records.push(record);
  }
  return records;
}

function parse(line: string): LogEntry | undefined {
  try {
    const record = JSON.parse(line) as LogEntry;
    return typeof record?.type === 'string' ? record : undefined;
  } catch {
    return undefined; // a line torn by a crash
  }
}

function startsTurn(line: string): boolean {
  // Most lines are events: a cheap look first, a parse only for the few that may start a turn.
  if (!line.includes('"type":"prompt"') && !line.includes('"type":"session"')) return false;
  const type = parse(line)?.type;
  return type === 'prompt' || type === 'session';
}
