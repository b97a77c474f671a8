/**
 * A session reduced to what is shown and searched without its turns: the list's summary, its usage
 * per day, provider and login, and the values its turns are found by. The sessions' index file
 * holds this for every session, so a start reads one file instead of every session's folder.
 */
import type { SessionSummary } from '../../common/control';
import { totalTokens } from '../../common/run-event';
import { turnInFlight, type SessionRecord, type TurnRecord, type UsageRow } from '../../common/session';

export function summaryOf(session: SessionRecord): SessionSummary {
  const last = session.turns.at(-1);
  const earlier = session.earlier ?? { turns: 0, tokens: 0, costUsd: 0 };
  const tokens = session.turns.reduce((sum, t) => sum + (t.usage ? totalTokens(t.usage) : 0), earlier.tokens);
  return {
    id: session.id,
    chatId: session.chatId,
    title: session.title,
    role: session.role,
    target: last?.target,
    status: last?.status ?? 'new',
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    turns: earlier.turns + session.turns.length,
    tokens,
    costUsd: session.turns.reduce((sum, t) => sum + (t.costUsd ?? 0), earlier.costUsd),
    ...(last && turnInFlight(last) ? { runningSince: last.startedAt } : {}),
  };
}

/** The usage of a session's turns: those it holds, added to the rows kept of those before them. */
export function usageRowsOf(session: SessionRecord): UsageRow[] {
  return usageRows(session.turns, session.earlier?.usage);
}

/** Finished turns' usage per day, provider and login, added to `rows` (which are not changed). */
export function usageRows(turns: TurnRecord[], rows: UsageRow[] = []): UsageRow[] {
  const byName = new Map(rows.map((row) => [`${row.day}\n${row.provider}\n${row.source}`, { ...row }]));
  for (const t of turns) {
    if (t.endedAt === undefined || (t.usage === undefined && t.costUsd === undefined)) continue;
    const day = t.startedAt.slice(0, 10);
    const provider = t.target?.split(':')[0] || 'unknown';
    const source = t.apiKeySource ?? '';
    const name = `${day}\n${provider}\n${source}`;
    let row = byName.get(name);
    if (!row) byName.set(name, (row = { day, provider, source, costUsd: 0, tokens: 0, turns: 0 }));
    row.costUsd += t.costUsd ?? 0;
    row.tokens += t.usage ? totalTokens(t.usage) : 0;
    row.turns += 1;
  }
  return [...byName.values()];
}

/**
 * What each held turn is found by, as the store's lookups need it before the session is read:
 * its id, its key once done, the conversation it answers while undelivered, its Claude Code session.
 */
export type TurnRefValues = [turnId: string, key: string, undeliveredParentKey: string, claudeSessionId: string];
export type TurnRefs = TurnRefValues[];

export function turnRefsOf(turns: TurnRecord[]): TurnRefs {
  return turns.map((t) => [t.id, t.status === 'done' ? (t.key ?? '') : '', t.delivered ? '' : t.parentKey, t.claudeSessionId ?? '']);
}

/**
 * Refs as the index line's plain-text tail (not JSON, so that a start need not parse it): turns
 * separated by commas, their four values by spaces; a value holding either (or %) is %-encoded.
 */
export function refsText(refs: TurnRefs): string {
  // A chat's turns mostly resume one Claude Code session: `^` says "the same as the turn before".
  return refs
    .map(([id, key, undelivered, claude], i) => {
      const same = i > 0 && claude !== '' && claude === refs[i - 1]?.[3];
      return `${encodeValue(id)} ${encodeValue(key)} ${encodeValue(undelivered)} ${same ? '^' : encodeValue(claude)}`;
    })
    .join(',');
}

export function parseRefs(text: string): TurnRefs {
  if (text.length === 0) return [];
  let previous = '';
  return text.split(',').map((turn) => {
    const [id = '', key = '', undelivered = '', claude = ''] = turn.split(' ');
    previous = claude === '^' ? previous : decodeValue(claude);
    return [decodeValue(id), decodeValue(key), decodeValue(undelivered), previous];
  });
}

const SPECIAL = /[\s,%$^]/;
const encodeValue = (value: string): string => (SPECIAL.test(value) ? encodeURIComponent(value) : value);
const decodeValue = (value: string): string => (value.includes('%') ? safeDecode(value) : value);

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export const inFlight = (session: SessionRecord | undefined): boolean => session?.turns.some(turnInFlight) ?? false;
