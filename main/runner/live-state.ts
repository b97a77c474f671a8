/**
 * The life of a warm Claude Code process, as an explicit state machine: every change goes
 * through `to()`, which refuses a transition the table does not allow and tells the listeners
 * (the panel, the logs, the tests) what changed and why.
 *
 *   starting ─▶ running ─▶ ready ─▶ running ─▶ ready …
 *       │          │         │
 *       └──────────┴─────────┴──▶ closing ─▶ closed      (asked to stop: stdin EOF, or killed)
 *       └──────────┴─────────┴──▶ crashed                (exited unasked)
 */

export type LiveState = 'starting' | 'ready' | 'running' | 'closing' | 'closed' | 'crashed';

export interface LiveStateChange {
  from: LiveState;
  to: LiveState;
  /** Why, in a few words: "turn started", "idle", "stdin closed", "exit code 1", … */
  reason: string;
  at: number;
}

const ALLOWED: Record<LiveState, readonly LiveState[]> = {
  starting: ['running', 'ready', 'closing', 'crashed'],
  running: ['ready', 'closing', 'crashed'],
  ready: ['running', 'closing', 'crashed'],
  closing: ['closed'],
  closed: [],
  crashed: [],
};

export class IllegalTransition extends Error {
  constructor(from: LiveState, to: LiveState) {
    super(`a live session cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransition';
  }
}

export class LiveStateMachine {
  private current: LiveState = 'starting';
  private readonly listeners = new Set<(change: LiveStateChange) => void>();

  get state(): LiveState {
    return this.current;
  }

  /** True once the process is gone (or going): it takes no more turns. */
  get ended(): boolean {
    return this.current === 'closing' || this.current === 'closed' || this.current === 'crashed';
  }

  can(to: LiveState): boolean {
    return ALLOWED[this.current].includes(to);
  }

  to(to: LiveState, reason: string): void {
    if (!this.can(to)) throw new IllegalTransition(this.current, to);
    const change: LiveStateChange = { from: this.current, to, reason, at: Date.now() };
    this.current = to;
    for (const listener of [...this.listeners]) listener(change);
  }

  onChange(listener: (change: LiveStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
