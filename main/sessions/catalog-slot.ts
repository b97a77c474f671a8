/** A session as the catalog holds it (see session-catalog.ts), and its line in the sessions' index. */
import type { SessionRecord } from '../../common/session';
import { parseEntry, type IndexEntry, type IndexLine, type ReadLine } from './session-index-file';
import { TURNS_IN_FILE } from './session-recovery';
import { inFlight, parseRefs, refsText, summaryOf, turnRefsOf, usageRowsOf } from './session-summary';

/** A session as the catalog holds it: read (the truth, its index line follows it), or known by its index line only. */
export interface Slot {
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

/** A session's index line: its summary, usage, the lengths of its files and its latest turns' refs. */
export function lineOf(session: SessionRecord, logBytes: number, fileBytes: number): IndexLine {
  const entry: IndexEntry = { ...summaryOf(session), usage: usageRowsOf(session), logBytes, fileBytes, refsBytes: 0 };
  // The turns a restart holds (the file's latest ones), so that a line stops growing with the chat.
  return { entry, inFlight: inFlight(session), refs: refsText(turnRefsOf(session.turns.slice(-TURNS_IN_FILE))) };
}

/** A slot's line is now this one (as written, or about to be). */
export function setLine(slot: Slot, line: IndexLine): void {
  slot.entry = line.entry;
  slot.refs = line.refs;
  slot.inFlight = line.inFlight;
  slot.read = undefined;
}

/** A slot's entry, parsed from its line as read (in the index file's bytes as read) if need be; undefined if that line is torn (its folder is the truth then). */
export function entryOf(slot: Slot, indexBytes: Buffer | undefined): IndexEntry | undefined {
  if (!slot.entry && slot.read && indexBytes) slot.entry = parseEntry(indexBytes, slot.read);
  return slot.entry;
}

/** A slot's turn refs (see refsText), as last written or as read. */
export function refsOf(slot: Slot, indexBytes: Buffer | undefined): string {
  if (slot.refs !== undefined) return slot.refs;
  return slot.read && indexBytes ? indexBytes.toString('utf8', slot.read.refsAt, slot.read.end) : '';
}

/** The Claude Code sessions a slot's turns ran in: its session's if held (those it keeps of its earlier turns too), else those its refs name. */
export function claudeSessionIdsOf(slot: Slot, indexBytes: Buffer | undefined): string[] {
  const { session } = slot;
  const ids = session ? [...(session.earlier?.claudeSessionIds ?? []), ...session.turns.map((t) => t.claudeSessionId ?? '')] : parseRefs(refsOf(slot, indexBytes)).map((ref) => ref[3]);
  return [...new Set(ids.filter(Boolean))];
}

/** Slots in the order of their sessions' last change (the order they were in, for the same time). */
export function byLastChange(slots: Map<string, Slot>, indexBytes: Buffer | undefined): Map<string, Slot> {
  const updatedAt = (slot: Slot): string => slot.session?.updatedAt ?? entryOf(slot, indexBytes)?.updatedAt ?? '';
  return new Map(
    [...slots].sort(([, x], [, y]) => {
      const [p, q] = [updatedAt(x), updatedAt(y)];
      return p < q ? -1 : p > q ? 1 : x.stamp - y.stamp;
    }),
  );
}
