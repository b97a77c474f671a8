/**
 * What sessions there are, in the order of their latest change, and their lines in the sessions'
 * index (session-index-file.ts): each one's summary and what its turns are found by, so a start
 * reads one file, not every folder. A session is held once read (the truth, its line follows it).
 *
 * The index is a cache: after the start, in the background, every folder not in it is read and
 * every line is checked against its folder (the lengths of its two files), a stale line read
 * again and a line without a folder dropped; a look-up that needs what is not checked yet finishes
 * that work first (settle). The turns of sessions known by their line only are in cold look-ups.
 */
import { readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { SessionSummary } from '../../common/control';
import type { SessionRecord } from '../../common/session';
import { StorageError } from '../platform/data-dir';
import { inSlices } from '../platform/slices';
import { ColdRefs, idsIn } from './cold-refs';
import { folderSizes } from './folder-sizes';
import { SESSION_ID, type FolderRead } from './session-folder';
import { byLastChange, claudeSessionIdsOf, entryOf, lineOf, refsOf, setLine, type Slot } from './catalog-slot';
import type { TurnRefsFile } from './turn-refs-file';
import { IndexFileWriter, readIndexFile, type IndexEntry, type IndexLine, type ReadLine } from './session-index-file';
import { inFlight, parseRefs, summaryOf, turnRefsOf } from './session-summary';

/** The background check works in slices this long, between which the server serves. */
const SLICE_MS = 8;

/** What the catalog needs of the store that reads and writes the sessions' folders. */
export interface CatalogHost {
  readonly dir: string;
  sessionDir(id: string): string;
  /** Reads a session's folder (undefined: it is gone or unreadable). */
  readFolder(id: string): FolderRead | undefined;
  /** A session read from its folder is now held: its turns indexed, those in flight settled. */
  hold(session: SessionRecord): void;
  /** A session was forgotten: its turns leave the look-ups. */
  forgotten(id: string): void;
}

export class SessionCatalog {
  /** Oldest change first: a change moves its session to the end. */
  private slots = new Map<string, Slot>();
  private clock = 0;
  /** Whether the index file's lines were in the order of changes (if not, it is rewritten so once checked). */
  private readInOrder = true;
  /** The index file as read at the start, which holds the refs of the sessions not changed since. */
  private indexBytes: Buffer | undefined;
  /** Session ids by chat id (the store adds those of the sessions it holds). */
  readonly byChatId = new Map<string, string>();
  /** The turns of sessions known by their index line only. */
  readonly cold = new ColdRefs();
  private readonly lineListeners = new Set<(id: string, entry: IndexEntry | undefined) => void>();
  private index: IndexFileWriter | undefined;
  /** After the start: folders not in the index, lines not checked, lines whose turns are not in `cold` yet. */
  private listed = false;
  private readonly unread = new Set<string>();
  private reorder = false;
  private settled = false;
  private closed = false;
  private background: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly host: CatalogHost,
    /** Every ended turn's refs, taken into the cold look-ups after the start. */
    private readonly turnRefs?: TurnRefsFile,
  ) {}

  /** Reads the index file; returns the sessions it says had a turn in flight when the app stopped. */
  load(): string[] {
    const read = readIndexFile<Slot>(this.file, (line) => ({ read: line, stamp: 0 }));
    this.index = new IndexFileWriter(this.file, read, (error) => console.error(`Helix: ${new StorageError(this.file, error).message}`));
    this.indexBytes = read?.bytes;
    this.readInOrder = read?.ordered ?? true;
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
    return inFlight;
  }

  /** Checks the index against the folders in the background, in short slices: once the app serves. */
  startChecking(): Promise<void> {
    this.background ??= this.checkInBackground();
    return this.background;
  }

  /** Whether the index has been checked against every folder since the start. */
  get isChecked(): boolean { return this.settled; }

  get size(): number { return this.slots.size; }

  /** Session ids, the oldest changed first. */
  ids(): string[] {
    return [...this.slots.keys()];
  }

  /** Whether a session is known: by its line or held, or in a folder not read yet. */
  has(id: string): boolean {
    return this.slots.has(id) || this.unread.has(id);
  }

  /** The session if it is held (read since the start), without reading it. */
  held(id: string): SessionRecord | undefined {
    return this.slots.get(id)?.session;
  }

  /** The sessions held. */
  *loaded(): Generator<SessionRecord> {
    for (const slot of this.slots.values()) if (slot.session) yield slot.session;
  }

  /** How recently a session changed: higher is later. */
  stamp(id: string): number {
    return this.slots.get(id)?.stamp ?? -1;
  }

  summary(id: string): SessionSummary | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    return slot.session ? summaryOf(slot.session) : (entryOf(slot, this.indexBytes) ?? this.lineOfFolder(id)?.entry);
  }

  /** A session's index entry as of now (undefined: it is gone). */
  entry(id: string): IndexEntry | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    return slot.session ? lineOf(slot.session, 0, 0).entry : (entryOf(slot, this.indexBytes) ?? this.lineOfFolder(id)?.entry);
  }

  /** The Claude Code sessions a session's turns ran in (their transcripts are its files too). */
  claudeSessionIds(id: string): string[] {
    const slot = this.slots.get(id);
    return slot ? claudeSessionIdsOf(slot, this.indexBytes) : [];
  }

  /**
   * The session read from its folder, held from then on (undefined: not known, or its folder is
   * gone); its line is written again if the folder's files are not the lengths it says.
   */
  read(id: string): SessionRecord | undefined {
    const slot = this.slots.get(id);
    if (slot?.session) return slot.session;
    if (!slot) {
      if (!this.unread.has(id)) return undefined;
      this.readUnindexed(id, () => true);
      return this.slots.get(id)?.session;
    }
    const read = this.host.readFolder(id);
    if (!read) {
      this.drop(id);
      return undefined;
    }
    slot.session = read.session;
    this.host.hold(read.session);
    const entry = entryOf(slot, this.indexBytes);
    if (entry?.logBytes !== read.logBytes || entry.fileBytes !== read.fileBytes) this.putLine(lineOf(read.session, read.logBytes, read.fileBytes));
    return read.session;
  }

  /** The id of the session of a chat, looking in the folders the index does not list yet if need be. */
  idOfChat(chatId: string): string | undefined {
    let id = this.byChatId.get(chatId);
    if (id === undefined && !this.settled) {
      // Maybe in a folder the index does not list yet.
      this.readAllUnindexed((session) => session.chatId === chatId);
      id = this.byChatId.get(chatId);
    }
    return id;
  }

  /** The sessions a cold look-up names (after finishing the checks, so that none is missed). */
  coldIds(map: Map<string, string | string[]>, value: string): string[] {
    this.settle();
    return idsIn(map, value);
  }

  /** A new session, just written: held, the latest changed. */
  add(session: SessionRecord): void {
    this.slots.set(session.id, { session, stamp: ++this.clock });
  }

  /** Puts a session last in the order of changes. */
  place(session: SessionRecord): void {
    const slot = this.slots.get(session.id) ?? { session, stamp: 0 };
    this.slots.delete(session.id);
    this.slots.set(session.id, slot);
    slot.stamp = ++this.clock;
  }

  /**
   * A session whose turn is now queued or running says so in the index at once (its other changes
   * are appended within the second): a start after a crash settles it, and ends its claude, before
   * it serves, from the index alone.
   */
  markInFlight(session: SessionRecord, logBytes: () => number): void {
    const slot = this.slots.get(session.id);
    if (!slot || slot.inFlight || !inFlight(session)) return;
    slot.inFlight = true;
    this.index?.putNow(lineOf(session, logBytes(), slot.entry?.fileBytes ?? -1));
  }

  putLine(line: IndexLine): void {
    const slot = this.slots.get(line.entry.id);
    if (slot) setLine(slot, line);
    this.index?.put(line);
  }

  /** Forgets a session and drops its line (its folder is the caller's); false if it was not known. */
  remove(id: string): boolean {
    if (!this.has(id)) return false;
    this.unread.delete(id);
    this.forget(id);
    this.index?.remove(id);
    return true;
  }

  /** Forgets a session that was created but could not be written. */
  discard(id: string): void {
    this.slots.delete(id);
  }

  /** Hears what the background check learns from the folders: a session's line read again, or a session gone (undefined). */
  onLine(listener: (id: string, entry: IndexEntry | undefined) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  async flush(): Promise<void> {
    await this.index?.flush();
  }

  /** Writes what is not written yet, at once; the background check stops. */
  close(): void {
    this.settled = true;
    this.closed = true;
    this.index?.close();
  }

  /** Forgets a session in memory (its line and files are the caller's). */
  private forget(id: string): void {
    const slot = this.slots.get(id);
    this.slots.delete(id);
    const chatId = slot?.session?.chatId ?? slot?.entry?.chatId ?? slot?.read?.chatId;
    if (chatId !== undefined && this.byChatId.get(chatId) === id) this.byChatId.delete(chatId);
    this.host.forgotten(id);
  }

  /** A session whose folder is gone: forgotten, and its line dropped. */
  private drop(id: string): void {
    if (!this.slots.has(id)) return;
    this.forget(id);
    this.index?.remove(id);
    for (const listener of this.lineListeners) listener(id, undefined);
  }

  /** The line of a session whose own line is torn, read from its folder (and written). */
  private lineOfFolder(id: string): IndexLine | undefined {
    const read = this.host.readFolder(id);
    if (!read) {
      this.drop(id);
      return undefined;
    }
    this.learn(read.session, read.logBytes, read.fileBytes);
    const slot = this.slots.get(id);
    return slot?.entry ? { entry: slot.entry, inFlight: Boolean(slot.inFlight), refs: refsOf(slot, this.indexBytes) } : undefined;
  }

  // The check of the index against the folders, in the background after the start, or at once when a look-up needs it.
  private async checkInBackground(): Promise<void> {
    // Each slice does what it can in SLICE_MS, then lets the server serve; a look-up that settles stops it.
    const slices = (more: () => boolean, work: () => void): Promise<void> => inSlices(SLICE_MS, () => this.settled, more, work);
    try {
      if (!this.listed) this.listFolders(await readdir(this.host.dir));
      // Walked as lists: taking the first of a Set that many were deleted from costs as many steps.
      const unread = [...this.unread];
      await slices(() => unread.length > 0, () => this.readUnindexed(unread.pop() as string));
      let ids = [...this.slots.keys()];
      await slices(() => ids.length > 0, () => this.checkOne(ids.pop() as string));
      ids = [...this.slots.keys()];
      await slices(() => ids.length > 0, () => this.indexCold(ids.pop() as string));
      await this.turnRefs?.takeAll((line) => this.cold.addLine(line, (id) => this.slots.has(id)), slices);
      if (!this.settled) this.finish();
      // Grown to more than twice what it needs (appends since the last compaction), or out of order: rewritten.
      if (this.index && !this.closed && (!this.readInOrder || this.index.length > 2 * this.slots.size + 100)) {
        await this.index.compact(() =>
          [...this.slots.values()].flatMap((slot) => {
            const entry = entryOf(slot, this.indexBytes);
            return entry ? [{ entry, inFlight: Boolean(slot.inFlight ?? slot.read?.inFlight), refs: refsOf(slot, this.indexBytes) }] : [];
          }),
        );
      }
    } catch (error) {
      console.error(`Helix: the sessions' index could not be checked (${(error as Error).message}); it is checked at the next look-up`);
    }
  }

  /** Does at once what the background check has not done yet. */
  settle(): void {
    if (this.settled) return;
    this.readAllUnindexed();
    for (const id of [...this.slots.keys()]) this.checkOne(id);
    for (const id of [...this.slots.keys()]) this.indexCold(id);
    for (const line of this.turnRefs?.linesNow() ?? []) this.cold.addLine(line, (id) => this.slots.has(id));
    this.finish();
  }

  private readAllUnindexed(keep?: (session: SessionRecord) => boolean): void {
    if (!this.listed) {
      try {
        this.listFolders(readdirSync(this.host.dir));
      } catch (error) {
        // Nothing is dropped on a listing that failed: the lines stand as they are.
        this.listed = true;
        console.error(`Helix: cannot list ${this.host.dir} (${(error as Error).message})`);
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
    const read = this.host.readFolder(id);
    if (read) this.learn(read.session, read.logBytes, read.fileBytes, keep?.(read.session));
  }

  /** A line checked against the lengths of its folder's files: read again if they differ, dropped if the folder is gone. */
  private checkOne(id: string): void {
    const slot = this.slots.get(id);
    if (!slot?.read || slot.checked || slot.session) return;
    const entry = entryOf(slot, this.indexBytes);
    const sizes = folderSizes(this.host.sessionDir(id));
    if (entry && sizes && sizes.log === entry.logBytes && sizes.file === entry.fileBytes) {
      slot.checked = true;
      return;
    }
    const read = sizes ? this.host.readFolder(id) : undefined;
    if (read) this.learn(read.session, read.logBytes, read.fileBytes);
    else this.drop(id);
  }

  /** A session read in the background: its line (the session kept in memory if asked for, or if it had a turn in flight). */
  private learn(session: SessionRecord, logBytes: number, fileBytes: number, keep = false): void {
    const line = lineOf(session, logBytes, fileBytes);
    const { entry } = line;
    let slot = this.slots.get(session.id);
    if (!slot) this.slots.set(session.id, (slot = { stamp: ++this.clock }));
    setLine(slot, line);
    this.reorder = true;
    const other = session.chatId === undefined ? undefined : this.summary(this.byChatId.get(session.chatId) ?? '');
    if (session.chatId !== undefined && (!other || other.id === session.id || other.updatedAt <= session.updatedAt)) this.byChatId.set(session.chatId, session.id);
    this.cold.add(session.id, parseRefs(line.refs));
    this.turnRefs?.seed(session.id, turnRefsOf(session.turns));
    slot.cold = true;
    this.index?.put(line);
    if (keep || line.inFlight) {
      slot.session = session;
      this.host.hold(session);
    }
    for (const listener of this.lineListeners) listener(session.id, entry);
  }

  private indexCold(id: string): void {
    const slot = this.slots.get(id);
    if (!slot || slot.cold) return;
    slot.cold = true;
    // A held session's turns are in the warm look-ups: only a turn refs file being started takes them.
    const refs = slot.session ? turnRefsOf(slot.session.turns) : parseRefs(refsOf(slot, this.indexBytes));
    if (!slot.session) this.cold.add(id, refs);
    this.turnRefs?.seed(id, refs);
  }

  /** Every folder is known: sessions read in the background take their place in the order of their latest change. */
  private finish(): void {
    this.settled = true;
    this.turnRefs?.seeded();
    if (!this.reorder) return;
    // The lines of the sessions read meanwhile were appended as read: the file is rewritten in order.
    this.reorder = this.readInOrder = false;
    this.slots = byLastChange(this.slots, this.indexBytes);
    for (const slot of this.slots.values()) slot.stamp = ++this.clock;
  }
}
