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

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Deletes the transcripts of these Claude Code sessions; returns how many files or folders went. */
export async function deleteTranscripts(projectsDir: string, sessionIds: Iterable<string>): Promise<number> {
  const ids = [...new Set(sessionIds)].filter((id) => SESSION_ID.test(id));
  if (ids.length === 0) return 0;
  let projects: string[];
  try {
    projects = readdirSync(projectsDir);
  } catch {
    return 0; // no transcripts at all
  }
  let removed = 0;
  for (const project of projects) {
    const dir = path.join(projectsDir, project);
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch {
      continue;
    }
    for (const id of ids) {
      for (const name of [`${id}.jsonl`, id]) {
        if (!names.has(name)) continue;
        await rm(path.join(dir, name), { recursive: true, force: true });
        removed += 1;
      }
    }
  }
  return removed;
}
