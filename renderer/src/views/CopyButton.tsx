/** Copies a text (an answer's Markdown) and says so next to the button for a moment. */
import { useEffect, useState } from 'react';
import { copyText } from '../clipboard';

const SHOWN_MS = 2000;

export function CopyButton({ text, label }: { text: string; label: string }): React.JSX.Element {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy">
      <button type="button" className="copy-button" aria-label={label} onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}>
        Copy
      </button>
      <span className={`copy-status ${state}`} role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}
