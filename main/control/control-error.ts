/**
 * Refusals: what a command answers when the caller can act on why it failed (a missing session, an
 * invalid edit), as opposed to an internal error.
 */
import { ConfigError } from '../providers/load-config';

/** A refusal the caller can act on, carried as `{ ok: false, error: { code, message } }`. */
export class ControlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** An action whose failure is a refusal with this code rather than an internal error. */
export async function refusing<T>(code: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ControlError(code, (error as Error).message);
  }
}

/** The same, for an action that does not wait: a ConfigError (or a refusal) becomes a refusal with this code. */
export function refusingNow<T>(code: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ControlError || !(error instanceof ConfigError)) throw error;
    throw new ControlError(code, error.message);
  }
}
