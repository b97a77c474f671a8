/**
 * A control for a value the live config holds, with Apply and Revert next to it once the user
 * changed it: what the file holds now if it changed meanwhile, why a write was refused, and a
 * confirmation first where one is asked for. Enter applies and Escape reverts, as in any form.
 */
import { useId, useRef, useState, type ChangeEvent, type KeyboardEvent, type RefObject } from 'react';
import { useDraft } from '../use-draft';
import { Button } from '../ui/Button';
import { ConfirmDialog, type Confirmation } from '../ui/Dialog';
import { InlineError } from './InlineError';

export interface ControlProps {
  value: string;
  'aria-label': string;
  /** Set, with the refusal as its description, while the last write of this value was refused. */
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
  ref: RefObject<HTMLInputElement & HTMLSelectElement>;
  onChange(e: ChangeEvent<HTMLInputElement | HTMLSelectElement>): void;
  onKeyDown(e: KeyboardEvent): void;
}

interface Props {
  live: string;
  /** The control's accessible name; the buttons are "Apply <label>" and "Revert <label>". */
  label: string;
  write(value: string): Promise<unknown>;
  /** Whether two values mean the same (e.g. "15" and "15.0"); stable across renders. */
  same?(a: string, b: string): boolean;
  /** A confirmation to ask for before writing this value, if any. */
  confirm?(value: string): Confirmation | null;
  onApplied?(value: string): void;
  children(control: ControlProps): React.JSX.Element;
}

export function EditableValue({ live, label, write, same, confirm, onApplied, children }: Props): React.JSX.Element {
  const draft = useDraft(live, write, same);
  const control = useRef<HTMLInputElement & HTMLSelectElement>(null!);
  const [asking, setAsking] = useState<Confirmation | null>(null);
  const errorId = useId();

  const commit = async (): Promise<void> => {
    const value = draft.value;
    if (await draft.apply()) {
      onApplied?.(value);
      control.current?.focus(); // the buttons that had focus are gone
    }
  };
  const apply = (): void => {
    if (draft.busy) return;
    const question = confirm?.(draft.value) ?? null;
    if (question) setAsking(question);
    else void commit();
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (!draft.dirty) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      apply();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      draft.revert();
    }
  };

  return (
    <>
      {children({
        value: draft.value,
        'aria-label': label,
        'aria-invalid': draft.error !== null,
        'aria-describedby': draft.error === null ? undefined : errorId,
        ref: control,
        onChange: (e) => draft.set(e.target.value),
        onKeyDown,
      })}
      {draft.dirty && (
        <span className="pending-actions">
          <Button size="sm" variant="primary" aria-label={`Apply ${label}`} busy={draft.busy} onClick={apply}>
            Apply
          </Button>
          <Button size="sm" aria-label={`Revert ${label}`} onClick={draft.revert} disabled={draft.busy}>
            Revert
          </Button>
        </span>
      )}
      {draft.changedUnderneath !== null && <span className="meta">The file now says {draft.changedUnderneath}.</span>}
      <InlineError id={errorId} message={draft.error} />
      {asking && (
        <ConfirmDialog
          {...asking}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            void commit();
          }}
        />
      )}
    </>
  );
}
