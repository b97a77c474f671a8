/**
 * What the data dir takes, by part: the sessions' logs and files (with their index), their own
 * workspaces, the diagnostic log and the rest; and the Claude Code transcripts of its sessions,
 * which Claude Code keeps under its own folder. Measured off the event loop (an asynchronous walk,
 * a few fs calls at once), one walk at a time, and kept for a minute.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { StorageUsage } from '../../common/control';
import { walkFiles } from '../platform/dir-size';
import type { SessionStore } from '../sessions/session-store';

const KEEP_MS = 60_000;
const TRANSCRIPT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.jsonl)?$/i;

type Part = keyof StorageUsage['parts'];

/** The part of the data dir a file (its path relative to the data dir) belongs to. */
export function partOf(relative: string): Part {
  const [top, id, inside] = relative.split(path.sep);
  if (top === 'logs') return 'logs';
  if (top === 'sessions-index.ndjson' || top?.startsWith('turn-refs.ndjson')) return 'sessions';
  if (top !== 'sessions') return 'other';
  return id !== undefined && inside === 'workspace' ? 'workspaces' : 'sessions';
}

export class StorageMeter {
  private kept: StorageUsage | undefined;
  private walking: Promise<StorageUsage> | undefined;

  constructor(
    private readonly dataDir: string,
    /** Claude Code's projects folder (where its transcripts are), if known. */
    private readonly projectsDir: string | undefined,
    private readonly sessions: SessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** The usage measured within the minute, or measured now (`fresh`, or none kept). */
  usage(fresh = false): Promise<StorageUsage> {
    if (!fresh && this.kept && this.now() - Date.parse(this.kept.measuredAt) < KEEP_MS) return Promise.resolve(this.kept);
    this.walking ??= this.measure().finally(() => (this.walking = undefined));
    return this.walking;
  }

  /** The sessions' bytes with their transcripts, measured now. */
  async sessionsBytes(): Promise<number> {
    const { parts } = await this.usage(true);
    return parts.sessions + parts.workspaces + parts.transcripts;
  }

  /** One session's bytes: its folder and its Claude Code transcripts. */
  async sessionBytes(sessionId: string): Promise<number> {
    const folder = await walkFiles(this.sessions.sessionDir(sessionId));
    const ids = new Set(this.sessions.claudeSessionIds(sessionId));
    return folder + (ids.size > 0 ? await this.transcriptBytes(ids) : 0);
  }

  private async measure(): Promise<StorageUsage> {
    const parts: StorageUsage['parts'] = { sessions: 0, workspaces: 0, transcripts: 0, logs: 0, other: 0 };
    await walkFiles(this.dataDir, (relative, bytes) => (parts[partOf(relative)] += bytes));
    parts.transcripts = await this.transcriptBytes(this.sessions.allClaudeSessionIds());
    const usage: StorageUsage = { dataDir: this.dataDir, parts, total: Object.values(parts).reduce((a, b) => a + b, 0), measuredAt: new Date(this.now()).toISOString() };
    this.kept = usage;
    return usage;
  }

  /** The bytes of these Claude Code sessions' transcripts (`<id>.jsonl`, and a folder `<id>` for sub-agents) in any project folder. */
  private async transcriptBytes(ids: Set<string>): Promise<number> {
    if (!this.projectsDir || ids.size === 0) return 0;
    let projects: string[];
    try {
      projects = await readdir(this.projectsDir);
    } catch {
      return 0;
    }
    let total = 0;
    for (const project of projects) {
      let names: string[];
      try {
        names = await readdir(path.join(this.projectsDir, project));
      } catch {
        continue;
      }
      for (const name of names) {
        const id = TRANSCRIPT.exec(name)?.[1];
        if (!id || !ids.has(id)) continue;
        const full = path.join(this.projectsDir, project, name);
        const stats = await lstat(full).catch(() => undefined);
        if (stats?.isFile()) total += stats.size;
        else if (stats?.isDirectory()) total += await walkFiles(full);
      }
    }
    return total;
  }
}
