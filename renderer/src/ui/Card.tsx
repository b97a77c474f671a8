/** A surface with a heading; `action` goes to the heading's right (e.g. a link to the screen it sums up). */
import { useId, type ReactNode } from 'react';

export function Card({ title, action, children, className }: { title: ReactNode; action?: ReactNode; children: ReactNode; className?: string }): React.JSX.Element {
  const id = useId();
  return (
    <section className={`card${className ? ` ${className}` : ''}`} aria-labelledby={id}>
      <header className="card-head">
        <h2 id={id}>{title}</h2>
        {action}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}
