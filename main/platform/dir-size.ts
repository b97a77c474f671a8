/**
 * The bytes of the files under a folder, walked off the event loop: asynchronous fs calls, at most
 * a few at once (a large data dir is many small folders), links not followed. Each file is handed
 * to `onFile` with its path relative to the root, so one walk can sum several parts.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface WalkOptions {
  /** fs calls in flight at once. */
  concurrency?: number;
}

/** Walks every file under `root` (nothing if it does not exist); resolves with the total bytes. */
export async function walkFiles(root: string, onFile: (relative: string, bytes: number) => void = () => undefined, { concurrency = 8 }: WalkOptions = {}): Promise<number> {
  let total = 0;
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await call();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
  const visit = async (relative: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await slot(() => readdir(path.join(root, relative), { withFileTypes: true }));
    } catch {
      return; // gone meanwhile, or not ours to read
    }
    await Promise.all(
      entries.map(async (entry) => {
        const child = relative ? path.join(relative, entry.name) : entry.name;
        if (entry.isDirectory()) return visit(child);
        if (!entry.isFile()) return;
        try {
          const { size } = await slot(() => lstat(path.join(root, child)));
          total += size;
          onFile(child, size);
        } catch {
          // gone meanwhile
        }
      }),
    );
  };
  await visit('');
  return total;
}
