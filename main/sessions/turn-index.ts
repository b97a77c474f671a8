/**
 * Turns found by one of their fields (a conversation key, an id a client was given) without
 * looking through every session: each index maps a value to the turns that have it, and is
 * brought up to date by the store whenever a session changes.
 */
import type { SessionRecord, TurnRecord } from '../../common/session';

export interface TurnRef {
  session: SessionRecord;
  turn: TurnRecord;
}

/** What a turn is found by in one index; undefined leaves it out. */
export type TurnKeyOf = (turn: TurnRecord) => string | undefined;

export interface TurnLookup {
  /** The turns indexed under `value`, in the order they were indexed. */
  get(value: string): TurnRef[];
}

export class TurnIndex implements TurnLookup {
  /** Most values have one turn: that one is held as it is, more as a list (fewer objects with 50,000 sessions). */
  private readonly byValue = new Map<string, TurnRef | TurnRef[]>();
  /** The value each turn is indexed under, to move it when that changes. */
  private readonly valueOf = new Map<string, string>();

  constructor(private readonly keyOf: TurnKeyOf) {}

  get(value: string): TurnRef[] {
    const held = this.byValue.get(value);
    const refs = held === undefined ? [] : Array.isArray(held) ? held : [held];
    // A turn changed in memory since it was indexed is not found by what it no longer holds.
    return refs.filter((ref) => this.keyOf(ref.turn) === value);
  }

  update(ref: TurnRef): void {
    const value = this.keyOf(ref.turn);
    const before = this.valueOf.get(ref.turn.id);
    if (before !== undefined && before !== value) this.remove(ref.turn.id);
    if (value === undefined) return;
    if (before !== value) this.valueOf.set(ref.turn.id, value);
    const held = this.byValue.get(value);
    if (held === undefined) this.byValue.set(value, ref);
    else if (Array.isArray(held)) {
      const at = held.findIndex((r) => r.turn.id === ref.turn.id);
      if (at === -1) held.push(ref);
      else held[at] = ref;
    } else if (held.turn.id === ref.turn.id) this.byValue.set(value, ref);
    else this.byValue.set(value, [held, ref]);
  }

  remove(turnId: string): void {
    const value = this.valueOf.get(turnId);
    if (value === undefined) return;
    this.valueOf.delete(turnId);
    const held = this.byValue.get(value);
    if (held === undefined) return;
    if (!Array.isArray(held)) {
      if (held.turn.id === turnId) this.byValue.delete(value);
      return;
    }
    const left = held.filter((r) => r.turn.id !== turnId);
    if (left.length === 0) this.byValue.delete(value);
    else this.byValue.set(value, left.length === 1 ? (left[0] as TurnRef) : left);
  }
}

/** The turns of the sessions held, by id and in every index added: each session's turns follow its changes. */
export class SessionTurns {
  private readonly byId = new Map<string, TurnRef>();
  /** Per session, the ids of the turns indexed, to drop the ones it no longer has. */
  private readonly indexedTurns = new Map<string, string[]>();
  private readonly indexes: TurnIndex[] = [];

  /** A new index, of every turn held now and from then on. */
  add(keyOf: TurnKeyOf): TurnLookup {
    const index = new TurnIndex(keyOf);
    this.indexes.push(index);
    for (const ref of this.byId.values()) index.update(ref);
    return index;
  }

  get(turnId: string): TurnRef | undefined {
    return this.byId.get(turnId);
  }

  /** A session's turns as they are now. */
  update(session: SessionRecord): void {
    const before = this.indexedTurns.get(session.id);
    const now = session.turns.map((turn) => turn.id);
    for (const turn of session.turns) {
      const held = this.byId.get(turn.id);
      const ref = held?.session === session && held.turn === turn ? held : { session, turn };
      this.byId.set(turn.id, ref);
      for (const index of this.indexes) index.update(ref);
    }
    // Usually the same turns, or one more: only when there are not more is a turn taken back looked for.
    if (before && before.length >= now.length) {
      const kept = new Set(now);
      for (const turnId of before) if (!kept.has(turnId)) this.drop(turnId);
    }
    this.indexedTurns.set(session.id, now);
  }

  /** A session forgotten: its turns leave every index. */
  forget(sessionId: string): void {
    for (const turnId of this.indexedTurns.get(sessionId) ?? []) this.drop(turnId);
    this.indexedTurns.delete(sessionId);
  }

  private drop(turnId: string): void {
    this.byId.delete(turnId);
    for (const index of this.indexes) index.remove(turnId);
  }
}
