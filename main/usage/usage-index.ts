/**
 * Usage kept up to date as sessions change: each session's finished turns are reduced to a few
 * rows (per day, provider and login) once (at start, from the sessions' index, never from the
 * event logs) and again only when that session changes; a report adds those rows up.
 */
import type { SessionRecord, UsageRow } from '../../common/session';
import { authKind, type UsageReport, type UsageTotals } from '../../common/usage';
import { usageRowsOf } from '../sessions/session-summary';

/** What usage needs of a session: the index line has it, and so does a session record (through usageRowsOf). */
export interface SessionUsage {
  id: string;
  title: string;
  role: string;
  usage: UsageRow[];
}

const DAY_MS = 86_400_000;
const dayOf = (iso: string): string => iso.slice(0, 10);

export class UsageIndex {
  private held: Map<string, SessionUsage> | undefined;
  /** Changes heard before the first report, applied over the initial sessions then (null: removed). */
  private readonly early = new Map<string, SessionUsage | null>();

  /** `initial`: the sessions to count, or a function giving them, called at the first report (not at the start). */
  constructor(private initial: Iterable<SessionUsage | SessionRecord> | (() => Iterable<SessionUsage | SessionRecord>) = []) {}

  private get sessions(): Map<string, SessionUsage> {
    if (!this.held) {
      const held = new Map<string, SessionUsage>();
      const initial = typeof this.initial === 'function' ? this.initial() : this.initial;
      this.initial = [];
      for (const session of initial) {
        const usage = 'usage' in session ? session : usageOf(session);
        if (usage.usage.length > 0) held.set(usage.id, usage);
      }
      for (const [id, usage] of this.early) {
        if (usage && usage.usage.length > 0) held.set(id, usage);
        else held.delete(id);
      }
      this.early.clear();
      this.held = held;
    }
    return this.held;
  }

  /** Takes a session's current turns in place of what was counted for it. */
  update(session: SessionRecord): void {
    this.set(usageOf(session));
  }

  /** Takes a session's usage rows in place of what was counted for it. */
  set({ id, title, role, usage }: SessionUsage): void {
    if (!this.held) this.early.set(id, { id, title, role, usage });
    else if (usage.length === 0) this.held.delete(id);
    else this.held.set(id, { id, title, role, usage });
  }

  remove(sessionId: string): void {
    if (!this.held) this.early.set(sessionId, null);
    else this.held.delete(sessionId);
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
      for (const row of session.usage) {
        const bucket = perDay.get(row.day);
        if (!bucket) continue; // outside the period
        for (const totals of [bucket, own, total, entry(perRole, session.role), entry(perProvider, row.provider), entry(perSource, row.source)]) add(totals, row);
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

const usageOf = (session: SessionRecord): SessionUsage => ({ id: session.id, title: session.title, role: session.role, usage: usageRowsOf(session) });

const zero = (): UsageTotals => ({ costUsd: 0, tokens: 0, turns: 0 });

function entry(map: Map<string, UsageTotals>, key: string): UsageTotals {
  let totals = map.get(key);
  if (!totals) map.set(key, (totals = zero()));
  return totals;
}

function add(totals: UsageTotals, row: UsageRow): void {
  totals.costUsd += row.costUsd;
  totals.tokens += row.tokens;
  totals.turns += row.turns;
}
