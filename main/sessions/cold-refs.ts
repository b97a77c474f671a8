/**
 * Which sessions not read since the start may hold a turn with a given id, key, or undelivered
 * conversation, from their index lines: a look-up reads those sessions (a few) and answers from
 * the turns themselves. A value may name sessions that no longer hold it; never the reverse.
 */
import type { TurnRefs } from './session-summary';
import { TurnRefsFile } from './turn-refs-file';

type Ids = string | string[];

export class ColdRefs {
  readonly byTurnId = new Map<string, Ids>();
  readonly byKey = new Map<string, Ids>();
  readonly byUndelivered = new Map<string, Ids>();

  /** A line of the turn refs file (see turn-refs-file.ts), if its session is `known`; false if not taken. */
  addLine(line: string, known: (sessionId: string) => boolean): boolean {
    const parsed = TurnRefsFile.parse(line);
    if (!parsed || !known(parsed[0])) return false;
    this.add(...parsed);
    return true;
  }

  add(sessionId: string, refs: TurnRefs): void {
    for (const [turnId, key, undelivered] of refs) {
      add(this.byTurnId, turnId, sessionId);
      if (key) add(this.byKey, key, sessionId);
      if (undelivered) add(this.byUndelivered, undelivered, sessionId);
    }
  }
}

export function idsIn(map: Map<string, Ids>, value: string): string[] {
  const held = map.get(value);
  return held === undefined ? [] : Array.isArray(held) ? held : [held];
}

function add(map: Map<string, Ids>, value: string, id: string): void {
  const held = map.get(value);
  if (held === undefined) map.set(value, id);
  else if (Array.isArray(held)) {
    if (!held.includes(id)) held.push(id);
  } else if (held !== id) map.set(value, [held, id]);
}
