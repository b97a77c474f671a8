import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file under a folder, recursively: regular files and links to files (a dangling link holds nothing). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || (entry.isSymbolicLink() && statSync(path.join(entry.parentPath, entry.name), { throwIfNoEntry: false })?.isFile() === true))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
