/**
 * Claude Code keeps each session's transcript under its config folder:
 * `<CLAUDE_CONFIG_DIR or ~/.claude>/projects/<folder>/<session id>.jsonl` (and a folder of the same
 * name for sub-agents). Session ids are UUIDs, so a transcript is found by its id in any project
 * folder without reproducing how Claude Code names them.
 */
import { existsSync, readdirSync } from 'node:fs';
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
 * character but letters and digits as '-' (a long path is shortened, a symlinked one may be
 * resolved: then no such folder exists, and every project folder is looked in).
 */
function likelyProjectFolder(cwd: string): string {
  return cwd.replace(/[^a-zA-Z0-9]/g, '-');
}

/**
 * Deletes the transcripts of these Claude Code sessions; returns how many files or folders went.
 * Given `cwd`, the folder they ran in, they are looked for in its project folder only, when it
 * exists; else (or without it) in every project folder.
 */
export async function deleteTranscripts(projectsDir: string, sessionIds: Iterable<string>, cwd?: string): Promise<number> {
  const ids = [...new Set(sessionIds)].filter((id) => SESSION_ID.test(id));
  if (ids.length === 0) return 0;
  if (cwd) {
    const own = path.join(projectsDir, likelyProjectFolder(cwd));
    // Its sessions are all there: one already gone costs one listing, not one of every project.
    if (existsSync(own)) return removeIn(own, ids);
  }
  let projects: string[];
  try {
    projects = readdirSync(projectsDir);
  } catch {
    return 0; // no transcripts at all
  }
  let removed = 0;
  for (const project of projects) removed += await removeIn(path.join(projectsDir, project), ids);
  return removed;
}

/** Removes the transcripts of these sessions in one project folder. */
async function removeIn(dir: string, ids: string[]): Promise<number> {
  let names: Set<string>;
  try {
    names = new Set(readdirSync(dir));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const id of ids) {
    for (const name of [`${id}.jsonl`, id]) {
      if (!names.has(name)) continue;
      await rm(path.join(dir, name), { recursive: true, force: true });
      removed += 1;
    }
  }
  return removed;
}
