/**
 * Claude Code keeps each session's transcript under its config folder:
 * `<CLAUDE_CONFIG_DIR or ~/.claude>/projects/<folder>/<session id>.jsonl` (and a folder of the same
 * name for sub-agents). Session ids are UUIDs, so a transcript is found by its id in any project
 * folder without reproducing how Claude Code names them.
 */
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

export function claudeProjectsDir(env: NodeJS.ProcessEnv): string | undefined {
  const base = env.CLAUDE_CONFIG_DIR || (env.HOME ? path.join(env.HOME, '.claude') : undefined);
  return base ? path.join(base, 'projects') : undefined;
}

/** Deletes the transcripts of these sessions from where Claude Code, run with this environment, keeps them. */
export async function removeTranscripts(env: NodeJS.ProcessEnv, sessionIds: Iterable<string>, cwd?: string): Promise<number> {
  const projects = claudeProjectsDir(env);
  return projects ? deleteTranscripts(projects, sessionIds, cwd) : 0;
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The folder Claude Code keeps a working folder's sessions in: the folder's path with every
 * character but letters and digits as '-'. Only a first place to look: a transcript not there is
 * looked for in every project folder.
 */
function likelyProjectFolder(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * Deletes the transcripts of these Claude Code sessions; returns how many files or folders went.
 * `cwd`, the folder they ran in, is where they are looked for first.
 */
export async function deleteTranscripts(projectsDir: string, sessionIds: Iterable<string>, cwd?: string): Promise<number> {
  let ids = [...new Set(sessionIds)].filter((id) => SESSION_ID.test(id));
  if (ids.length === 0) return 0;
  let removed = 0;
  if (cwd) {
    const found = await removeIn(path.join(projectsDir, likelyProjectFolder(cwd)), ids);
    removed += found.removed;
    ids = ids.filter((id) => !found.ids.has(id));
    if (ids.length === 0) return removed;
  }
  let projects: string[];
  try {
    projects = readdirSync(projectsDir);
  } catch {
    return removed; // no transcripts at all
  }
  for (const project of projects) removed += (await removeIn(path.join(projectsDir, project), ids)).removed;
  return removed;
}

/** Removes the transcripts of these sessions in one project folder; says which sessions had one there. */
async function removeIn(dir: string, ids: string[]): Promise<{ removed: number; ids: Set<string> }> {
  const found = { removed: 0, ids: new Set<string>() };
  let names: Set<string>;
  try {
    names = new Set(readdirSync(dir));
  } catch {
    return found;
  }
  for (const id of ids) {
    for (const name of [`${id}.jsonl`, id]) {
      if (!names.has(name)) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      found.removed += 1;
      found.ids.add(id);
    }
  }
  return found;
}
