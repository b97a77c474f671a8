/** The control panel: sessions and their live log, providers per role, and the servers. */
import { useCallback, useEffect, useState } from 'react';
import type { ControlSnapshot } from '../../common/control';
import type { ControlClient } from './control-client';
import { ProvidersView } from './views/ProvidersView';
import { ServerView } from './views/ServerView';
import { SessionsView } from './views/SessionsView';
import { SettingsView } from './views/SettingsView';

const TABS = ['Sessions', 'Providers', 'Server', 'Settings'] as const;
type Tab = (typeof TABS)[number];

export function App({ client }: { client: ControlClient }): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('Sessions');
  const [snapshot, setSnapshot] = useState<ControlSnapshot | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const refresh = useCallback(() => {
    client.invoke('state:get').then(
      (state) => {
        setSnapshot(state);
        setFailure(null);
      },
      (error: Error) => setFailure(error.message),
    );
  }, [client]);

  useEffect(() => {
    refresh();
    return client.subscribe((event) => {
      if (event.type !== 'run-event') refresh();
    });
  }, [client, refresh]);

  return (
    <div className="app">
      <header>
        <h1>Helix Desktop</h1>
        <nav role="tablist">
          {TABS.map((name) => (
            <button key={name} role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>
              {name}
            </button>
          ))}
        </nav>
        <span className="version">{snapshot ? `v${snapshot.version}` : ''}</span>
      </header>
      {failure && <div className="banner error">Cannot reach Helix: {failure}</div>}
      {snapshot?.config.error && (
        <div className="banner error" role="alert">
          The config file has an error and the last good config keeps serving: {snapshot.config.error.message}
        </div>
      )}
      {!snapshot && !failure && <p className="empty">Loading…</p>}
      {snapshot && tab === 'Sessions' && <SessionsView client={client} sessions={snapshot.sessions} />}
      {snapshot && tab === 'Providers' && <ProvidersView client={client} config={snapshot.config} onChanged={refresh} />}
      {snapshot && tab === 'Server' && <ServerView client={client} snapshot={snapshot} onChanged={refresh} />}
      {snapshot && tab === 'Settings' && <SettingsView client={client} config={snapshot.config} apiUrl={snapshot.connection.baseUrl} onChanged={refresh} />}
    </div>
  );
}
