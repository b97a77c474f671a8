/** "Undo" for the app's latest change of the config file, while the file still holds it. */
import { useState } from 'react';
import type { ControlClient } from '../control-client';
import { InlineError } from './InlineError';

interface Props {
  client: ControlClient;
  /** What the latest edit did (ConfigView.undo), or null when there is nothing to undo. */
  undo: string | null;
  onUndone(message: string): void;
}

export function UndoButton({ client, undo, onUndone }: Props): React.JSX.Element | null {
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!undo && !failure) return null;
  return (
    <span className="undo">
      {undo && (
        <button
          type="button"
          aria-label={`Undo: ${undo}`}
          aria-disabled={busy}
          onClick={() => {
            if (busy) return;
            setBusy(true);
            setFailure(null);
            client
              .invoke('config:undo')
              .then(
                ({ undone }) => onUndone(`Undone: ${undone}. The file is as it was before.`),
                (e: Error) => setFailure(`Not undone: ${e.message}`),
              )
              .finally(() => setBusy(false));
          }}
        >
          Undo
        </button>
      )}
      <InlineError message={failure} />
    </span>
  );
}
