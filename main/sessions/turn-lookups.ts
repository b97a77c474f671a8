/**
 * Finding turns in every session without looking through them: the held sessions' turns by id and
 * in the turn indexes (by conversation key, undelivered conversation, and any added later), and
 * the turns of sessions not read since the start, or let go of since, in the catalog's cold
 * look-ups, which name the session to read.
 *
 * A session holds at most HELD_TURNS turns in memory: past that, its oldest settled turns are let
 * go of (summed up, their refs kept cold), so a change costs the same at its 500th turn; a look-up
 * that needs one of them takes the session's turns back from its log.
 */
import type { SessionRecord, TurnRecord } from '../../common/session';
import type { SessionCatalog } from './session-catalog';
import { holdEveryTurn, letGoOfTurns } from './session-recovery';
import { turnRefsOf, type TurnRefs } from './session-summary';
import { SessionTurns, type TurnKeyOf, type TurnLookup, type TurnRef } from './turn-index';

export class TurnLookups {
  private readonly turns = new SessionTurns();
  /** Finished turns by the key of the conversation they end. */
  private readonly byKey: TurnLookup;
  /** Turns no client received, by the conversation and message they answer (a retry is the same again). */
  private readonly undeliveredIndex: TurnLookup;

  constructor(
    private readonly catalog: SessionCatalog,
    /** Reads a session (held from then on). */
    private readonly read: (id: string) => SessionRecord | undefined,
    /** A session's every turn with its text, from its log. */
    private readonly logged: (id: string) => TurnRecord[],
  ) {
    this.byKey = this.add((turn) => (turn.status === 'done' ? turn.key : undefined));
    this.undeliveredIndex = this.add((turn) => (turn.delivered ? undefined : `${turn.parentKey}\n${turn.user}`));
  }

  /** Another index of the held turns, following every change from then on. */
  add(keyOf: TurnKeyOf): TurnLookup {
    return this.turns.add(keyOf);
  }

  /** A held session's turns as they are now. */
  update(session: SessionRecord): void {
    this.turns.update(session);
  }

  /** A session forgotten: its turns leave every index. */
  forget(id: string): void {
    this.turns.forget(id);
  }

  /** Lets go of a long session's oldest settled turns (see letGoOfTurns): found from then on as a cold session's are. Returns their refs. */
  letGoOfTurns(session: SessionRecord): TurnRefs {
    const refs = turnRefsOf(letGoOfTurns(session));
    if (refs.length > 0) this.catalog.cold.add(session.id, refs);
    return refs;
  }

  findByKey(key: string, within?: SessionRecord): TurnRef | undefined {
    const inChat = (): TurnRef | undefined => this.byKey.get(key).find((ref) => ref.session === within);
    if (!within) {
      this.readCold(this.catalog.cold.byKey, key, () => this.byKey.get(key).length > 0);
      return this.latest(this.byKey.get(key));
    }
    // A turn the chat holds only in its log (an edit far back): read from there.
    return inChat() ?? (this.holdEveryTurn(within) ? inChat() : undefined);
  }

  /** The id of the session a turn belongs to, without reading the session or its log (a session deleted since may be named). */
  sessionIdOfTurn(turnId: string): string | undefined {
    return this.turns.get(turnId)?.session.id ?? this.catalog.coldIds(this.catalog.cold.byTurnId, turnId).at(-1);
  }

  findTurn(turnId: string): TurnRef | undefined {
    const warm = this.turns.get(turnId);
    if (warm) return warm;
    this.readCold(this.catalog.cold.byTurnId, turnId, () => this.turns.get(turnId) !== undefined);
    return this.turns.get(turnId);
  }

  undelivered(parentKey: string, user: string): TurnRef[] {
    // Kept while a retry may still ask for them (see settled): held once their sessions are read.
    this.readCold(this.catalog.cold.byUndelivered, parentKey, () => true);
    return this.undeliveredIndex.get(`${parentKey}\n${user}`).sort((a, b) => this.rank(b.session) - this.rank(a.session));
  }

  /** How recently a session changed: higher is later. */
  private rank(session: SessionRecord): number {
    return this.catalog.stamp(session.id);
  }

  private latest(refs: TurnRef[]): TurnRef | undefined {
    return refs.reduce<TurnRef | undefined>((best, ref) => (!best || this.rank(ref.session) > this.rank(best.session) ? ref : best), undefined);
  }

  /**
   * Reads the sessions a cold look-up names (after finishing the checks, so that none is missed);
   * if what is looked for is still not `found`, those of them that hold only their latest turns
   * take the rest back from their logs.
   */
  private readCold(map: Map<string, string | string[]>, value: string, found: () => boolean): void {
    const ids = this.catalog.coldIds(map, value);
    for (const id of ids) this.read(id);
    if (!found()) for (const id of ids) this.holdEveryTurn(this.catalog.held(id));
  }

  /** A session that holds only its latest turns takes the rest back from its log; false if it held them all. */
  private holdEveryTurn(session: SessionRecord | undefined): boolean {
    if (!session || !holdEveryTurn(session, () => this.logged(session.id))) return false;
    this.turns.update(session);
    return true;
  }
}
