/**
 * One turn as clients see it: its events so far (replayed to whoever subscribes, so a client's
 * retry can pick up a run that continued without it) and the ones still to come.
 */
import type { RunEvent, RunResult } from '../../common/run-event';
import type { TurnRecord } from '../../common/session';
import type { RunOutcome } from '../runner/claude-run';

export type TurnEvent =
  | RunEvent
  | { type: 'waiting' }
  | { type: 'queued'; position: number; queued: number }
  /**
   * The turn waits for an approval asked in the chat: the client's response ends here with the
   * question; the turn goes on without it, and the chat's next message answers and follows it.
   */
  | { type: 'handoff'; question: string }
  | { type: 'finished'; outcome: RunOutcome };

export type TurnListener = (event: TurnEvent) => void;

export class TurnHandle {
  /** A handle that serves a recorded answer no client received, without running anything. */
  static replaying(turn: TurnRecord): TurnHandle {
    const handle = new TurnHandle();
    const result: RunResult = {
      isError: false,
      subtype: 'success',
      text: turn.assistant,
      errors: [],
      sessionId: turn.claudeSessionId ?? '',
      usage: turn.usage ?? { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 },
      costUsd: turn.costUsd ?? 0,
      durationMs: 0,
      numTurns: 0,
      apiErrorStatus: null,
      apiFailed: false,
    };
    handle.emit({ type: 'text', text: turn.assistant });
    handle.emit({ type: 'finished', outcome: { ok: true, result } });
    return handle;
  }

  private readonly events: TurnEvent[] = [];
  private readonly listeners = new Set<TurnListener>();
  private readonly abort = new AbortController();
  private cancelRun: (() => void) | undefined;
  /** True once a client received the whole turn. */
  delivered = false;

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get finished(): boolean {
    return this.events.at(-1)?.type === 'finished';
  }

  /** True while no client is following the turn. */
  get detached(): boolean {
    return this.listeners.size === 0;
  }

  emit(event: TurnEvent): void {
    this.events.push(event);
    if (event.type === 'finished' && this.listeners.size > 0) this.delivered = true;
    for (const listener of [...this.listeners]) listener(event);
  }

  /** Replays what happened so far, then follows. Returns the unsubscribe function. */
  subscribe(listener: TurnListener): () => void {
    this.listeners.add(listener);
    for (const event of [...this.events]) listener(event);
    if (this.finished) this.delivered = true;
    return () => this.listeners.delete(listener);
  }

  /**
   * The rest of the turn as a handle of its own, from now on: what the chat message that
   * answered an approval follows. Cancelling it cancels the turn.
   */
  continuation(): TurnHandle {
    const next = new TurnHandle();
    const from = this.events.length;
    const forward: TurnListener = (event) => {
      next.emit(event);
      if (event.type === 'finished') this.delivered = next.delivered;
    };
    this.listeners.add(forward);
    for (const event of this.events.slice(from)) forward(event);
    next.onCancel(() => this.cancel());
    next.stopFollowing = () => this.listeners.delete(forward);
    return next;
  }

  private stopFollowing: (() => void) | undefined;

  /** A continuation no one will follow: it stops hearing the turn (the turn goes on). */
  cancelFollow(): void {
    this.stopFollowing?.();
  }

  /** Called once the run starts, so a cancel reaches it. */
  onCancel(cancel: () => void): void {
    this.cancelRun = cancel;
    if (this.abort.signal.aborted) cancel();
  }

  /** Stops the turn: leaves the queue if it waits, ends the run if it runs. */
  cancel(): void {
    this.abort.abort();
    this.cancelRun?.();
  }
}
