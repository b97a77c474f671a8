/**
 * Writes sessions' files off the event loop: a change marks its session's file to be written
 * after whatever else the same tick changes, each file is written whole (temp file + rename), at
 * most one write per file is under way and a change made meanwhile is written once it ends — the
 * latest state wins. A write that fails (disk full) is tried again with the session's next
 * change: the log holds the change meanwhile, and a start catches the file up from it.
 */
import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { SessionRecord } from '../../common/session';
import { StorageError, writeFileAtomic } from '../platform/data-dir';
import { lineOf } from './catalog-slot';
import { fileText } from './session-folder';
import type { IndexLine } from './session-index-file';

interface PendingWrite {
  done: Promise<void>;
  again: boolean;
}

export class SessionFileWriter {
  private readonly dirty = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly writing = new Map<string, PendingWrite>();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly fileOf: (id: string) => string,
    /** The file's text now; undefined for a session that is gone. */
    private readonly textOf: (id: string) => string | undefined,
    /** Hears each file written, with the text it now holds. */
    private readonly written: (id: string, text: string) => void = () => undefined,
  ) {}

  /** Marks the file to be written soon; once closed, writes it at once (and throws if it cannot). */
  save(id: string): void {
    if (this.closed) {
      const text = this.textOf(id);
      if (text !== undefined) this.writeNow(id, text);
      return;
    }
    this.failed.delete(id);
    this.dirty.add(id);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.writeDirty();
    });
  }

  /** Resolves once every change so far is written, or failed to be. */
  async flush(): Promise<void> {
    while (this.dirty.size > 0 || this.writing.size > 0) {
      this.writeDirty();
      await Promise.all([...this.writing.values()].map((w) => w.done));
    }
  }

  /** Stops writing a session's file (it is being deleted), once a write under way has ended. */
  async forget(id: string): Promise<void> {
    this.dirty.delete(id);
    this.failed.delete(id);
    await this.writing.get(id)?.done;
  }

  /** Writes what is not written yet, at once: the app is stopping. */
  close(): void {
    this.closed = true;
    for (const id of new Set([...this.dirty, ...this.failed, ...this.writing.keys()])) {
      try {
        const text = this.textOf(id);
        if (text !== undefined) this.writeNow(id, text);
      } catch (error) {
        // The log has it: the next start brings the file up to date from there.
        console.error(`Helix: ${(error as Error).message}`);
      }
    }
    this.dirty.clear();
    this.failed.clear();
  }

  private writeNow(id: string, text: string): void {
    writeFileAtomic(this.fileOf(id), text);
    this.written(id, text);
  }

  private writeDirty(): void {
    for (const id of [...this.dirty]) {
      const pending = this.writing.get(id);
      if (pending) {
        pending.again = true;
        continue;
      }
      this.dirty.delete(id);
      const text = this.textOf(id);
      if (text !== undefined) this.writeAsync(id, text);
    }
  }

  private writeAsync(id: string, text: string): void {
    const file = this.fileOf(id);
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const pending: PendingWrite = { again: false, done: Promise.resolve() };
    pending.done = writeFile(temp, text)
      .then(() => {
        // Written at close meanwhile (synchronously, and later than this): that one stands.
        if (this.closed) return rm(temp, { force: true });
        renameSync(temp, file);
        this.written(id, text);
      })
      .catch(async (error: unknown) => {
        await rm(temp, { force: true }).catch(() => undefined);
        this.failed.add(id);
        console.error(`Helix: ${new StorageError(file, error).message}`);
      })
      .finally(() => {
        this.writing.delete(id);
        if (pending.again && !this.closed) this.save(id);
      });
    this.writing.set(id, pending);
  }
}

/**
 * The held sessions' files, written by a SessionFileWriter, and their index lines: each line is
 * made with its file's text and put once the file holds that text, so it never runs ahead of it.
 */
export class SessionFiles {
  /** The text last given to each session's file, and its index line. */
  private readonly lines = new Map<string, { text: string; line: IndexLine }>();
  private readonly writer: SessionFileWriter;

  constructor(
    fileOf: (id: string) => string,
    /** The session if it is held (only a held session's file is written). */
    private readonly held: (id: string) => SessionRecord | undefined,
    /** The length of the session's log now. */
    private readonly logBytes: (id: string) => number,
    /** Puts a line in the sessions' index. */
    private readonly putLine: (line: IndexLine) => void,
  ) {
    this.writer = new SessionFileWriter(
      fileOf,
      (id) => {
        const session = held(id);
        return session && this.text(session);
      },
      (id, text) => this.written(id, text),
    );
  }

  /** The file's text: the session, and the length of the log it includes (every record is appended before its change is saved). */
  text(session: SessionRecord, logBytes = this.logBytes(session.id)): string {
    const text = fileText(session, logBytes);
    this.lines.set(session.id, { text, line: lineOf(session, logBytes, Buffer.byteLength(text)) });
    return text;
  }

  /** A session's file now holds this text: its index line says so. */
  written(id: string, text: string): void {
    const held = this.lines.get(id);
    if (held?.text !== text || !this.held(id)) return;
    this.lines.delete(id);
    this.putLine(held.line);
  }

  save(id: string): void {
    this.writer.save(id);
  }

  /** A session forgotten: its line is not put any more. */
  dropLine(id: string): void {
    this.lines.delete(id);
  }

  forget(id: string): Promise<void> {
    return this.writer.forget(id);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }
}
