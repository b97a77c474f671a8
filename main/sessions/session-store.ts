/**
 * Every session on disk: `sessions/index.json` (written whole, temp file + rename) lists them
 * and their turns; `sessions/<id>/events.ndjson` holds each session's full log. Session ids are
 * generated here and checked before they become paths; chat ids from clients never do.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { writeFileAtomic } from '../core/data-dir';
import { isAlive, signalAll } from '../runner/process-tree';
import type { ImageInput } from './conversation';
import { EventLog, readLog } from './event-log';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly logs = new Map<string, EventLog>();
  private readonly listeners = new Set<(session: SessionRecord) => void>();
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'sessions');
  }

  /**
   * Loads the index (rebuilding it from the logs if it is missing or damaged) and marks turns
   * that were in flight when the app stopped as interrupted, ending their processes if alive.
   */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const session of this.readIndex() ?? this.rebuildFromLogs()) {
      if (!SESSION_ID.test(session.id)) continue;
      this.sessions.set(session.id, session);
      for (const turn of session.turns) {
        if (turn.status !== 'running' && turn.status !== 'queued') continue;
        if (turn.pid && isAlive(turn.pid) && isClaude(turn.pid)) signalAll([turn.pid], 'SIGKILL');
        turn.status = 'interrupted';
        turn.endedAt = new Date().toISOString();
        delete turn.pid;
        this.log(session.id).append({ type: 'interrupted', turnId: turn.id });
      }
    }
    this.save();
  }

  list(): SessionRecord[] {
    return [...this.sessions.values()].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  get(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  findByChatId(chatId: string): SessionRecord | undefined {
    return this.list().find((s) => s.chatId === chatId);
  }

  /** The session and finished turn whose conversation has this key. */
  findByKey(key: string, within?: SessionRecord): { session: SessionRecord; turn: TurnRecord } | undefined {
    for (const session of within ? [within] : this.list()) {
      const turn = session.turns.find((t) => t.key === key && t.status === 'done');
      if (turn) return { session, turn };
    }
    return undefined;
  }

  /** The session a turn belongs to. */
  findTurn(turnId: string): { session: SessionRecord; turn: TurnRecord } | undefined {
    for (const session of this.sessions.values()) {
      const turn = session.turns.find((t) => t.id === turnId);
      if (turn) return { session, turn };
    }
    return undefined;
  }

  create(fields: { chatId?: string; role: string; title: string; cwd?: string }): SessionRecord {
    const id = randomUUID();
    const now = new Date().toISOString();
    mkdirSync(this.sessionDir(id), { recursive: true });
    const cwd = fields.cwd ?? path.join(this.sessionDir(id), 'workspace');
    mkdirSync(cwd, { recursive: true });
    const session: SessionRecord = { id, chatId: fields.chatId, role: fields.role, title: fields.title, cwd, createdAt: now, updatedAt: now, turns: [] };
    this.sessions.set(id, session);
    this.log(id).append({ type: 'session', session: { ...session, turns: undefined } });
    this.save();
    return session;
  }

  /** Records a change to a session (its turns, title) in the index. */
  touch(session: SessionRecord): void {
    session.updatedAt = new Date().toISOString();
    this.save();
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: SessionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  log(sessionId: string): EventLog {
    let log = this.logs.get(sessionId);
    if (!log) {
      log = new EventLog(path.join(this.sessionDir(sessionId), 'events.ndjson'));
      this.logs.set(sessionId, log);
    }
    return log;
  }

  /** Keeps an attached image beside the session's log; returns its path relative to the session's folder. */
  saveImage(sessionId: string, image: ImageInput): string {
    const extension = image.mediaType.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'img';
    const relative = path.join('images', `${image.sha256}.${extension}`);
    const file = path.join(this.sessionDir(sessionId), relative);
    if (!existsSync(file)) writeFileAtomic(file, Buffer.from(image.data, 'base64'));
    return relative;
  }

  sessionDir(id: string): string {
    if (!SESSION_ID.test(id)) throw new Error(`not a session id: ${id}`);
    return path.join(this.dir, id);
  }

  close(): void {
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }

  private save(): void {
    writeFileAtomic(path.join(this.dir, 'index.json'), `${JSON.stringify({ version: 1, sessions: [...this.sessions.values()] })}\n`);
  }

  private readIndex(): SessionRecord[] | undefined {
    const file = path.join(this.dir, 'index.json');
    if (!existsSync(file)) return undefined;
    try {
      const index = JSON.parse(readFileSync(file, 'utf8')) as { sessions?: SessionRecord[] };
      if (Array.isArray(index.sessions)) return index.sessions;
    } catch {
      // damaged: keep it for inspection and rebuild from the logs
    }
    renameSync(file, `${file}.damaged-${Date.now()}`);
    return undefined;
  }

  /** The index as the logs tell it: each log starts with its session and records every turn. */
  private rebuildFromLogs(): SessionRecord[] {
    const sessions: SessionRecord[] = [];
    for (const id of readdirSync(this.dir)) {
      if (!SESSION_ID.test(id)) continue;
      let session: SessionRecord | undefined;
      for (const record of readLog(path.join(this.dir, id, 'events.ndjson'))) {
        if (record.type === 'session') session = { ...(record.session as SessionRecord), turns: [] };
        if (!session) continue;
        if (record.type === 'turn') {
          const turn = record.turn as TurnRecord;
          session.turns = [...session.turns.filter((t) => t.id !== turn.id), turn];
        }
        if (record.type === 'title') session.title = String(record.title);
        session.updatedAt = record.at;
      }
      if (session) sessions.push(session);
    }
    return sessions;
  }
}

/** Whether a pid is (still) a claude process, and not another program that got the number since. */
function isClaude(pid: number): boolean {
  try {
    const command = process.platform === 'linux' ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    return command.includes('claude');
  } catch {
    return false;
  }
}
