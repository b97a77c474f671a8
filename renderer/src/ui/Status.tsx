/** State at a glance: a coloured dot with its state in words beside it (never colour alone), and count badges. */
export type Tone = 'good' | 'bad' | 'warn' | 'accent' | 'muted';

/** The tone of a component's, service's or run's state word. */
export function toneOf(state: string): Tone {
  if (state === 'running' || state === 'ok' || state === 'done' || state === 'set' || state === 'ready') return 'good';
  if (state === 'failed' || state === 'failing' || state === 'missing' || state === 'interrupted') return 'bad';
  if (state === 'starting' || state === 'restarting' || state === 'queued' || state === 'closing') return 'warn';
  return 'muted';
}

/** A dot and, unless `hideLabel`, its words; the words are the accessible text either way. */
export function StatusDot({ state, label, hideLabel = false, tone }: { state: string; label?: string; hideLabel?: boolean; tone?: Tone }): React.JSX.Element {
  const words = label ?? state;
  return (
    <span className={`status-dot tone-${tone ?? toneOf(state)}`} data-state={state}>
      <span className="dot" aria-hidden="true" />
      <span className={hideLabel ? 'sr-only' : 'status-text'}>{words}</span>
    </span>
  );
}

/** A count or a short word on a pill; `label` is what a screen reader says ("3 waiting"). */
export function Badge({ children, tone = 'muted', label }: { children: React.ReactNode; tone?: Tone; label?: string }): React.JSX.Element {
  return (
    <span className={`badge tone-${tone}`} {...(label ? { 'aria-label': label, role: 'img' } : {})}>
      {children}
    </span>
  );
}
