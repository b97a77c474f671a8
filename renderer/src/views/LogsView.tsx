/**
 * The Logs screen: the request log (the API server's and the proxy's requests, live, with a
 * drill-down) and the diagnostic log (searched on the server, followed while shown), as two tabs.
 */
import { useRef, useState } from 'react';
import { DiagLogPanel } from './DiagLogPanel';
import { RequestLogPanel } from './RequestLogPanel';
import './logs.css';

const TABS = [
  { id: 'requests', label: 'Requests' },
  { id: 'diagnostic', label: 'Diagnostic log' },
] as const;
type TabId = (typeof TABS)[number]['id'];

interface Props {
  client: import('../control-client').ControlClient;
  /** Shows a session on the Sessions screen (a request's drill-down links to its chat). */
  onOpenSession?(sessionId: string): void;
  /** The tab shown first. */
  initialTab?: TabId;
}

export function LogsView({ client, onOpenSession, initialTab = 'requests' }: Props): React.JSX.Element {
  const [tab, setTab] = useState<TabId>(initialTab);
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);

  // WAI-ARIA tabs: arrow keys (and Home/End) move between the tabs and show the one reached.
  const onKeyDown = (event: React.KeyboardEvent, index: number): void => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = (moves[event.key]! + TABS.length) % TABS.length;
    setTab(TABS[next]!.id);
    tabs.current[next]?.focus();
  };

  return (
    <main className="logs">
      <h2 className="visually-hidden">Logs</h2>
      <div role="tablist" aria-label="Logs" className="logs-tabs">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(element) => {
              tabs.current[i] = element;
            }}
            role="tab"
            id={`logs-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`logs-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(event) => onKeyDown(event, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`logs-panel-${tab}`} aria-labelledby={`logs-tab-${tab}`} className="logs-panel">
        {tab === 'requests' ? <RequestLogPanel client={client} onOpenSession={onOpenSession} /> : <DiagLogPanel client={client} />}
      </section>
    </main>
  );
}
