/**
 * The open session's title, renamed in place: "Rename" turns it into a field, Enter saves (the
 * service trims and checks it, and a refusal is shown under the field, which stays open), Escape
 * cancels; focus comes back to the Rename button either way.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { checkTitle, MAX_TITLE } from '../../../common/session';
import { InlineError } from './InlineError';

interface Props {
  title: string;
  rename(title: string): Promise<unknown>;
}

export function SessionTitle({ title, rename }: Props): React.JSX.Element {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const errorId = useId();

  useEffect(() => {
    if (editing) {
      field.current?.focus();
      field.current?.select();
    } else if (returnFocus.current) {
      returnFocus.current = false;
      button.current?.focus();
    }
  }, [editing]);

  const start = (): void => {
    setValue(title);
    setError(null);
    setEditing(true);
  };
  const stop = (): void => {
    returnFocus.current = true;
    setEditing(false);
    setError(null);
  };
  const save = async (): Promise<void> => {
    if (busy) return;
    // Said at once when it is plainly wrong; the service checks again and has the last word.
    const checked = checkTitle(value);
    if ('problem' in checked) {
      setError(checked.problem);
      return;
    }
    if (checked.title === title) return stop();
    setBusy(true);
    try {
      await rename(checked.title);
      stop();
    } catch (e) {
      setError((e as Error).message);
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  if (!editing) {
    return (
      <div className="session-title">
        <h2 title={title}>{title}</h2>
        <button ref={button} type="button" onClick={start} aria-label={`Rename session "${title}"`}>
          Rename
        </button>
      </div>
    );
  }
  return (
    <div className="session-title editing">
      <input
        ref={field}
        value={value}
        maxLength={MAX_TITLE + 50}
        aria-label="Session title"
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        readOnly={busy}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            stop();
          }
        }}
      />
      <button type="button" onClick={() => void save()} disabled={busy}>
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" onClick={stop} disabled={busy}>
        Cancel
      </button>
      <InlineError id={errorId} message={error} />
    </div>
  );
}
