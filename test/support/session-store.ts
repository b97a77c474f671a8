/** A session store on a data dir, and turns recorded in it the way the app records them. */
import type { SessionRecord, TurnRecord } from '../../common/session';
import { conversationKey } from '../../main/sessions/conversation';
import { SessionStore } from '../../main/sessions/session-store';
import { TurnLogger } from '../../main/sessions/turn-logger';

/** A store that has read its data dir. */
export function loaded(dir: string): SessionStore {
  const store = new SessionStore(dir);
  store.load();
  return store;
}

let turns = 0;
export function turn(fields: Partial<TurnRecord> = {}): TurnRecord {
  turns += 1;
  return { id: `turn-${turns}`, parentKey: 'k0', user: `question ${turns}`, assistant: '', status: 'running', delivered: false, startedAt: new Date().toISOString(), ...fields };
}

/** A turn run to its end the way the app runs one: its records, prompt and answer events in the log, the session touched at each change. */
export function runTurn(store: SessionStore, session: SessionRecord, user: string, answer: string, delivered: boolean): TurnRecord {
  const t = turn({ user });
  session.turns.push(t);
  const logger = new TurnLogger(store.log(session.id), t.id);
  store.touch(session);
  logger.turn(t);
  logger.prompt(user, [], undefined);
  t.status = 'running';
  logger.turn(t);
  store.touch(session);
  for (let i = 0; i < answer.length; i += 7) logger.event({ type: 'text', text: answer.slice(i, i + 7) });
  Object.assign(t, { status: 'done', assistant: answer, key: conversationKey([{ user, assistant: answer }]), delivered, endedAt: new Date().toISOString() });
  logger.flush();
  logger.turn(t);
  store.touch(session);
  return t;
}

