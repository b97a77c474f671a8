/**
 * Every session on disk, one folder each: `sessions/<id>/events.ndjson` is its full log, written
 * as things happen (a turn's text once: the prompt with its first record, the answer as the run's
 * text events), and `sessions/<id>/session.json` the session and its latest turns' records as of
 * a point in that log (`logBytes`), without the text of turns a client received, so that its size
 * stops growing with the chat (the turns before are summed up in `earlier`). The file is written whole
 * (temp file + rename) off the event loop, at most one write in flight per session, the latest
 * state winning. A session whose file is behind its log (the app stopped before the file was
 * written) is brought up to date from the rest of the log when read; one whose file is missing or
 * damaged is rebuilt from the whole log.
 *
 * A start reads one file, the sessions' index (session-catalog.ts); a folder is read when its
 * session is first asked for, and stays in memory from then on.
 *
 * In memory, sessions are indexed: by chat id, and their turns by id and by conversation key
 * (more turn indexes can be added), so finding a session or a turn costs the same however many
 * sessions there are. Session ids are generated here and checked before they become paths; chat
 * ids from clients never do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { SessionSummary } from '../../common/control';
import { checkTitle, turnInFlight, type SessionRecord, type TurnRecord } from '../../common/session';
import { makeDir, writeFileAtomic } from '../platform/data-dir';
import { interruptTurns, replayRecords } from './session-recovery';
import { SESSION_ID, SessionFolders } from './session-folder';
import type { ImageInput } from './conversation';
import { EventLog, readLog } from './event-log';
import { SessionFiles } from './session-files';
import { SessionCatalog } from './session-catalog';
import type { IndexEntry } from './session-index-file';
import type { TurnKeyOf, TurnLookup, TurnRef } from './turn-index';
import { TurnLookups } from './turn-lookups';
import { TurnRefsFile } from './turn-refs-file';

export class SessionStore {
  /** What sessions there are, their order of changes and their index lines. */
  private readonly catalog: SessionCatalog;
  /** The held sessions' turns, found by id, key and more. */
  private readonly lookups: TurnLookups;
  private readonly logs = new Map<string, EventLog>();
  /** Every ended turn's refs (see turn-refs-file.ts), and the turns of this run already in it. */
  private readonly turnRefs: TurnRefsFile;
  private readonly refsWritten = new Set<string>();
  private readonly startedAt = Date.now();
  private readonly listeners = new Set<(session: SessionRecord) => void>();
  /** The held sessions' files, and their index lines once written. */
  private readonly files = new SessionFiles(
    (id) => this.sessionFile(id),
    (id) => this.catalog.held(id),
    (id) => this.log(id).size(),
    (line) => this.catalog.putLine(line),
  );
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'sessions');
    this.turnRefs = new TurnRefsFile(path.join(dataDir, 'turn-refs.ndjson'), (error) => console.error(`Helix: ${error.message}`));
    this.catalog = new SessionCatalog(path.join(dataDir, 'sessions-index.ndjson'), {
      dir: this.dir,
      sessionDir: (id) => this.sessionDir(id),
      readFolder: (id) => this.folders.read(id),
      hold: (session) => {
        this.indexSession(session);
        this.settleTurns(session);
      },
      forgotten: (id) => {
        this.files.dropLine(id);
        this.lookups.forget(id);
      },
    }, this.turnRefs);
    this.lookups = new TurnLookups(this.catalog, (id) => this.get(id), (id) => this.turnsWithText(id));
  }

  get indexFile(): string {
    return this.catalog.file;
  }

  /**
   * Reads the index, and settles the sessions it says had a turn in flight when the app stopped
   * (marked interrupted, their processes ended if alive). The rest is checked by startChecking.
   */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const id of this.catalog.load()) this.get(id);
  }

  /** Checks the index against the folders in the background, in short slices: once the app serves. */
  startChecking(): Promise<void> {
    return this.catalog.startChecking();
  }

  /** Whether the index has been checked against every folder since the start. */
  get isChecked(): boolean {
    return this.catalog.isChecked;
  }

  /** Resolves once the index is checked against every folder (and compacted if it had grown). */
  async checked(): Promise<void> {
    await this.startChecking();
  }

  /** Every session, read, the latest changed first: reads every folder, so for tools and tests. */
  list(): SessionRecord[] {
    this.catalog.settle();
    return this.catalog.ids().reverse().map((id) => this.get(id)).filter((s): s is SessionRecord => s !== undefined);
  }

  /** Sessions' summaries from the latest changed back, one at a time: a page of them costs its length, not the whole list's. */
  *recent(): Generator<SessionSummary> {
    const ids = this.catalog.ids();
    for (let i = ids.length - 1; i >= 0; i--) {
      const summary = this.summary(ids[i] as string);
      if (summary) yield summary;
    }
  }

  /** Sessions' index entries (summary, usage), the oldest changed first, each as of now. */
  *entries(): Generator<IndexEntry> {
    for (const id of this.catalog.ids()) {
      const entry = this.catalog.entry(id);
      if (entry) yield entry;
    }
  }

  /** The sessions read since the start (every one a turn ran in is). */
  loaded(): Generator<SessionRecord> {
    return this.catalog.loaded();
  }

  /** Sessions' summaries from the oldest changed on (for retention). */
  *oldest(): Generator<SessionSummary> {
    for (const id of this.catalog.ids()) {
      const summary = this.summary(id);
      if (summary) yield summary;
    }
  }

  /** The session if it is in memory (read since the start), without reading it. */
  held(id: string): SessionRecord | undefined {
    return this.catalog.held(id);
  }

  /** The Claude Code sessions a session's turns ran in (their transcripts are its files too). */
  claudeSessionIds(id: string): string[] {
    return this.catalog.claudeSessionIds(id);
  }

  /** Every Claude Code session its turns ever ran in, from its log (the file keeps the latest turns only): what a delete removes. */
  everyClaudeSessionId(id: string): string[] {
    return [...new Set([...this.claudeSessionIds(id), ...this.turnsWithText(id).map((t) => t.claudeSessionId ?? '')])].filter(Boolean);
  }

  /** Every session's Claude Code sessions. */
  allClaudeSessionIds(): Set<string> {
    const all = new Set<string>();
    for (const id of this.catalog.ids()) for (const claude of this.claudeSessionIds(id)) all.add(claude);
    return all;
  }

  summary(id: string): SessionSummary | undefined {
    return this.catalog.summary(id);
  }

  get size(): number {
    return this.catalog.size;
  }

  /** The session, read from its folder the first time it is asked for. */
  get(id: string): SessionRecord | undefined {
    return this.catalog.read(id);
  }

  findByChatId(chatId: string): SessionRecord | undefined {
    const id = this.catalog.idOfChat(chatId);
    return id === undefined ? undefined : this.get(id);
  }

  /** The session and finished turn whose conversation has this key (within one session, or the latest changed). */
  findByKey(key: string, within?: SessionRecord): TurnRef | undefined {
    return this.lookups.findByKey(key, within);
  }

  /** The session a turn belongs to. */
  findTurn(turnId: string): TurnRef | undefined {
    return this.lookups.findTurn(turnId);
  }

  /** The id of the session a turn belongs to, cheaply: without reading the session, or its log for a turn it let go of. */
  sessionIdOfTurn(turnId: string): string | undefined {
    return this.lookups.sessionIdOfTurn(turnId);
  }

  /** Turns of this conversation and message that no client received, the latest changed session first. */
  undelivered(parentKey: string, user: string): TurnRef[] {
    return this.lookups.undelivered(parentKey, user);
  }

  /**
   * Another way to find turns (an id given to a client, for instance): `keyOf` says what a turn
   * is found by, and the index follows every change from then on. It covers the sessions read
   * (every one a turn ran in or was asked for since the start), not those known by their line only.
   */
  indexTurns(keyOf: TurnKeyOf): TurnLookup {
    return this.lookups.add(keyOf);
  }

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
      const text = this.files.text(session);
      writeFileAtomic(this.sessionFile(id), text);
      this.catalog.add(session);
      this.files.written(id, text);
    } catch (error) {
      this.catalog.discard(id);
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
    this.writeTurnRefs(session);
    // Turns of an earlier run let go of before the turn refs file was started: they start it too.
    this.turnRefs.seed(session.id, this.lookups.letGoOfTurns(session));
    this.place(session);
    this.catalog.markInFlight(session, () => this.log(session.id).size());
    this.files.save(session.id);
    // The app shows what is in memory, saved or not.
    this.changed(session);
  }

  /**
   * A title a person gave the session: trimmed, 1 to MAX_TITLE characters (else a RangeError saying
   * why, and nothing changes). Logged, so a rebuild from the log keeps it, and generated titles no
   * longer replace it.
   */
  rename(id: string, input: string): SessionRecord {
    const session = this.get(id);
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
    if (this.catalog.held(session.id) === session) this.indexSession(session);
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: SessionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears what the background check learns from the folders: a session's line read again, or a session gone (undefined). */
  onLine(listener: (id: string, entry: IndexEntry | undefined) => void): () => void {
    return this.catalog.onLine(listener);
  }

  /** Forgets a session and removes its folder: file, log, images and its own workspace. */
  async delete(id: string): Promise<boolean> {
    if (!this.catalog.remove(id)) return false;
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
  async flush(): Promise<void> {
    await this.files.flush();
    await this.catalog.flush();
  }

  /** Writes what is not written yet, at once: the app is stopping (and the background check stops). */
  close(): void {
    // The session files first: each one written puts its line in the index, closed after them.
    this.files.close();
    this.catalog.close();
    this.logs.forEach((log) => log.close());
    this.logs.clear();
  }

  /** Appends the refs of the session's turns that ended in this run, once each (those that ended before are in the file). */
  private writeTurnRefs(session: SessionRecord): void {
    for (const turn of session.turns) {
      if (turnInFlight(turn) || this.refsWritten.has(turn.id) || Date.parse(turn.endedAt ?? '') < this.startedAt) continue;
      this.refsWritten.add(turn.id);
      this.turnRefs.append(session.id, [[turn.id, turn.status === 'done' ? (turn.key ?? '') : '', '', turn.claudeSessionId ?? '']]);
    }
  }

  /** Puts a session last in the recency order and in the indexes. */
  private place(session: SessionRecord): void {
    this.catalog.place(session);
    this.indexSession(session);
  }

  private indexSession(session: SessionRecord): void {
    if (session.chatId !== undefined) this.catalog.byChatId.set(session.chatId, session.id);
    this.lookups.update(session);
  }

  private readonly folders = new SessionFolders(
    (id) => this.sessionFile(id),
    (id) => this.logFile(id),
    (id) => this.logs.get(id),
  );

  private sessionFile(id: string): string {
    return path.join(this.sessionDir(id), 'session.json');
  }

  /** Turns in flight in a session read from disk were in flight when the app stopped: interrupted, their processes ended. */
  private settleTurns(session: SessionRecord): void {
    if (interruptTurns(session, (record) => this.log(session.id).append(record))) {
      this.writeTurnRefs(session);
      this.indexSession(session);
      this.files.save(session.id);
    }
  }
}
