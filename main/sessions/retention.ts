/**
 * Sessions deleted on their own (settings.retention): those whose last activity is older than
 * `max_age_days`, then the oldest until the sessions and their Claude Code transcripts take at
 * most `max_total_mb`. A pass runs at start, then hourly, and after a turn ends while a size limit
 * is set; one pass at a time. A session with a turn in flight or a warm process is never touched
 * (the caller's `busy` says so), and deleting goes through the caller's `remove`: the panel's Delete.
 * Every deletion is logged with its bytes, and each pass with its counts.
 */
import type { SessionSummary } from '../../common/control';

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;
/** Passes run this often, and a turn's end asks for one at most this often. */
export const RETENTION_EVERY_MS = 3_600_000;
const AFTER_TURN_MS = 60_000;

export interface RetentionPolicy {
  maxAgeDays: number;
  maxTotalMb: number;
}

export interface RetentionLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RetentionDeps {
  /** Sessions from the oldest changed on. */
  oldest(): Iterable<SessionSummary>;
  policy(): RetentionPolicy;
  /** A turn in flight or a warm process: not to be touched. */
  busy(sessionId: string): boolean;
  /** Deletes the session as the panel's Delete does; false if it was not (gone, or busy meanwhile). */
  remove(sessionId: string): Promise<boolean>;
  /** A session's bytes: its folder and its Claude Code transcripts. */
  sizeOf(sessionId: string): Promise<number>;
  /** All sessions' bytes, with their transcripts. */
  totalBytes(): Promise<number>;
  log: RetentionLog;
  now?: () => number;
}

export interface RetentionPass {
  byAge: number;
  bySize: number;
  bytesFreed: number;
  /** Sessions left alone as busy. */
  skipped: number;
}

export class Retention {
  private running: Promise<RetentionPass> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private afterTurn: NodeJS.Timeout | undefined;
  private lastAfterTurn = 0;

  constructor(private readonly deps: RetentionDeps) {}

  /** A pass now (or the one under way). */
  apply(): Promise<RetentionPass> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** A pass soon after the start, then every `everyMs`. */
  start(everyMs = RETENTION_EVERY_MS, firstAfterMs = 5_000): void {
    this.stop();
    this.timer = setTimeout(() => {
      void this.apply();
      this.timer = setInterval(() => void this.apply(), everyMs).unref();
    }, firstAfterMs).unref();
  }

  /** A turn ended: with a size limit set, a pass within the minute (the turn may have grown the data past it). */
  turnEnded(): void {
    if (this.deps.policy().maxTotalMb <= 0 || this.afterTurn) return;
    const wait = Math.max(0, this.lastAfterTurn + AFTER_TURN_MS - this.now());
    this.afterTurn = setTimeout(() => {
      this.afterTurn = undefined;
      this.lastAfterTurn = this.now();
      void this.apply();
    }, wait).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    clearTimeout(this.afterTurn);
    this.timer = undefined;
    this.afterTurn = undefined;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private async pass(): Promise<RetentionPass> {
    const { maxAgeDays, maxTotalMb } = this.deps.policy();
    const outcome: RetentionPass = { byAge: 0, bySize: 0, bytesFreed: 0, skipped: 0 };
    if (maxAgeDays <= 0 && maxTotalMb <= 0) return outcome;
    try {
      if (maxAgeDays > 0) {
        const cutoff = new Date(this.now() - maxAgeDays * DAY_MS).toISOString();
        for (const session of [...this.deps.oldest()]) {
          if (session.updatedAt >= cutoff) continue;
          const bytes = await this.delete(session, 'max_age_days', outcome);
          if (bytes !== undefined) outcome.byAge += 1;
        }
      }
      if (maxTotalMb > 0) {
        const limit = maxTotalMb * MB;
        let total = await this.deps.totalBytes();
        for (const session of [...this.deps.oldest()]) {
          if (total <= limit) break;
          const bytes = await this.delete(session, 'max_total_mb', outcome);
          if (bytes === undefined) continue;
          outcome.bySize += 1;
          total -= bytes;
        }
        if (total > limit) this.deps.log.warn({ totalBytes: total, limitBytes: limit, busy: outcome.skipped }, 'retention: the sessions still take more than max_total_mb (the rest are busy or the newest)');
      }
    } catch (error) {
      this.deps.log.warn({ error: (error as Error).message }, 'retention pass failed; the next one tries again');
    }
    if (outcome.byAge + outcome.bySize > 0) this.deps.log.info({ ...outcome, deleted: outcome.byAge + outcome.bySize }, 'retention: sessions deleted');
    return outcome;
  }

  /** Deletes one session unless it is busy; its bytes if it was deleted. */
  private async delete(session: SessionSummary, reason: string, outcome: RetentionPass): Promise<number | undefined> {
    if (this.deps.busy(session.id)) {
      outcome.skipped += 1;
      return undefined;
    }
    const bytes = await this.deps.sizeOf(session.id);
    // Asked again: a turn may have started while its size was measured.
    if (this.deps.busy(session.id) || !(await this.deps.remove(session.id).catch(() => false))) {
      outcome.skipped += 1;
      return undefined;
    }
    outcome.bytesFreed += bytes;
    this.deps.log.info({ sessionId: session.id, reason, bytes, updatedAt: session.updatedAt }, 'retention: session deleted');
    return bytes;
  }
}
