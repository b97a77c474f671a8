/** The folder a session works in, as the panel opens it: where its latest turn ran, else its own workspace. */
import { statSync } from 'node:fs';
import type { SessionRecord } from '../../common/session';

/** The folder, or a FolderMissing error naming it when it is gone (deleted by hand, an unplugged disk). */
export function sessionFolder(session: SessionRecord): string {
  // A role with its own `cwd` runs its turns there, and the role may have changed since the session began.
  const folder = session.turns.findLast((turn) => turn.cwd)?.cwd ?? session.cwd;
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // missing or unreadable: said below
  }
  if (!isFolder) throw new FolderMissing(folder);
  return folder;
}

export class FolderMissing extends Error {
  constructor(readonly folder: string) {
    super(`The folder ${folder} does not exist any more.`);
  }
}
