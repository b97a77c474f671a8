/**
 * Every session on disk, one folder each: `sessions/<id>/events.ndjson` is its full log, written
 * as things happen (a turn's text once: the prompt with its first record, the answer as the run's
 * text events), and `sessions/<id>/session.json` the session and its latest turns' records as of
 * a point in that log (`logBytes`), without the text of turns a client received, so that its size
 * stops growing with the chat (the turns before are summed up in `earlier`). The file is written whole
 * (temp file + rename) off the event loop, at most one write in flight per session, the latest
 * state winning. A session whose file is behind its log (the app stopped before the file was
 * written) is brought up to date from the rest of the log at start; one whose file is missing or
 * damaged is rebuilt from the whole log.
 *
 * In memory, sessions are kept in the order of their latest change, and indexed: by chat id, and
 * their turns by id and by conversation key (more turn indexes can be added), so finding a
 * session or a turn costs the same however many sessions there are. Session ids are generated
 * here and checked before they become paths; chat ids from clients never do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { checkTitle, type SessionRecord, type TurnRecord } from '../../common/session';
import { StorageError, writeFileAtomic } from '../platform/data-dir';
import { isAlive, signalAll } from '../platform/process-tree';
import { isClaude, replayRecords, sessionOnDisk, turnFromDisk } from './session-recovery';
import type { ImageInput } from './conversation';
import { EventLog, readLog, readLogFrom } from './event-log';
import { SessionFileWriter } from './session-files';
import { TurnIndex, type TurnKeyOf, type TurnLookup, type TurnRef } from './turn-index';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type SessionFile = SessionRecord & { logBytes?: number };

export class SessionStore {
  /** Oldest change first: a change moves its session to the end. */
  private readonly sessions = new Map<string, SessionRecord>();
  /** Each session's place in that order, as a number that only grows. */
  private readonly stamps = new Map<string, number>();
  private clock = 0;
  private readonly byChatId = new Map<string, SessionRecord>();
  private readonly turnsById = new Map<string, TurnRef>();
  /** Per session, the ids of the turns indexed, to drop the ones it no longer has. */
  private readonly indexedTurns = new Map<string, string[]>();
  private readonly turnIndexes: TurnIndex[] = [];
  /** Finished turns by the key of the conversation they end. */
  private readonly byKey: TurnLookup;
  /** Turns no client received, by the conversation and message they answer (a retry is the same again). */
  private readonly undeliveredIndex: TurnLookup;
  private readonly logs = new Map<string, EventLog>();
  private readonly listeners = new Set<(session: SessionRecord) => void>();
  private readonly files = new SessionFileWriter(
    (id) => this.sessionFile(id),
    (id) => {
      const session = this.sessions.get(id);
      return session && this.serialize(session);
    },
  );
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'sessions');
    this.byKey = this.indexTurns((turn) => (turn.status === 'done' ? turn.key : undefined));
    this.undeliveredIndex = this.indexTurns((turn) => (turn.delivered ? undefined : `${turn.parentKey}\n${turn.user}`));
  }

  /**
   * Loads every session (bringing one up to date from its log, or rebuilding it from the log if
   * its file is missing or damaged) and marks turns that were in flight when the app stopped as
   * interrupted, ending their processes if alive.
   */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    const loaded: SessionRecord[] = [];
    for (const id of readdirSync(this.dir)) {
      if (!SESSION_ID.test(id)) continue;
      const session = this.readSession(id) ?? this.rebuildFromLog(id);
      if (session) loaded.push(session);
    }
    // Once, at start: from then on a change moves its session to the end, so no sort is needed again.
    loaded.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const session of loaded) {
      this.place(session);
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

  /** Every session, the latest changed first. */
  list(): SessionRecord[] {
    return [...this.sessions.values()].reverse();
  }

  /** Sessions from the latest changed back, one at a time: a page of them costs its length, not the whole list's. */
  *recent(): Generator<SessionRecord> {
    const all = [...this.sessions.values()];
    for (let i = all.length - 1; i >= 0; i--) yield all[i] as SessionRecord;
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): SessionRecord | undefined {
    return this.sessions.get(id);
  }

  findByChatId(chatId: string): SessionRecord | undefined {
    return this.byChatId.get(chatId);
  }

  /** The session and finished turn whose conversation has this key (within one session, or the latest changed). */
  findByKey(key: string, within?: SessionRecord): TurnRef | undefined {
    const refs = this.byKey.get(key);
    return within ? refs.find((ref) => ref.session === within) : this.latest(refs);
  }

  /** The session a turn belongs to. */
  findTurn(turnId: string): TurnRef | undefined {
    return this.turnsById.get(turnId);
  }

  /** Turns of this conversation and message that no client received, the latest changed session first. */
  undelivered(parentKey: string, user: string): TurnRef[] {
    return this.undeliveredIndex.get(`${parentKey}\n${user}`).sort((a, b) => this.rank(b.session) - this.rank(a.session));
  }

  /**
   * Another way to find turns (an id given to a client, for instance): `keyOf` says what a turn
   * is found by, and the index follows every change from then on.
   */
  indexTurns(keyOf: TurnKeyOf): TurnLookup {
    const index = new TurnIndex(keyOf);
    this.turnIndexes.push(index);
    for (const ref of this.turnsById.values()) index.update(ref);
    return index;
  }

  /** A new session, on disk before it is known: one that cannot be written (disk full) leaves nothing behind. */
  /**
   * A session's turns with their prompts and answers, read back from its log: its file keeps no
   * text of the turns a client received. Reads the whole log, so only for what is rarely asked.
   */
  turnsWithText(id: string): TurnRecord[] {
    const session = this.get(id);
    if (!session) return [];
    const scratch: SessionRecord = { ...session, turns: [] };
    replayRecords(scratch, readLog(this.logFile(id)));
    return scratch.turns;
  }

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
      writeFileAtomic(this.sessionFile(id), this.serialize(session));
    } catch (error) {
      this.log(id).close();
      this.logs.delete(id);
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    this.place(session);
    return session;
  }

  /** Records a change to a session (its turns, title) in its file, and tells the app. */
  touch(session: SessionRecord): void {
    session.updatedAt = new Date().toISOString();
    this.place(session);
    this.save(session);
    // The app shows what is in memory, saved or not.
    this.changed(session);
  }

  /**
   * A title a person gave the session: trimmed, 1 to MAX_TITLE characters (else a RangeError saying
   * why, and nothing changes). Logged, so a rebuild from the log keeps it, and generated titles no
   * longer replace it.
   */
  rename(id: string, input: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw new Error(`No session ${id}.`);
    const checked = checkTitle(input);
    if ('problem' in checked) throw new RangeError(checked.problem);
    this.log(id).append({ type: 'title', title: checked.title, by: 'user' });
    session.title = checked.title;
    session.renamed = true;
    this.touch(session);
    return session;
  }

  /** A title the chat client generated (Open WebUI's title task): taken unless a person named the session. */
  setGeneratedTitle(session: SessionRecord, title: string): void {
    if (session.renamed) return;
    this.log(session.id).append({ type: 'title', title });
    session.title = title;
  }

  /** Tells the app about a session as it is in memory. */
  changed(session: SessionRecord): void {
    if (this.sessions.get(session.id) === session) this.index(session);
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: SessionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets a session and removes its folder: file, log, images and its own workspace. */
  async delete(id: string): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.stamps.delete(id);
    if (this.byChatId.get(session.chatId ?? '') === session) this.byChatId.delete(session.chatId ?? '');
    for (const turnId of this.indexedTurns.get(id) ?? []) this.dropTurn(turnId);
    this.indexedTurns.delete(id);
    this.logs.get(id)?.close();
    this.logs.delete(id);
    await this.files.forget(id);
    await rm(this.sessionDir(id), { recursive: true, force: true });
    return true;
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

  /** Resolves once every change so far is in the files (or failed to be written). */
  flush(): Promise<void> {
    return this.files.flush();
  }

  /** Writes what is not written yet, at once: the app is stopping. */
  close(): void {
    this.files.close();
    this.logs.forEach((log) => log.close());
    this.logs.clear();
  }

  /** Puts a session last in the recency order and in the indexes. */
  private place(session: SessionRecord): void {
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    this.stamps.set(session.id, ++this.clock);
    this.index(session);
  }

  private index(session: SessionRecord): void {
    if (session.chatId !== undefined) this.byChatId.set(session.chatId, session);
    const before = this.indexedTurns.get(session.id);
    const now = session.turns.map((turn) => turn.id);
    for (const turn of session.turns) {
      const held = this.turnsById.get(turn.id);
      const ref = held?.session === session && held.turn === turn ? held : { session, turn };
      this.turnsById.set(turn.id, ref);
      for (const index of this.turnIndexes) index.update(ref);
    }
    // Usually the same turns, or one more: only when there are not more is a turn taken back looked for.
    if (before && before.length >= now.length) {
      const kept = new Set(now);
      for (const turnId of before) if (!kept.has(turnId)) this.dropTurn(turnId);
    }
    this.indexedTurns.set(session.id, now);
  }

  private dropTurn(turnId: string): void {
    this.turnsById.delete(turnId);
    for (const index of this.turnIndexes) index.remove(turnId);
  }

  /** How recently a session changed: higher is later. */
  private rank(session: SessionRecord): number {
    return this.stamps.get(session.id) ?? -1;
  }

  private latest(refs: TurnRef[]): TurnRef | undefined {
    return refs.reduce<TurnRef | undefined>((best, ref) => (!best || this.rank(ref.session) > this.rank(best.session) ? ref : best), undefined);
  }

  private save(session: SessionRecord): void {
    this.files.save(session.id);
  }

  /** The file's text: the session, and the length of the log it includes (every record is appended before its change is saved). */
  private serialize(session: SessionRecord): string {
    const file = { ...sessionOnDisk(session), logBytes: this.log(session.id).size() };
    return `${JSON.stringify(file)}\n`;
  }

  private sessionFile(id: string): string {
    return path.join(this.sessionDir(id), 'session.json');
  }

  private readSession(id: string): SessionRecord | undefined {
    const file = this.sessionFile(id);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined; // none: rebuilt from the log
    }
    try {
      const { logBytes, ...session } = JSON.parse(text) as SessionFile;
      if (session?.id === id && Array.isArray(session.turns)) {
        session.turns.forEach(turnFromDisk);
        // Written before logBytes was kept: the file is the whole story, as it always was then.
        if (logBytes !== undefined) this.catchUp(session, logBytes);
        return session;
      }
    } catch {
      // damaged: kept aside for inspection, and rebuilt from the log
    }
    renameSync(file, `${file}.damaged-${Date.now()}`);
    return undefined;
  }

  /** Applies what the log holds past the file's point: the changes made after its last write. */
  private catchUp(session: SessionRecord, logBytes: number): void {
    const size = this.log(session.id).size();
    if (size <= logBytes) return;
    const records = readLogFrom(this.logFile(session.id), logBytes);
    if (records.length === 0) return;
    replayRecords(session, records);
    writeFileAtomic(this.sessionFile(session.id), this.serialize(session));
  }

  /** A session as its log tells it: the log starts with the session and records every turn. */
  private rebuildFromLog(id: string): SessionRecord | undefined {
    const records = readLog(this.logFile(id));
    const start = records.findLastIndex((record) => record.type === 'session');
    if (start === -1) return undefined;
    const session: SessionRecord = { ...(records[start]?.session as SessionRecord), turns: [] };
    replayRecords(session, records.slice(start + 1));
    writeFileAtomic(this.sessionFile(id), this.serialize(session));
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
