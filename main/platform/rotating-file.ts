/**
 * An append-only file that never grows past a size: before a write that would take it over
 * `maxBytes`, `helix.log` becomes `helix.log.1` (`.1` becomes `.2`, …) and the oldest beyond
 * `files` is dropped. Writes are synchronous, so a record written just before a crash is on disk.
 *
 * Written here rather than taken from pino-roll: pino-roll rolls only after a write has passed the
 * limit and waits for the stream to drain, so a burst of records grows one file far past it.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  /** The file written now; older ones are `<file>.1`, `<file>.2`, … */
  file: string;
  /** Each file's bound in bytes. */
  maxBytes: number;
  /** How many files are kept, the current one included. */
  files: number;
}

export class RotatingFile {
  private fd: number | undefined;
  private size: number;
  /** Records that could not be written (e.g. the disk is full): logging never fails its caller. */
  dropped = 0;

  constructor(private readonly options: RotatingFileOptions) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    this.size = statSync(options.file, { throwIfNoEntry: false })?.size ?? 0;
  }

  /** The files there may be, newest first. */
  get paths(): string[] {
    return Array.from({ length: this.options.files }, (_, i) => (i === 0 ? this.options.file : `${this.options.file}.${i}`));
  }

  write(record: string): void {
    const bytes = Buffer.byteLength(record);
    try {
      if (bytes > this.options.maxBytes) {
        this.dropped += 1;
        return;
      }
      if (this.size + bytes > this.options.maxBytes) this.rotate();
      this.fd ??= openSync(this.options.file, 'a', 0o600);
      writeSync(this.fd, record);
      this.size += bytes;
    } catch {
      this.dropped += 1;
      this.closeFd(); // reopened (and its size re-read) on the next write
      this.size = statSync(this.options.file, { throwIfNoEntry: false })?.size ?? 0;
    }
  }

  close(): void {
    this.closeFd();
  }

  private rotate(): void {
    this.closeFd();
    const [newest, ...older] = this.paths;
    rmSync(older.at(-1) ?? (newest as string), { force: true });
    for (let i = older.length - 1; i > 0; i--) moveIfThere(older[i - 1] as string, older[i] as string);
    if (older.length > 0) moveIfThere(newest as string, older[0] as string);
    this.size = 0;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already unusable
    }
    this.fd = undefined;
  }
}

function moveIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
