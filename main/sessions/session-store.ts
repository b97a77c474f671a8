/**
 * Every session on disk, one folder each: `sessions/<id>/session.json` holds the session and its
 * turns (written whole, temp file + rename, so a change costs the same however many sessions
 * there are) and `sessions/<id>/events.ndjson` its full log. The index is those folders, read
 * once at start. Session ids are generated here and checked before they become paths; chat ids
 * from clients never do.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { StorageError, writeFileAtomic } from '../core/data-dir';
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
   * Loads every session (rebuilding one from its log if its file is missing or damaged) and marks turns
   * that were in flight when the app stopped as interrupted, ending their processes if alive.
   */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const id of readdirSync(this.dir)) {
      if (!SESSION_ID.test(id)) continue;
      const session = this.readSession(id) ?? this.rebuildFromLog(id);
      if (!session) continue;
      this.sessions.set(session.id, session);
      let interrupted = false;
      for (const turn of session.turns) {
        if (turn.status !== 'running' && turn.status !== 'queued') continue;
        if (turn.pid && isAlive(turn.pid) && isClaude(turn.pid)) signalAll([turn.pid], 'SIGKILL');
        turn.status = 'interrupted';
        turn.endedAt = new Date().toISOString();
        delete turn.pid;
        this.log(session.id).append({ type: 'interrupted', turnId: turn.id });
        interrupted = true;
      }
      if (interrupted) this.save(session);
    }
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

  /** A new session, on disk before it is known: one that cannot be written (disk full) leaves nothing behind. */
  create(fields: { chatId?: string; role: string; title: string; cwd?: string }): SessionRecord {
    const id = randomUUID();
    const now = new Date().toISOString();
    const dir = this.sessionDir(id);
    const cwd = fields.cwd ?? path.join(dir, 'workspace');
    const session: SessionRecord = { id, chatId: fields.chatId, role: fields.role, title: fields.title, cwd, createdAt: now, updatedAt: now, turns: [] };
    try {
      makeDir(dir);
      makeDir(cwd);
      this.log(id).append({ type: 'session', session: { ...session, turns: undefined } });
      this.save(session);
    } catch (error) {
      this.log(id).close();
      this.logs.delete(id);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    this.sessions.set(id, session);
    return session;
  }

  /** Records a change to a session (its turns, title) in its file, and tells the app. */
  touch(session: SessionRecord): void {
    session.updatedAt = new Date().toISOString();
    try {
      this.save(session);
    } finally {
      // The app shows what is in memory, saved or not.
      this.changed(session);
    }
  }

  /** Tells the app about a session as it is in memory. */
  changed(session: SessionRecord): void {
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: SessionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  log(sessionId: string): EventLog {
    let log = this.logs.get(sessionId);
    if (!log) {
      log = new EventLog(this.logFile(sessionId));
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

  /** The session's log of everything that happened in it. */
  logFile(id: string): string {
    return path.join(this.sessionDir(id), 'events.ndjson');
  }

  close(): void {
    for (const log of this.logs.values()) log.close();
    this.logs.clear();
  }

  private save(session: SessionRecord): void {
    writeFileAtomic(this.sessionFile(session.id), `${JSON.stringify(session)}\n`);
  }

  private sessionFile(id: string): string {
    return path.join(this.sessionDir(id), 'session.json');
  }

  private readSession(id: string): SessionRecord | undefined {
    const file = this.sessionFile(id);
    if (!existsSync(file)) return undefined;
    try {
      const session = JSON.parse(readFileSync(file, 'utf8')) as SessionRecord;
      if (session?.id === id && Array.isArray(session.turns)) return session;
    } catch {
      // damaged: kept aside for inspection, and rebuilt from the log
    }
    renameSync(file, `${file}.damaged-${Date.now()}`);
    return undefined;
  }

  /** A session as its log tells it: the log starts with the session and records every turn. */
  private rebuildFromLog(id: string): SessionRecord | undefined {
    let session: SessionRecord | undefined;
    for (const record of readLog(this.logFile(id))) {
      if (record.type === 'session') session = { ...(record.session as SessionRecord), turns: [] };
      if (!session) continue;
      if (record.type === 'turn') {
        const turn = record.turn as TurnRecord;
        session.turns = [...session.turns.filter((t) => t.id !== turn.id), turn];
      }
      if (record.type === 'title') session.title = String(record.title);
      session.updatedAt = record.at;
    }
    if (session) this.save(session);
    return session;
  }
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StorageError(dir, error);
  }
}

function isClaude(pid: number): boolean {
  try {
    const command = process.platform === 'linux' ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    return command.includes('claude');
  } catch {
    return false;
  }
}
