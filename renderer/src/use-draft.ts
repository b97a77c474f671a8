/**
 * A value the user is choosing for something the live config holds. The control shows the live
 * value until the user changes it, so a hand edit of the file shows at once; a change is only a
 * draft until applied, so moving a select with the arrow keys or tabbing through a field writes
 * nothing. Only the chosen value is ever written.
 */
import { useCallback, useState } from 'react';

export interface Draft {
  /** What the control shows: the user's choice, else the live value. */
  value: string;
  /** The user chose a value the config does not hold: Apply and Revert are offered. */
  dirty: boolean;
  /** The live value, when the config changed after the user started choosing (someone edited the file). */
  changedUnderneath: string | null;
  busy: boolean;
  /** Why the last write was refused (the choice is kept). */
  error: string | null;
  set(value: string): void;
  revert(): void;
  /** Writes the chosen value; true when written. The control follows the config again once it says so. */
  apply(): Promise<boolean>;
}

interface Choice {
  value: string;
  /** The live value when the user started choosing. */
  startedOn: string;
  /** Written: shown until the config catches up, then dropped. */
  applied: boolean;
}

const equal = (a: string, b: string): boolean => a === b;

export function useDraft(live: string, write: (value: string) => Promise<unknown>, same: (a: string, b: string) => boolean = equal): Draft {
  const [choice, setChoice] = useState<Choice | null>(null);
  const [seen, setSeen] = useState(live);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The config changed: a written choice has done its job, and one the file now holds is no longer a change.
  if (seen !== live) {
    setSeen(live);
    if (choice && (choice.applied || same(choice.value, live))) setChoice(null);
  }

  const dirty = choice !== null && !choice.applied && !same(choice.value, live);
  const set = useCallback(
    (value: string) => {
      setError(null);
      setChoice((previous) => (same(value, live) ? null : { value, startedOn: previous?.startedOn ?? live, applied: false }));
    },
    [live, same],
  );
  const revert = useCallback(() => {
    setError(null);
    setChoice(null);
  }, []);
  const apply = useCallback(async (): Promise<boolean> => {
    if (!dirty || busy || !choice) return false;
    const value = choice.value;
    setBusy(true);
    setError(null);
    try {
      await write(value);
      // Only what was written counts as applied: a value picked while the write was on its way stays a draft.
      setChoice((current) => (current && current.value === value ? { ...current, applied: true } : current));
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, [dirty, busy, choice, write]);

  return {
    value: choice?.value ?? live,
    dirty,
    changedUnderneath: dirty && choice?.startedOn !== live ? live : null,
    busy,
    error,
    set,
    revert,
    apply,
  };
}
