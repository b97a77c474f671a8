/**
 * The end of the diagnostic log, read backwards from its newest file into the older ones until
 * enough records at the wanted level are found: the cost follows what is asked for, not the
 * log's size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LOG_LEVELS, type DiagLogEntry, type LogLevel } from '../../common/control';

const CHUNK = 64 * 1024;
const LEADING_LEVEL = /^\{"level":"(\w+)"/;
export const MAX_TAIL_LINES = 1000;

/**
 * The latest `count` records at `minLevel` or more severe that contain `text` (in their message,
 * component or fields, case-insensitively), oldest first. `files` newest first; missing files
 * are skipped, lines that are not a log record (torn by a crash) too. The files are read
 * backwards a chunk at a time and only the matches are kept: a search that matches little reads
 * at most the rotation's bound (3 files of 5 MiB), never more, and holds only what it returns.
 */
export function readLogTail(files: string[], count: number, minLevel?: LogLevel, text?: string): DiagLogEntry[] {
  const want = Math.max(0, Math.min(count, MAX_TAIL_LINES));
  const needle = text?.trim().toLowerCase() || undefined;
  const rank = minLevel ? LOG_LEVELS.indexOf(minLevel) : LOG_LEVELS.length;
  const found: DiagLogEntry[] = [];
  for (const file of files) {
    for (const line of linesBackwards(file)) {
      if (found.length >= want) return found.reverse();
      // Records start with their level: lines below the wanted one are skipped without parsing them.
      const leading = LEADING_LEVEL.exec(line.toString('latin1', 0, 24))?.[1] as LogLevel | undefined;
      if (leading && LOG_LEVELS.indexOf(leading) > rank) continue;
      const entry = parseRecord(line.toString('utf8'));
      if (entry && LOG_LEVELS.indexOf(entry.level) <= rank && (!needle || matches(entry, needle))) found.push(entry);
    }
  }
  return found.reverse();
}

/** A file's lines (bytes), last first, read a chunk at a time from its end. */
function* linesBackwards(file: string): Generator<Buffer> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return;
  }
  try {
    let position = fstatSync(fd).size;
    let rest = Buffer.alloc(0);
    while (position > 0) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, position);
      rest = Buffer.concat([chunk, rest]);
      let end = rest.length;
      // Split on newlines in bytes, so a multi-byte character across chunks stays whole.
      for (let i = rest.lastIndexOf(0x0a, end - 1); i >= 0; i = end > 0 ? rest.lastIndexOf(0x0a, end - 1) : -1) {
        if (end > i + 1) yield rest.subarray(i + 1, end);
        end = i;
      }
      rest = rest.subarray(0, end);
    }
    if (rest.length > 0) yield rest;
  } finally {
    closeSync(fd);
  }
}

function matches(entry: DiagLogEntry, needle: string): boolean {
  return `${entry.msg} ${entry.component ?? ''} ${JSON.stringify(entry.fields)}`.toLowerCase().includes(needle);
}

function parseRecord(line: string): DiagLogEntry | null {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof record !== 'object' || record === null) return null;
  const { time, level, msg, component, ...fields } = record as Record<string, unknown>;
  if (typeof level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(level)) return null;
  return { time: String(time ?? ''), level: level as LogLevel, msg: String(msg ?? ''), component: typeof component === 'string' ? component : undefined, fields };
}
