/**
 * The lengths of a session folder's two files, which its index line records: a line whose
 * lengths differ from the folder's is stale (the app stopped before writing it, or the folder was
 * changed or restored while it was stopped). -1 stands for a file that is missing or unreadable.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

export interface FolderSizes {
  log: number;
  file: number;
}

/**
 * Undefined when neither file is there (the folder is gone, or holds nothing to read). Two stat
 * calls, synchronous: the store calls it in short slices, and a promise per call costs more than it.
 */
export function folderSizes(dir: string): FolderSizes | undefined {
  const log = sizeOf(path.join(dir, 'events.ndjson'));
  const file = sizeOf(path.join(dir, 'session.json'));
  return log === -1 && file === -1 ? undefined : { log, file };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}
