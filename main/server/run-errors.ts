/**
 * A failed run as an OpenAI error a user can act on: what went wrong, and what to do about it.
 */
import type { RunError } from '../../common/run-event';
import type { HelixConfig, Role } from '../providers/load-config';
import { ApiError } from './openai-errors';

/** What the CLI or provider said can be long (a whole HTML error page); the message stays short. */
const MAX_DETAIL = 1000;

export function describeRunError(runError: RunError, role: Role, config: HelixConfig): ApiError {
  // The detail sits mid-sentence: without its own final full stop.
  const said = runError.detail.replace(/[.\s]+$/, '');
  const error = { ...runError, detail: said.length > MAX_DETAIL ? `${said.slice(0, MAX_DETAIL)}…` : said };
  const provider = config.providers[role.provider];
  const who = `Provider "${role.provider}"${provider?.base_url ? ` (${provider.base_url})` : ''}`;
  const switchHint = `switch role "${role.name}" to another provider in ${config.file}`;
  const retries = config.settings.max_retries;
  switch (error.code) {
    case 'cli_not_found':
      return new ApiError(
        503,
        `Claude Code CLI not found (${error.detail}). Install it with "npm install -g @anthropic-ai/claude-code", or set HELIX_CLAUDE_BIN to the claude executable, then restart Helix.`,
        'server_error',
        error.code,
      );
    case 'cli_crashed':
      return new ApiError(
        502,
        `Claude Code exited unexpectedly (${error.detail}). Check that "claude --version" works for the user running Helix; the session log has the full output.`,
        'server_error',
        error.code,
      );
    case 'timeout':
      return new ApiError(
        504,
        `The run was stopped after the time limit of ${config.settings.run_timeout_seconds} s. For longer tasks raise settings.run_timeout_seconds in ${config.file}.`,
        'timeout_error',
        error.code,
      );
    case 'upstream_auth': {
      const keyHint = provider?.api_key_env ? `the key in the environment variable ${provider.api_key_env}` : 'its API key';
      return new ApiError(
        502,
        `${who} rejected the API key (HTTP ${error.httpStatus ?? 401}): ${error.detail}. Check ${keyHint}, or ${switchHint}.`,
        'upstream_error',
        error.code,
      );
    }
    case 'upstream_rate_limit':
      return new ApiError(
        429,
        `${who} is rate-limiting requests (HTTP 429) and ${retries} retries did not help: ${error.detail}. Wait a minute, or ${switchHint}.`,
        'rate_limit_error',
        error.code,
      );
    case 'model_not_found':
      return new ApiError(
        502,
        `${who} does not serve the model "${role.model}": ${error.detail}. Choose another model for role "${role.name}" in ${config.file}.`,
        'upstream_error',
        error.code,
      );
    case 'upstream_unavailable': {
      const status = error.httpStatus ? `HTTP ${error.httpStatus}` : 'no answer';
      return new ApiError(
        502,
        `${who} failed (${status}) after ${retries} retries: ${error.detail}. Check that the provider is up, or ${switchHint}.`,
        'upstream_error',
        error.code,
      );
    }
    case 'cancelled':
      return new ApiError(499, 'The run was cancelled.', 'cancelled', error.code);
    case 'provider_misconfigured':
      return new ApiError(503, error.detail, 'server_error', error.code);
    case 'storage_failed':
      return storageFailure(error.detail);
    case 'run_failed':
      return new ApiError(500, `Claude Code ended with an error: ${error.detail}`, 'server_error', error.code);
  }
}

/** The data dir refused a write (full, read-only): 507, with what to do. */
export function storageFailure(detail: string): ApiError {
  return new ApiError(
    507,
    `Helix could not write to its data dir: ${detail}. Free some space there (or make it writable), then send the message again; what was recorded before is kept.`,
    'server_error',
    'storage_failed',
  );
}
