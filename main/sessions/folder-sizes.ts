/**
 * The lengths of a session folder's two files, which its index line records: a line whose
 * lengths differ from the folder's is stale (the app stopped before writing it, or the folder was
 * changed or restored while it was stopped). -1 stands for a file that is missing or unreadable.
 */
import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

export interface FolderSizes {
  log: number;
  file: number;
}

/** Undefined when the folder itself is gone. */
export async function folderSizes(dir: string): Promise<FolderSizes | undefined> {
  const [folder, log, file] = await Promise.all([dir, path.join(dir, 'events.ndjson'), path.join(dir, 'session.json')].map((p) => stat(p).catch((error: NodeJS.ErrnoException) => error)));
  return sizesOf(folder, log, file);
}

export function folderSizesSync(dir: string): FolderSizes | undefined {
  const statOrError = (p: string): Stats | NodeJS.ErrnoException => {
    try {
      return statSync(p);
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  };
  return sizesOf(statOrError(dir), statOrError(path.join(dir, 'events.ndjson')), statOrError(path.join(dir, 'session.json')));
}

function sizesOf(...[folder, log, file]: Array<Stats | NodeJS.ErrnoException | undefined>): FolderSizes | undefined {
  if (folder instanceof Error && folder.code === 'ENOENT') return undefined;
  const size = (s: Stats | NodeJS.ErrnoException | undefined): number => (s && !(s instanceof Error) ? s.size : -1);
  return { log: size(log), file: size(file) };
}
