/**
 * Writes a turn's story to its session log as it happens: the turn record at each change, the
 * prompt, and every run event — text and thinking deltas joined into one record per stretch,
 * so a long answer is a few lines rather than thousands.
 *
 * Each run event gets its place in the turn (1, 2, …), written with its record (a joined stretch
 * carries the place of its last delta). The panel opens a session on the log plus the stretch not
 * written yet, then follows live events numbered the same way: it skips what it already holds and
 * notices what it missed.
 */
import type { LogEntry } from '../../common/control';
import type { RunEvent } from '../../common/run-event';
import type { TurnRecord } from '../../common/session';
import type { EventLog } from './event-log';

/** Joined text is written out at least this often, so a crash loses little of it. */
const MAX_PENDING = 2000;

export class TurnLogger {
  private pending: { kind: 'text' | 'thinking'; text: string; seq: number } | undefined;
  /** The place of the latest event taken. */
  private seq = 0;

  constructor(
    private readonly log: EventLog,
    private readonly turnId: string,
  ) {}

  turn(turn: TurnRecord): void {
    this.flush();
    this.log.append({ type: 'turn', turn });
  }

  /** `images`: the attached images' files, relative to the session's folder. */
  prompt(text: string, images: string[], resumed: string | undefined): void {
    this.log.append({ type: 'prompt', turnId: this.turnId, text, images, resumed: resumed ?? null });
  }

  /** Takes one run event and returns its place in the turn. */
  event(event: RunEvent): number {
    if (event.type === 'text' || event.type === 'thinking') {
      if (this.pending?.kind !== event.type) this.flush();
      this.pending ??= { kind: event.type, text: '', seq: 0 };
      this.pending.text += event.text;
      const seq = (this.pending.seq = ++this.seq);
      if (this.pending.text.length >= MAX_PENDING) this.flush();
      return seq;
    }
    this.flush();
    // Numbered once written: an event the log refused is not heard either, so it leaves no gap.
    this.log.append({ type: 'event', turnId: this.turnId, seq: this.seq + 1, event });
    return ++this.seq;
  }

  /** The stretch of text held back, as the record it will be written as; undefined if none. */
  unwritten(): LogEntry | undefined {
    if (!this.pending) return undefined;
    const { kind, text, seq } = this.pending;
    return { type: 'event', at: new Date().toISOString(), turnId: this.turnId, seq, event: { type: kind, text } };
  }

  flush(): void {
    if (!this.pending) return;
    const { kind, text, seq } = this.pending;
    this.log.append({ type: 'event', turnId: this.turnId, seq, event: { type: kind, text } });
    this.pending = undefined;
  }
}
