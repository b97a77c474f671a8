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
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n');
    }
    return fd;
  }

  close(): void {
    clearTimeout(this.idle);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every intact record of a log, in order. */
export function readLog(file: string): LogRecord[] {
  if (!existsSync(file)) return [];
  const records: LogRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as LogRecord;
      if (typeof record?.type === 'string') records.push(record);
    } catch {
      // a line torn by a crash mid-write
    }
  }
  return records;
}
