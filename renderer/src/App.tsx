/** The control panel: a sidebar of screens with live status, and the screen shown beside it. */
import { Boxes, ChartColumn, LayoutDashboard, MessagesSquare, Rocket, ScrollText, Server, Settings, ShieldQuestion } from 'lucide-react';
import { lazy, memo, Suspense, useCallback, useEffect, useState } from 'react';
import { LOW_DISK_BYTES, type ControlSnapshot, type StorageState } from '../../common/control';
import type { ControlClient } from './control-client';
import { formatBytes } from './format';
import { hideSetup, SetupBanner, setupHidden, setupIncomplete } from './views/SetupBanner';
import { Sidebar, type ScreenEntry } from './Sidebar';
import { ThemeToggle } from './ui/ThemeToggle';
import { ToastProvider } from './ui/Toast';
import { usePanelStatus } from './use-panel-status';

/**
 * A screen is its own chunk, loaded when first shown (Markdown rendering comes with Sessions only),
 * and memoised: the sidebar's live status (runs, tools, cost) re-renders the shell, not the screen.
 */
function lazyScreen<P extends object>(load: () => Promise<React.ComponentType<P>>): React.ComponentType<P> {
  return lazy(() => load().then((screen) => ({ default: memo(screen) as unknown as React.ComponentType<P> })));
}
const OverviewView = lazyScreen(() => import('./views/OverviewView').then((m) => m.OverviewView));
const SessionsView = lazyScreen(() => import('./views/SessionsView').then((m) => m.SessionsView));
const ProvidersView = lazyScreen(() => import('./views/ProvidersView').then((m) => m.ProvidersView));
const ServerView = lazyScreen(() => import('./views/ServerView').then((m) => m.ServerView));
const SettingsView = lazyScreen(() => import('./views/SettingsView').then((m) => m.SettingsView));
const ApprovalsView = lazyScreen(() => import('./views/ApprovalCard').then((m) => m.ApprovalsView));
const UsageView = lazyScreen(() => import('./views/UsageView').then((m) => m.UsageView));
const LogsView = lazyScreen(() => import('./views/LogsView').then((m) => m.LogsView));
const SetupGuide = lazyScreen(() => import('./views/SetupGuide').then((m) => m.SetupGuide));

const ICON = { size: 18, strokeWidth: 1.8 } as const;
/** The screens in the sidebar's order; the first is the start screen. */
const SCREENS = [
  { name: 'Overview', icon: <LayoutDashboard {...ICON} /> },
  { name: 'Sessions', icon: <MessagesSquare {...ICON} /> },
  { name: 'Approvals', icon: <ShieldQuestion {...ICON} /> },
  { name: 'Providers', icon: <Boxes {...ICON} /> },
  { name: 'Usage', icon: <ChartColumn {...ICON} /> },
  { name: 'Server', icon: <Server {...ICON} /> },
  { name: 'Logs', icon: <ScrollText {...ICON} /> },
  { name: 'Settings', icon: <Settings {...ICON} /> },
  { name: 'Set-up', icon: <Rocket {...ICON} /> },
] as const satisfies ReadonlyArray<ScreenEntry<string>>;
export type ScreenName = (typeof SCREENS)[number]['name'];

export function App({ client }: { client: ControlClient }): React.JSX.Element {
  return (
    <ToastProvider>
      <Panel client={client} />
    </ToastProvider>
  );
}

function Panel({ client }: { client: ControlClient }): React.JSX.Element {
  const [screen, setScreen] = useState<ScreenName>('Overview');
  const [snapshot, setSnapshot] = useState<ControlSnapshot | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const status = usePanelStatus(client);
  useEffect(() => {
    document.title = `${screen} — Helix Desktop`;
  }, [screen]);
  // The session a link elsewhere (a request's details, the test chat) asked Sessions to show.
  const [openSession, setOpenSession] = useState<string | undefined>(undefined);
  const [setupBanner, setSetupBanner] = useState(() => !setupHidden());
  const showSession = (sessionId: string): void => {
    setOpenSession(sessionId);
    setScreen('Sessions');
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
          if (!previous && setupIncomplete(state) && !setupHidden()) setScreen('Set-up');
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
      if (event.type === 'show') setScreen('Approvals');
      else if (event.type === 'state-changed' || event.type === 'approval-added' || event.type === 'approval-answered' || event.type === 'reconnected') refresh();
    });
    return () => {
      clearInterval(every);
      unsubscribe();
    };
  }, [client, refresh]);

  return (
    <div className="app">
      <Sidebar<ScreenName>
        screens={SCREENS}
        current={screen}
        onOpen={setScreen}
        api={snapshot?.components.find((c) => c.name === 'api')}
        approvals={snapshot?.approvals.length ?? 0}
        running={status.runningCount}
        todayCostUsd={status.usage?.today.costUsd ?? null}
      />
      <div className="content">
        <header className="topbar">
          <h1>{screen}</h1>
          <ThemeToggle />
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
        {snapshot && setupBanner && screen !== 'Set-up' && <SetupBanner snapshot={snapshot} onOpen={() => setScreen('Set-up')} onDismiss={dismissSetup} />}
        <Suspense fallback={<p className="empty">Loading…</p>}>
          {snapshot && screen === 'Overview' && <OverviewView client={client} snapshot={snapshot} status={status} onOpen={setScreen} />}
          {snapshot && screen === 'Sessions' && <SessionsView key={openSession} client={client} initialSession={openSession} />}
          {snapshot && screen === 'Approvals' && <ApprovalsView client={client} approvals={snapshot.approvals} />}
          {snapshot && screen === 'Providers' && <ProvidersView client={client} config={snapshot.config} onChanged={refresh} />}
          {snapshot && screen === 'Usage' && <UsageView client={client} />}
          {snapshot && screen === 'Server' && <ServerView client={client} snapshot={snapshot} running={status.runningCount} onChanged={refresh} onShowLogs={() => setScreen('Logs')} />}
          {snapshot && screen === 'Logs' && <LogsView client={client} onOpenSession={showSession} />}
          {snapshot && screen === 'Set-up' && <SetupGuide client={client} snapshot={snapshot} onChanged={refresh} onDismiss={() => (dismissSetup(), setScreen('Overview'))} onOpenSession={showSession} />}
          {snapshot && screen === 'Settings' && <SettingsView client={client} config={snapshot.config} apiUrl={snapshot.connection.baseUrl} onChanged={refresh} />}
        </Suspense>
      </div>
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
