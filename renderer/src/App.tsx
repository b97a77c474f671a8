/** The control panel: sessions and their live log, providers per role, and the servers. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { LOW_DISK_BYTES, type ControlSnapshot, type StorageState } from '../../common/control';
import type { ControlClient } from './control-client';
import { formatBytes } from './format';
import { hideSetup, SetupBanner, setupHidden, setupIncomplete } from './views/SetupBanner';

// Each screen is its own chunk, loaded when first shown (Markdown rendering comes with Sessions only).
const SessionsView = lazy(() => import('./views/SessionsView').then((m) => ({ default: m.SessionsView })));
const ProvidersView = lazy(() => import('./views/ProvidersView').then((m) => ({ default: m.ProvidersView })));
const ServerView = lazy(() => import('./views/ServerView').then((m) => ({ default: m.ServerView })));
const SettingsView = lazy(() => import('./views/SettingsView').then((m) => ({ default: m.SettingsView })));
const ApprovalsView = lazy(() => import('./views/ApprovalCard').then((m) => ({ default: m.ApprovalsView })));
const UsageView = lazy(() => import('./views/UsageView').then((m) => ({ default: m.UsageView })));
const LogsView = lazy(() => import('./views/LogsView').then((m) => ({ default: m.LogsView })));
const SetupGuide = lazy(() => import('./views/SetupGuide').then((m) => ({ default: m.SetupGuide })));

const TABS = ['Sessions', 'Approvals', 'Providers', 'Usage', 'Server', 'Logs', 'Settings', 'Set-up'] as const;
type Tab = (typeof TABS)[number];

export function App({ client }: { client: ControlClient }): React.JSX.Element {
  const [tab, setTab] = useState<Tab>('Sessions');
  const [snapshot, setSnapshot] = useState<ControlSnapshot | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // The session a link elsewhere (a request's details, the test chat) asked Sessions to show.
  const [openSession, setOpenSession] = useState<string | undefined>(undefined);
  const [setupBanner, setSetupBanner] = useState(() => !setupHidden());
  const showSession = (sessionId: string): void => {
    setOpenSession(sessionId);
    setTab('Sessions');
  };
  const dismissSetup = (): void => {
    hideSetup();
    setSetupBanner(false);
  };

  const refresh = useCallback(() => {
    client.invoke('state:get').then(
      (state) => {
        // Set-up incomplete at the first look: the panel opens on the guide, unless it was hidden.
        setSnapshot((previous) => {
          if (!previous && setupIncomplete(state) && !setupHidden()) setTab('Set-up');
          return state;
        });
        setFailure(null);
      },
      (error: Error) => setFailure(error.message),
    );
  }, [client]);

  // Only a change of the state itself (config, servers, services) asks for it again: sessions,
  // requests and services' output are kept by the views that show them.
  useEffect(() => {
    refresh();
    // The free space of the disk changes with no event: looked at again now and then.
    const every = setInterval(refresh, 60_000);
    const unsubscribe = client.subscribe((event) => {
      if (event.type === 'show') setTab('Approvals');
      else if (event.type === 'state-changed' || event.type === 'approval-added' || event.type === 'approval-answered') refresh();
    });
    return () => {
      clearInterval(every);
      unsubscribe();
    };
  }, [client, refresh]);

  return (
    <div className="app">
      <header>
        <h1>Helix Desktop</h1>
        <nav role="tablist">
          {TABS.map((name) => (
            <button key={name} role="tab" aria-selected={tab === name} onClick={() => setTab(name)}>
              {name}
              {name === 'Approvals' && (snapshot?.approvals.length ?? 0) > 0 && (
                <span className="badge" aria-label={`${snapshot?.approvals.length} waiting`}>{snapshot?.approvals.length}</span>
              )}
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
      {snapshot && <LowDisk storage={snapshot.storage} />}
      {!snapshot && !failure && <p className="empty">Loading…</p>}
      {snapshot && setupBanner && tab !== 'Set-up' && <SetupBanner snapshot={snapshot} onOpen={() => setTab('Set-up')} onDismiss={dismissSetup} />}
      <Suspense fallback={<p className="empty">Loading…</p>}>
        {snapshot && tab === 'Sessions' && <SessionsView key={openSession} client={client} initialSession={openSession} />}
        {snapshot && tab === 'Approvals' && <ApprovalsView client={client} approvals={snapshot.approvals} />}
        {snapshot && tab === 'Providers' && <ProvidersView client={client} config={snapshot.config} onChanged={refresh} />}
        {snapshot && tab === 'Usage' && <UsageView client={client} />}
        {snapshot && tab === 'Server' && <ServerView client={client} snapshot={snapshot} onChanged={refresh} onShowLogs={() => setTab('Logs')} />}
        {snapshot && tab === 'Logs' && <LogsView client={client} onOpenSession={showSession} />}
        {snapshot && tab === 'Set-up' && <SetupGuide client={client} snapshot={snapshot} onChanged={refresh} onDismiss={() => (dismissSetup(), setTab('Sessions'))} onOpenSession={showSession} />}
        {snapshot && tab === 'Settings' && <SettingsView client={client} config={snapshot.config} apiUrl={snapshot.connection.baseUrl} onChanged={refresh} />}
      </Suspense>
    </div>
  );
}

/** A disk about to fill up, said before runs start failing on it. */
function LowDisk({ storage }: { storage: StorageState }): React.JSX.Element | null {
  if (storage.freeBytes === null || storage.freeBytes >= LOW_DISK_BYTES) return null;
  return (
    <div className="banner error" role="alert">
      Only {formatBytes(storage.freeBytes)} left on the disk of the data dir ({storage.dataDir}): runs stop when it is full. Free some space there.
    </div>
  );
}
