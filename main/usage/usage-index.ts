/**
 * Usage kept up to date as sessions change: each session's finished turns are reduced to a few
 * numbers once (at start, from the session records, never from the event logs) and again only
 * when that session changes; a report adds those numbers up.
 */
import { totalTokens } from '../../common/run-event';
import type { SessionRecord } from '../../common/session';
import { authKind, type UsageReport, type UsageTotals } from '../../common/usage';

/** One finished turn, as usage counts it. */
interface TurnUsage {
  day: string;
  provider: string;
  source: string;
  costUsd: number;
  tokens: number;
}

interface SessionUsage {
  title: string;
  role: string;
  turns: TurnUsage[];
}

const DAY_MS = 86_400_000;
const dayOf = (iso: string): string => iso.slice(0, 10);

export class UsageIndex {
  private readonly sessions = new Map<string, SessionUsage>();

  constructor(sessions: Iterable<SessionRecord> = []) {
    for (const session of sessions) this.update(session);
  }

  /** Takes a session's current turns in place of what was counted for it. */
  update(session: SessionRecord): void {
    const turns = session.turns
      .filter((t) => t.endedAt !== undefined && (t.usage !== undefined || t.costUsd !== undefined))
      .map((t) => ({
        day: dayOf(t.startedAt),
        provider: t.target?.split(':')[0] || 'unknown',
        source: t.apiKeySource ?? '',
        costUsd: t.costUsd ?? 0,
        tokens: t.usage ? totalTokens(t.usage) : 0,
      }));
    if (turns.length === 0) this.sessions.delete(session.id);
    else this.sessions.set(session.id, { title: session.title, role: session.role, turns });
  }

  remove(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /** The last `days` days up to and including `now`'s (UTC) day. */
  report(days: number, now: Date = new Date(), top = 10): UsageReport {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const dayList = Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const since = dayList[0] ?? dayOf(now.toISOString());
    const perDay = new Map(dayList.map((day) => [day, zero()]));
    const perRole = new Map<string, UsageTotals>();
    const perProvider = new Map<string, UsageTotals>();
    const perSource = new Map<string, UsageTotals>();
    const perSession: UsageReport['topSessions'] = [];
    const total = zero();
    for (const [id, session] of this.sessions) {
      const own = zero();
      for (const turn of session.turns) {
        const bucket = perDay.get(turn.day);
        if (!bucket) continue; // outside the period
        for (const totals of [bucket, own, total, entry(perRole, session.role), entry(perProvider, turn.provider), entry(perSource, turn.source)]) add(totals, turn);
      }
      if (own.turns > 0) perSession.push({ id, title: session.title, role: session.role, ...own });
    }
    const byCost = <T extends UsageTotals>(a: T, b: T): number => b.costUsd - a.costUsd || b.tokens - a.tokens;
    return {
      since,
      days: dayList.map((day) => ({ day, ...perDay.get(day)! })),
      byRole: [...perRole].map(([role, t]) => ({ role, ...t })).sort(byCost),
      byProvider: [...perProvider].map(([provider, t]) => ({ provider, ...t })).sort(byCost),
      byAuth: [...perSource].map(([source, t]) => ({ source: source || 'not reported', kind: authKind(source), ...t })).sort(byCost),
      topSessions: perSession.sort(byCost).slice(0, top),
      total,
    };
  }
}

const zero = (): UsageTotals => ({ costUsd: 0, tokens: 0, turns: 0 });

function entry(map: Map<string, UsageTotals>, key: string): UsageTotals {
  let totals = map.get(key);
  if (!totals) map.set(key, (totals = zero()));
  return totals;
}

function add(totals: UsageTotals, turn: TurnUsage): void {
  totals.costUsd += turn.costUsd;
  totals.tokens += turn.tokens;
  totals.turns += 1;
}
