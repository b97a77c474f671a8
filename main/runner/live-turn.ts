/**
 * The bookkeeping of one turn of a warm Claude Code process while it is in progress: its message
 * uuid, the mapper of its events, why Helix stopped it, its timers and permission prompts, and
 * its settling, which happens once whatever ends it (result, interrupt, exit) and is logged.
 */
import { randomUUID } from 'node:crypto';
import type { RunError, RunEvent, RunResult } from '../../common/run-event';
import type { DiagLog } from '../platform/diag-log';
import type { ClaudeRun } from './claude-run';
import { CliEventMapper } from './event-mapper';
import { PermissionPrompts, type AskPermission } from './permission-prompts';
import type { LiveOutcome } from './turn-outcome';

export interface TurnInput {
  /** Builds the stdin line from the message's uuid. */
  line: (uuid: string) => string;
  timeoutMs: number;
  /** Answers the turn's permission prompts; none: each is refused at once. */
  onPermission?: AskPermission;
}

export interface LiveTurn extends ClaudeRun {
  readonly done: Promise<LiveOutcome>;
}

export interface OpenTurn {
  uuid: string;
  mapper: CliEventMapper;
  onEvent: (event: RunEvent) => void;
  result?: RunResult;
  aborted: boolean;
  stopReason?: RunError;
  consumerFailed: boolean;
  messageUuid?: string;
  interruptSent: boolean;
  /** Its line is on stdin (else it waits for the previous turn to end). */
  written: boolean;
  timers: NodeJS.Timeout[];
  /** Its permission prompts waiting for an answer (none: each is refused at once). */
  prompts?: PermissionPrompts;
  settle: (outcome: LiveOutcome) => void;
  settled: boolean;
}

/** What an open turn needs of its process. */
export interface TurnProcess {
  cwd: string;
  pid: () => number | undefined;
  log: DiagLog;
  /** Writes a line on the process's stdin. */
  write: (line: string) => void;
  /** The process is still there to answer a prompt. */
  alive: () => boolean;
}

/** Opens a turn; `done` resolves with its outcome once it is settled. */
export function openTurn(input: TurnInput, onEvent: (event: RunEvent) => void, process: TurnProcess): { turn: OpenTurn; done: Promise<LiveOutcome> } {
  let settle!: (outcome: LiveOutcome) => void;
  const startedAt = Date.now();
  const done = new Promise<LiveOutcome>((resolve) => (settle = resolve));
  const turn: OpenTurn = {
    uuid: randomUUID(),
    mapper: new CliEventMapper(process.cwd),
    onEvent,
    aborted: false,
    consumerFailed: false,
    interruptSent: false,
    written: false,
    timers: [],
    settled: false,
    settle: (outcome) => {
      if (turn.settled) return;
      turn.settled = true;
      for (const timer of turn.timers) clearTimeout(timer);
      turn.prompts?.withdrawAll();
      const fields = { pid: process.pid() ?? null, ms: Date.now() - startedAt, outcome: outcome.ok ? 'ok' : outcome.error.code };
      if (outcome.ok || outcome.error.code === 'cancelled') process.log.info(fields, 'turn ended');
      else process.log.warn({ ...fields, detail: outcome.error.detail }, 'turn failed');
      settle(outcome);
    },
  };
  if (input.onPermission) {
    turn.prompts = new PermissionPrompts(input.onPermission, {
      write: process.write,
      alive: process.alive,
      stopping: () => (turn.stopReason ??= { code: 'cancelled', detail: 'stopped at an approval prompt' }),
    });
  }
  return { turn, done };
}
