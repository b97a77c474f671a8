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
import { StorageError, writeFileAtomic } from '../platform/data-dir';

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
