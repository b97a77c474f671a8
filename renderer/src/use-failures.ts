/**
 * Commands started from a row's buttons, and the last failure of each row's, to show next to
 * them: a refused command is said where it was asked for, and cleared by the next attempt.
 */
import { useCallback, useState } from 'react';

export interface Failures {
  /** The last failure under this key ("Restart failed: …"), or null. */
  of(key: string): string | null;
  /** Runs an action; a failure is kept under the key, worded "<what> failed: <reason>". True when it succeeded. */
  run(key: string, what: string, action: () => Promise<unknown>): Promise<boolean>;
}

export function useFailures(): Failures {
  const [failures, setFailures] = useState<Record<string, string>>({});
  const run = useCallback(async (key: string, what: string, action: () => Promise<unknown>): Promise<boolean> => {
    setFailures(({ [key]: _cleared, ...rest }) => rest);
    try {
      await action();
      return true;
    } catch (error) {
      setFailures((previous) => ({ ...previous, [key]: `${what} failed: ${error instanceof Error ? error.message : String(error)}` }));
      return false;
    }
  }, []);
  return { of: (key) => failures[key] ?? null, run };
}
