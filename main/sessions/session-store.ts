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
 * A start reads one file, the sessions' index (see session-index-file.ts): each session's summary
 * and what its turns are found by, not its folder. A folder is read when its session is first
 * asked for, and stays in memory from then on. The index is a cache: after the start, in the
 * background, every folder not in it is read and every line is checked against its folder (the
 * lengths of its two files), a stale line read again and a line without a folder dropped; a
 * look-up that needs what is not checked yet finishes that work first, so it is never answered
 * from a stale index.
 *
 * In memory, sessions are kept in the order of their latest change, and indexed: by chat id, and
 * their turns by id and by conversation key (more turn indexes can be added), so finding a
 * session or a turn costs the same however many sessions there are. Session ids are generated
 * here and checked before they become paths; chat ids from clients never do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { SessionSummary } from '../../common/control';
import { checkTitle, type SessionRecord, type TurnRecord } from '../../common/session';
import { StorageError, writeFileAtomic } from '../platform/data-dir';
import { isAlive, signalAll } from '../platform/process-tree';
import { isClaude, replayRecords, TURNS_IN_FILE } from './session-recovery';
import { fileText, SessionFolders } from './session-folder';
import type { ImageInput } from './conversation';
import { ColdRefs, idsIn } from './cold-refs';
import { EventLog, readLog } from './event-log';
import { SessionFileWriter } from './session-files';
import { IndexFileWriter, parseEntry, readIndexFile, type IndexEntry, type IndexLine, type ReadLine } from './session-index-file';
import { inFlight, parseRefs, refsText, summaryOf, turnRefsOf, usageRowsOf } from './session-summary';
import { folderSizes } from './folder-sizes';
import { TurnIndex, type TurnKeyOf, type TurnLookup, type TurnRef } from './turn-index';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A session as the store holds it: read (the truth, its index line follows it), or known by its index line only. */
interface Slot {
  session?: SessionRecord;
  /** Its entry, once parsed from the line read, or as last written. */
  entry?: IndexEntry;
  /** Its line as read at the start, until one is written: its entry and refs are parsed from it when needed. */
  read?: ReadLine;
  /** Its turn refs (see refsText) and in-flight flag, as last written. */
  refs?: string;
  inFlight?: boolean;
  /** Its place in the order of changes, as a number that only grows. */
  stamp: number;
  /** Its line as read was found to match its folder; its refs are in the cold look-ups. */
  checked?: boolean;
  cold?: boolean;
}

/** The background check works in slices this long, between which the server serves. */
const SLICE_MS = 8;

export class SessionStore {
  /** Oldest change first: a change moves its session to the end. */
  private slots = new Map<string, Slot>();
  private clock = 0;
  /** The index file as read at the start, which holds the refs of the sessions not changed since. */
  private indexBytes: Buffer | undefined;
  private readonly byChatId = new Map<string, string>();
  private readonly turnsById = new Map<string, TurnRef>();
  /** Per session, the ids of the turns indexed, to drop the ones it no longer has. */
  private readonly indexedTurns = new Map<string, string[]>();
  private readonly turnIndexes: TurnIndex[] = [];
  /** Finished turns by the key of the conversation they end. */
  private readonly byKey: TurnLookup;
  /** Turns no client received, by the conversation and message they answer (a retry is the same again). */
  private readonly undeliveredIndex: TurnLookup;
  /** The turns of sessions known by their index line only. */
  private readonly cold = new ColdRefs();
  private readonly logs = new Map<string, EventLog>();
  private readonly listeners = new Set<(session: SessionRecord) => void>();
  private readonly lineListeners = new Set<(id: string, entry: IndexEntry | undefined) => void>();
  /** The text last given to each session's file, and its index line. */
  private readonly lines = new Map<string, { text: string; line: IndexLine }>();
  private readonly files = new SessionFileWriter(
    (id) => this.sessionFile(id),
    (id) => {
      const session = this.slots.get(id)?.session;
      return session && this.serialize(session);
    },
    (id, text) => this.written(id, text),
  );
  private index: IndexFileWriter | undefined;
  /** After the start: folders not in the index, lines not checked, lines whose turns are not in `cold` yet. */
  private listed = false;
  private readonly unread = new Set<string>();
  private reorder = false;
  private settled = false;
  private closed = false;
  private background: Promise<void> | undefined;
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'sessions');
    this.byKey = this.indexTurns((turn) => (turn.status === 'done' ? turn.key : undefined));
    this.undeliveredIndex = this.indexTurns((turn) => (turn.delivered ? undefined : `${turn.parentKey}\n${turn.user}`));
  }

  get indexFile(): string {
    return path.join(path.dirname(this.dir), 'sessions-index.ndjson');
  }

  /**
   * Reads the index, and settles the sessions it says had a turn in flight when the app stopped
   * (marked interrupted, their processes ended if alive). The rest is checked by startChecking.
   */
  load(): void {
    mkdirSync(this.dir, { recursive: true });
    const read = readIndexFile<Slot>(this.indexFile, (line) => ({ read: line, stamp: 0 }));
    this.index = new IndexFileWriter(this.indexFile, read, (error) => console.error(`Helix: ${new StorageError(this.indexFile, error).message}`));
    this.indexBytes = read?.bytes;
    if (read) {
      // In the order of their last change (as a start before the index did); usually the file's order already.
      this.slots = read.ordered ? read.lines : new Map([...read.lines].sort(([, a], [, b]) => (a.read as ReadLine).changedAt - (b.read as ReadLine).changedAt));
    }
    const inFlight: string[] = [];
    for (const [id, slot] of this.slots) {
      slot.stamp = ++this.clock;
      const line = slot.read as ReadLine;
      if (line.chatId !== undefined) this.byChatId.set(line.chatId, id);
      if (line.inFlight) inFlight.push(id);
    }
    for (const id of inFlight) this.get(id);
  }

  /** Checks the index against the folders in the background, in short slices: once the app serves. */
  startChecking(): Promise<void> {
    this.background ??= this.checkInBackground();
    return this.background;
  }

  /** Whether the index has been checked against every folder since the start. */
  get isChecked(): boolean {
    return this.settled;
  }

  /** Resolves once the index is checked against every folder (and compacted if it had grown). */
  async checked(): Promise<void> {
    await this.startChecking();
  }

  /** Every session, read, the latest changed first: reads every folder, so for tools and tests. */
  list(): SessionRecord[] {
    this.settle();
    return [...this.slots.keys()].reverse().map((id) => this.get(id)).filter((s): s is SessionRecord => s !== undefined);
  }

  /** Sessions' summaries from the latest changed back, one at a time: a page of them costs its length, not the whole list's. */
  *recent(): Generator<SessionSummary> {
    const ids = [...this.slots.keys()];
    for (let i = ids.length - 1; i >= 0; i--) {
      const summary = this.summary(ids[i] as string);
      if (summary) yield summary;
    }
  }

  /** Sessions' index entries (summary, usage), the oldest changed first, each as of now. */
  *entries(): Generator<IndexEntry> {
    for (const [id, slot] of [...this.slots]) {
      const entry = slot.session ? this.lineOf(slot.session, 0, 0).entry : (this.entryOf(slot) ?? this.lineOfFolder(id)?.entry);
      if (entry) yield entry;
    }
  }

  /** The sessions read since the start (every one a turn ran in is). */
  *loaded(): Generator<SessionRecord> {
    for (const slot of this.slots.values()) if (slot.session) yield slot.session;
  }

  /** Sessions' summaries from the oldest changed on (for retention). */
  *oldest(): Generator<SessionSummary> {
    for (const id of [...this.slots.keys()]) {
      const summary = this.summary(id);
      if (summary) yield summary;
    }
  }

  /** The session if it is in memory (read since the start), without reading it. */
  held(id: string): SessionRecord | undefined {
    return this.slots.get(id)?.session;
  }

  /** The Claude Code sessions a session's turns ran in (their transcripts are its files too). */
  claudeSessionIds(id: string): string[] {
    const slot = this.slots.get(id);
    if (!slot) return [];
    const ids = slot.session ? slot.session.turns.map((t) => t.claudeSessionId ?? '') : parseRefs(this.refsOf(slot)).map((ref) => ref[3]);
    return [...new Set(ids.filter(Boolean))];
  }

  /** Every session's Claude Code sessions. */
  allClaudeSessionIds(): Set<string> {
    const all = new Set<string>();
    for (const id of this.slots.keys()) for (const claude of this.claudeSessionIds(id)) all.add(claude);
    return all;
  }

  summary(id: string): SessionSummary | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    return slot.session ? summaryOf(slot.session) : (this.entryOf(slot) ?? this.lineOfFolder(id)?.entry);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The session, read from its folder the first time it is asked for. */
  get(id: string): SessionRecord | undefined {
    const slot = this.slots.get(id);
    if (slot?.session) return slot.session;
    if (!slot) {
      if (!this.unread.has(id)) return undefined;
      this.readUnindexed(id, () => true);
      return this.slots.get(id)?.session;
    }
    const read = this.folders.read(id);
    if (!read) {
      this.drop(id);
      return undefined;
    }
    slot.session = read.session;
    this.indexSession(read.session);
    this.settleTurns(read.session);
    const entry = this.entryOf(slot);
    if (entry?.logBytes !== read.logBytes || entry.fileBytes !== read.fileBytes) this.putLine(this.lineOf(read.session, read.logBytes, read.fileBytes));
    return read.session;
  }

  findByChatId(chatId: string): SessionRecord | undefined {
    let id = this.byChatId.get(chatId);
    if (id === undefined && !this.settled) {
      // Maybe in a folder the index does not list yet.
      this.readAllUnindexed((session) => session.chatId === chatId);
      id = this.byChatId.get(chatId);
    }
    return id === undefined ? undefined : this.get(id);
  }

  /** The session and finished turn whose conversation has this key (within one session, or the latest changed). */
  findByKey(key: string, within?: SessionRecord): TurnRef | undefined {
    this.readCold(this.cold.byKey, key);
    const refs = this.byKey.get(key);
    return within ? refs.find((ref) => ref.session === within) : this.latest(refs);
  }

  /** The session a turn belongs to. */
  findTurn(turnId: string): TurnRef | undefined {
    const warm = this.turnsById.get(turnId);
    if (warm) return warm;
    this.readCold(this.cold.byTurnId, turnId);
    return this.turnsById.get(turnId);
  }

  /** Turns of this conversation and message that no client received, the latest changed session first. */
  undelivered(parentKey: string, user: string): TurnRef[] {
    this.readCold(this.cold.byUndelivered, parentKey);
    return this.undeliveredIndex.get(`${parentKey}\n${user}`).sort((a, b) => this.rank(b.session) - this.rank(a.session));
  }

  /**
   * Another way to find turns (an id given to a client, for instance): `keyOf` says what a turn
   * is found by, and the index follows every change from then on. It covers the sessions read
   * (every one a turn ran in or was asked for since the start), not those known by their line only.
   */
  indexTurns(keyOf: TurnKeyOf): TurnLookup {
    const index = new TurnIndex(keyOf);
    this.turnIndexes.push(index);
    for (const ref of this.turnsById.values()) index.update(ref);
    return index;
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
      const text = this.serialize(session);
      writeFileAtomic(this.sessionFile(id), text);
      this.slots.set(id, { session, stamp: ++this.clock });
      this.written(id, text);
    } catch (error) {
      this.slots.delete(id);
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
    this.markInFlight(session);
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
    if (this.slots.get(session.id)?.session === session) this.indexSession(session);
    for (const listener of this.listeners) listener(session);
  }

  onChange(listener: (session: SessionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears what the background check learns from the folders: a session's line read again, or a session gone (undefined). */
  onLine(listener: (id: string, entry: IndexEntry | undefined) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** Forgets a session and removes its folder: file, log, images and its own workspace. */
  async delete(id: string): Promise<boolean> {
    if (!this.slots.has(id) && !this.unread.has(id)) return false;
    this.unread.delete(id);
    this.forget(id);
    this.index?.remove(id);
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
    await this.index?.flush();
  }

  /** Writes what is not written yet, at once: the app is stopping (and the background check stops). */
  close(): void {
    this.settled = true;
    this.closed = true;
    this.files.close();
    this.index?.close();
    this.logs.forEach((log) => log.close());
    this.logs.clear();
  }

  /** Puts a session last in the recency order and in the indexes. */
  private place(session: SessionRecord): void {
    const slot = this.slots.get(session.id) ?? { session, stamp: 0 };
    this.slots.delete(session.id);
    this.slots.set(session.id, slot);
    slot.stamp = ++this.clock;
    this.indexSession(session);
  }

  private indexSession(session: SessionRecord): void {
    if (session.chatId !== undefined) this.byChatId.set(session.chatId, session.id);
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

  /**
   * A session whose turn is now queued or running says so in the index at once (its other changes
   * are appended within the second): a start after a crash settles it, and ends its claude, before
   * it serves, from the index alone.
   */
  private markInFlight(session: SessionRecord): void {
    const slot = this.slots.get(session.id);
    if (!slot || slot.inFlight || !inFlight(session)) return;
    slot.inFlight = true;
    this.index?.putNow(this.lineOf(session, this.log(session.id).size(), slot.entry?.fileBytes ?? -1));
  }

  /** Forgets a session in memory (its line and files are the caller's). */
  private forget(id: string): void {
    const slot = this.slots.get(id);
    this.slots.delete(id);
    this.lines.delete(id);
    const chatId = slot?.session?.chatId ?? slot?.entry?.chatId ?? slot?.read?.chatId;
    if (chatId !== undefined && this.byChatId.get(chatId) === id) this.byChatId.delete(chatId);
    for (const turnId of this.indexedTurns.get(id) ?? []) this.dropTurn(turnId);
    this.indexedTurns.delete(id);
  }

  /** A session whose folder is gone: forgotten, and its line dropped. */
  private drop(id: string): void {
    if (!this.slots.has(id)) return;
    this.forget(id);
    this.index?.remove(id);
    for (const listener of this.lineListeners) listener(id, undefined);
  }

  /** How recently a session changed: higher is later. */
  private rank(session: SessionRecord): number {
    return this.slots.get(session.id)?.stamp ?? -1;
  }

  private latest(refs: TurnRef[]): TurnRef | undefined {
    return refs.reduce<TurnRef | undefined>((best, ref) => (!best || this.rank(ref.session) > this.rank(best.session) ? ref : best), undefined);
  }

  private save(session: SessionRecord): void {
    this.files.save(session.id);
  }

  /** The file's text: the session, and the length of the log it includes (every record is appended before its change is saved). */
  private serialize(session: SessionRecord, logBytes = this.log(session.id).size()): string {
    const text = fileText(session, logBytes);
    this.lines.set(session.id, { text, line: this.lineOf(session, logBytes, Buffer.byteLength(text)) });
    return text;
  }

  /** A session's file now holds this text: its index line says so. */
  private written(id: string, text: string): void {
    const held = this.lines.get(id);
    if (held?.text !== text || !this.slots.get(id)?.session) return;
    this.lines.delete(id);
    this.putLine(held.line);
  }

  private putLine(line: IndexLine): void {
    const slot = this.slots.get(line.entry.id);
    if (slot) this.setLine(slot, line);
    this.index?.put(line);
  }

  private setLine(slot: Slot, line: IndexLine): void {
    slot.entry = line.entry;
    slot.refs = line.refs;
    slot.inFlight = line.inFlight;
    slot.read = undefined;
  }

  /** A slot's entry, parsed from its line as read if need be; undefined if that line is torn (its folder is the truth then). */
  private entryOf(slot: Slot): IndexEntry | undefined {
    if (!slot.entry && slot.read && this.indexBytes) slot.entry = parseEntry(this.indexBytes, slot.read);
    return slot.entry;
  }

  private refsOf(slot: Slot): string {
    if (slot.refs !== undefined) return slot.refs;
    return slot.read && this.indexBytes ? this.indexBytes.toString('utf8', slot.read.refsAt, slot.read.end) : '';
  }

  /** The line of a session whose own line is torn, read from its folder (and written). */
  private lineOfFolder(id: string): IndexLine | undefined {
    const read = this.folders.read(id);
    if (!read) {
      this.drop(id);
      return undefined;
    }
    this.learn(read.session, read.logBytes, read.fileBytes);
    const slot = this.slots.get(id);
    return slot?.entry ? { entry: slot.entry, inFlight: Boolean(slot.inFlight), refs: this.refsOf(slot) } : undefined;
  }

  private lineOf(session: SessionRecord, logBytes: number, fileBytes: number): IndexLine {
    const entry: IndexEntry = { ...summaryOf(session), usage: usageRowsOf(session), logBytes, fileBytes, refsBytes: 0 };
    // The turns a restart holds (the file's latest ones), so that a line stops growing with the chat.
    return { entry, inFlight: inFlight(session), refs: refsText(turnRefsOf(session).slice(-TURNS_IN_FILE)) };
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
    if (interrupted) {
      this.indexSession(session);
      this.save(session);
    }
  }

  /** Reads the sessions named by a cold look-up (after finishing the checks, so that none is missed). */
  private readCold(map: Map<string, string | string[]>, value: string): void {
    this.settle();
    for (const id of idsIn(map, value)) this.get(id);
  }

  // The check of the index against the folders, in the background after the start, or at once when a look-up needs it.

  private async checkInBackground(): Promise<void> {
    // Each slice does what it can in SLICE_MS, then lets the server serve.
    const slices = async (more: () => boolean, work: () => void): Promise<void> => {
      while (!this.settled && more()) {
        const until = performance.now() + SLICE_MS;
        while (!this.settled && more() && performance.now() < until) work();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    try {
      if (!this.listed) this.listFolders(await readdir(this.dir));
      // Walked as lists: taking the first of a Set that many were deleted from costs as many steps.
      const unread = [...this.unread];
      await slices(() => unread.length > 0, () => this.readUnindexed(unread.pop() as string));
      let ids = [...this.slots.keys()];
      await slices(() => ids.length > 0, () => this.checkOne(ids.pop() as string));
      ids = [...this.slots.keys()];
      await slices(() => ids.length > 0, () => this.indexCold(ids.pop() as string));
      if (!this.settled) this.finish();
      // Grown to more than twice what it needs (appends since the last compaction): rewritten.
      if (this.index && !this.closed && this.index.length > 2 * this.slots.size + 100) {
        await this.index.compact(() =>
          [...this.slots.values()].flatMap((slot) => {
            const entry = this.entryOf(slot);
            return entry ? [{ entry, inFlight: Boolean(slot.inFlight ?? slot.read?.inFlight), refs: this.refsOf(slot) }] : [];
          }),
        );
      }
    } catch (error) {
      console.error(`Helix: the sessions' index could not be checked (${(error as Error).message}); it is checked at the next look-up`);
    }
  }

  /** Does at once what the background check has not done yet. */
  private settle(): void {
    if (this.settled) return;
    this.readAllUnindexed();
    for (const id of [...this.slots.keys()]) this.checkOne(id);
    for (const id of [...this.slots.keys()]) this.indexCold(id);
    this.finish();
  }

  private readAllUnindexed(keep?: (session: SessionRecord) => boolean): void {
    if (!this.listed) {
      try {
        this.listFolders(readdirSync(this.dir));
      } catch (error) {
        // Nothing is dropped on a listing that failed: the lines stand as they are.
        this.listed = true;
        console.error(`Helix: cannot list ${this.dir} (${(error as Error).message})`);
      }
    }
    for (const id of [...this.unread]) this.readUnindexed(id, keep);
  }

  /** The folders there are: the ones the index does not list are to be read, the lines without a folder dropped. */
  private listFolders(names: string[]): void {
    if (this.listed) return;
    this.listed = true;
    const folders = new Set(names.filter((name) => SESSION_ID.test(name)));
    for (const id of folders) if (!this.slots.has(id)) this.unread.add(id);
    for (const [id, slot] of [...this.slots]) if (!slot.session && !folders.has(id)) this.drop(id);
  }

  /** A folder the index does not list (written by an earlier version, or added while the app was stopped); `keep`: held in memory, as asked for. */
  private readUnindexed(id: string, keep?: (session: SessionRecord) => boolean): void {
    if (!this.unread.delete(id) || this.slots.has(id)) return;
    const read = this.folders.read(id);
    if (read) this.learn(read.session, read.logBytes, read.fileBytes, keep?.(read.session));
  }

  /** A line checked against the lengths of its folder's files: read again if they differ, dropped if the folder is gone. */
  private checkOne(id: string): void {
    const slot = this.slots.get(id);
    if (!slot?.read || slot.checked || slot.session) return;
    const entry = this.entryOf(slot);
    const sizes = folderSizes(this.sessionDir(id));
    if (entry && sizes && sizes.log === entry.logBytes && sizes.file === entry.fileBytes) {
      slot.checked = true;
      return;
    }
    const read = sizes ? this.folders.read(id) : undefined;
    if (read) this.learn(read.session, read.logBytes, read.fileBytes);
    else this.drop(id);
  }

  /** A session read in the background: its line (the session kept in memory if asked for, or if it had a turn in flight). */
  private learn(session: SessionRecord, logBytes: number, fileBytes: number, keep = false): void {
    const line = this.lineOf(session, logBytes, fileBytes);
    const { entry } = line;
    let slot = this.slots.get(session.id);
    if (!slot) this.slots.set(session.id, (slot = { stamp: ++this.clock }));
    this.setLine(slot, line);
    this.reorder = true;
    const other = session.chatId === undefined ? undefined : this.summary(this.byChatId.get(session.chatId) ?? '');
    if (session.chatId !== undefined && (!other || other.id === session.id || other.updatedAt <= session.updatedAt)) this.byChatId.set(session.chatId, session.id);
    this.cold.add(session.id, parseRefs(line.refs));
    slot.cold = true;
    this.index?.put(line);
    if (keep || line.inFlight) {
      slot.session = session;
      this.indexSession(session);
      this.settleTurns(session);
    }
    for (const listener of this.lineListeners) listener(session.id, entry);
  }

  private indexCold(id: string): void {
    const slot = this.slots.get(id);
    if (!slot || slot.cold || slot.session) return;
    slot.cold = true;
    this.cold.add(id, parseRefs(this.refsOf(slot)));
  }

  /** Every folder is known: sessions read in the background take their place in the order of their latest change. */
  private finish(): void {
    this.settled = true;
    if (!this.reorder) return;
    this.reorder = false;
    const updatedAt = (slot: Slot): string => slot.session?.updatedAt ?? this.entryOf(slot)?.updatedAt ?? '';
    const order = [...this.slots].sort(([, x], [, y]) => {
      const [p, q] = [updatedAt(x), updatedAt(y)];
      return p < q ? -1 : p > q ? 1 : x.stamp - y.stamp;
    });
    this.slots.clear();
    for (const [id, slot] of order) {
      this.slots.set(id, slot);
      slot.stamp = ++this.clock;
    }
  }
}

function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StorageError(dir, error);
  }
}
