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
  private readonly byValue = new Map<string, Map<string, TurnRef>>();
  /** The value each turn is indexed under, to move it when that changes. */
  private readonly valueOf = new Map<string, string>();

  constructor(private readonly keyOf: TurnKeyOf) {}

  get(value: string): TurnRef[] {
    const refs = this.byValue.get(value);
    // A turn changed in memory since it was indexed is not found by what it no longer holds.
    return refs ? [...refs.values()].filter((ref) => this.keyOf(ref.turn) === value) : [];
  }

  update(ref: TurnRef): void {
    const value = this.keyOf(ref.turn);
    const before = this.valueOf.get(ref.turn.id);
    if (before === value) {
      if (value !== undefined) this.byValue.get(value)?.set(ref.turn.id, ref);
      return;
    }
    if (before !== undefined) this.remove(ref.turn.id);
    if (value === undefined) return;
    let refs = this.byValue.get(value);
    if (!refs) this.byValue.set(value, (refs = new Map()));
    refs.set(ref.turn.id, ref);
    this.valueOf.set(ref.turn.id, value);
  }

  remove(turnId: string): void {
    const value = this.valueOf.get(turnId);
    if (value === undefined) return;
    this.valueOf.delete(turnId);
    const refs = this.byValue.get(value);
    refs?.delete(turnId);
    if (refs?.size === 0) this.byValue.delete(value);
  }

  /** How many values are indexed (for tests). */
  get size(): number {
    return this.byValue.size;
  }
}
