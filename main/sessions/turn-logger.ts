/**
 * Writes a turn's story to its session log as it happens: the turn record at each change, the
 * prompt, and every run event — text and thinking deltas joined into one record per stretch,
 * so a long answer is a few lines rather than thousands.
 */
import type { RunEvent } from '../../common/run-event';
import type { TurnRecord } from '../../common/session';
import type { EventLog } from './event-log';

/** Joined text is written out at least this often, so a crash loses little of it. */
const MAX_PENDING = 2000;

export class TurnLogger {
  private pending: { kind: 'text' | 'thinking'; text: string } | undefined;

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

  event(event: RunEvent): void {
    if (event.type === 'text' || event.type === 'thinking') {
      if (this.pending?.kind !== event.type) this.flush();
      this.pending ??= { kind: event.type, text: '' };
      this.pending.text += event.text;
      if (this.pending.text.length >= MAX_PENDING) this.flush();
      return;
    }
    this.flush();
    this.log.append({ type: 'event', turnId: this.turnId, event });
  }

  flush(): void {
    if (!this.pending) return;
    this.log.append({ type: 'event', turnId: this.turnId, event: { type: this.pending.kind, text: this.pending.text } });
    this.pending = undefined;
  }
}
