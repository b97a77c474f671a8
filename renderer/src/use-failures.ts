/**
 * Commands started from a row's buttons: each outcome is a toast (a success if it says one, every
 * failure), and the last failure of each row is also kept to show next to the row's buttons — a
 * refused command is said where it was asked for, and cleared by the next attempt.
 */
import { useCallback, useState } from 'react';
import { useToast } from './ui/Toast';

export interface Failures {
  /** The last failure under this key ("Restart failed: …"), or null. */
  of(key: string): string | null;
  /**
   * Runs an action; a failure is kept under the key, worded "<what> failed: <reason>", and shown
   * as an error toast; `success` (if given) is the success toast's text. True when it succeeded.
   */
  run<T>(key: string, what: string, action: () => Promise<T>, success?: string | ((result: T) => string | null)): Promise<boolean>;
}

export function useFailures(): Failures {
  const [failures, setFailures] = useState<Record<string, string>>({});
  const toast = useToast();
  const run = useCallback(
    async <T,>(key: string, what: string, action: () => Promise<T>, success?: string | ((result: T) => string | null)): Promise<boolean> => {
      setFailures(({ [key]: _cleared, ...rest }) => rest);
      try {
        const result = await action();
        const said = typeof success === 'function' ? success(result) : success;
        if (said) toast.success(said);
        return true;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        setFailures((previous) => ({ ...previous, [key]: `${what} failed: ${reason}` }));
        toast.error(`${what} failed`, reason);
        return false;
      }
    },
    [toast],
  );
  return { of: (key) => failures[key] ?? null, run };
}
