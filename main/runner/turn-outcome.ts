/**
 * How a turn of a warm process ended, classified: from its `result` (and whether Helix stopped
 * it meanwhile), or from the process's exit when no result came.
 */
import type { RunError, RunResult } from '../../common/run-event';
import { classifyResult, type RunOutcome } from './claude-run';

/** A turn's outcome, and the uuid of its last assistant message: where a later branch can fork. */
export type LiveOutcome = RunOutcome & { messageUuid?: string };

export interface ProcessExit {
  signal?: string;
  exitCode?: number;
  cause?: unknown;
}

interface TurnState {
  stopReason?: RunError;
  /** The result's terminal_reason was aborted_* (an interrupt): a `success` with no answer. */
  aborted: boolean;
  messageUuid?: string;
  result?: RunResult;
}

export function resultOutcome(turn: TurnState, result: RunResult): LiveOutcome {
  // A complete answer stands even if a cancel or timeout came too late to stop it; not one refused upstream or not recorded.
  const stands = !turn.stopReason || turn.stopReason.code === 'timeout' || turn.stopReason.code === 'cancelled';
  if (!result.isError && !turn.aborted && stands) return { ok: true, result, messageUuid: turn.messageUuid };
  if (turn.stopReason) return { ok: false, error: turn.stopReason, result };
  if (turn.aborted) return { ok: false, error: { code: 'cancelled', detail: 'the run was interrupted' }, result };
  return { ok: false, error: classifyResult(result), result };
}

/** The outcome of a turn Helix stopped before it produced a result (interrupted while queued, never written). */
export function stoppedOutcome(turn: TurnState): LiveOutcome {
  return { ok: false, error: turn.stopReason ?? { code: 'cancelled', detail: 'the run was cancelled' }, result: turn.result };
}

/** The outcome of a turn whose process ended before its result. */
export function exitOutcome(turn: TurnState, ended: { bin: string; exit?: ProcessExit; stderrTail: string; endReason?: string }): LiveOutcome {
  if (turn.stopReason) return { ok: false, error: turn.stopReason, result: turn.result };
  if (turn.result) return resultOutcome(turn, turn.result);
  const { exit } = ended;
  const cause = exit?.cause as NodeJS.ErrnoException | undefined;
  if (cause?.code === 'ENOENT' || cause?.code === 'EACCES') {
    return { ok: false, error: { code: 'cli_not_found', detail: `${ended.bin}: ${cause.message}` } };
  }
  const how = exit?.signal ? `signal ${exit.signal}` : exit?.exitCode !== undefined ? `exit code ${exit.exitCode}` : (ended.endReason ?? 'the process ended');
  const said = ended.stderrTail.trim().split('\n').slice(-3).join(' ').trim();
  return { ok: false, error: { code: 'cli_crashed', detail: said ? `${how}: ${said}` : how } };
}
