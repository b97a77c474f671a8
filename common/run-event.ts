/**
 * What happens during one Claude Code run, in the app's own words.
 * The runner turns the CLI's stream-json lines into these; the OpenAI stream, the session log
 * and the UI all consume them. Pure data: no Node, Electron or DOM types.
 */
import type { ApprovalView } from './approval';

export interface RunUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  thinkingTokens: number;
}

/** Every token a run was billed for: input, cache reads and writes, output. */
export function totalTokens(u: RunUsage): number {
  return u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens + u.outputTokens;
}

export type RunEvent =
  /** `apiKeySource`: where Claude Code took its credentials from ("none": its own login), when it says. */
  | { type: 'started'; sessionId: string; model: string; cwd: string; apiKeySource?: string }
  /** Answer text, in order; a separator is already included where a new block begins. */
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /** Text already relayed from these blocks was discarded by the CLI (stalled stream, retried). */
  | { type: 'text_discarded' }
  /** `parentId`: the Task (sub-agent) call this call was made in; absent for the main agent's own calls. */
  | { type: 'tool_use'; id: string; name: string; title: string; input: unknown; parentId?: string }
  | { type: 'tool_result'; id: string; name: string; title: string; outcome: string; isError: boolean; /** The start of what the tool returned. */ output?: string; parentId?: string }
  | { type: 'retry'; attempt: number; maxRetries: number; delayMs: number; httpStatus: number | null; error: string }
  | { type: 'result'; result: RunResult }
  /** A permission prompt: asked (pending), then answered, timed out or withdrawn — each change in full. */
  | { type: 'approval'; approval: ApprovalView };

export interface RunResult {
  isError: boolean;
  /** The CLI's `subtype`: success, error_max_turns, error_during_execution, … */
  subtype: string;
  /** Final text of the last assistant message, or the error text when isError. */
  text: string;
  errors: string[];
  sessionId: string;
  usage: RunUsage;
  costUsd: number;
  durationMs: number;
  numTurns: number;
  /** HTTP status of the failed upstream call, when the run ended on an API error. */
  apiErrorStatus: number | null;
  /** True when the run ended because a call to the provider failed (after the CLI's retries). */
  apiFailed: boolean;
}

/** Why a run did not produce a successful result. */
export type RunErrorCode =
  | 'cli_not_found'
  | 'cli_crashed'
  | 'timeout'
  | 'cancelled'
  | 'upstream_auth'
  | 'upstream_rate_limit'
  | 'upstream_unavailable'
  | 'model_not_found'
  | 'provider_misconfigured'
  /** Helix could not write to its data dir (disk full, read-only). */
  | 'storage_failed'
  | 'run_failed';

export interface RunError {
  code: RunErrorCode;
  /** What the CLI or the OS said, for the message shown to the user. */
  detail: string;
  httpStatus?: number | null;
}
