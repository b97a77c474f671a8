/** The servers' state with restart buttons, what to paste into Open WebUI, and the diagnostic log. */
import { useEffect, useState } from 'react';
import type { ControlSnapshot, RequestEntry } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { formatBytes, formatTime } from '../format';
import { useFailures } from '../use-failures';
import { InlineError } from './InlineError';
import { DiagLogView } from './DiagLogView';
import { DataDirUsage } from './DataDirUsage';
import { TableHead } from './TableHead';

interface Props {
  client: ControlClient;
  snapshot: ControlSnapshot;
  onChanged(): void;
}

export function ServerView({ client, snapshot, onChanged }: Props): React.JSX.Element {
  const [busy, setBusy] = useState<string | null>(null);
  const [showKey, setShowKey] = useState(false);
  const failures = useFailures();
  const act = (command: 'component:restart' | 'component:start' | 'component:stop', name: 'api' | 'proxy', what: string): void => {
    setBusy(name);
    void failures.run(`component:${name}`, what, () => client.invoke(command, name)).finally(() => {
      setBusy(null);
      onChanged();
    });
  };
  const service = (command: 'service:start' | 'service:stop' | 'service:restart', name: string, what: string): void => {
    void failures.run(`service:${name}`, what, () => client.invoke(command, name)).finally(onChanged);
  };
  const { connection } = snapshot;
  return (
    <main className="server">
      <h2>Servers</h2>
      <table>
        <TableHead columns={['Component', 'State', 'Address', 'Up since', 'Last error', '']} />
        <tbody>
          {snapshot.components.map((c) => (
            <tr key={c.name} data-component={c.name}>
              <td>{c.name === 'api' ? 'API server' : 'Translating proxy'}</td>
              <td className={`state ${c.state}`}>{busy === c.name ? 'restarting…' : c.state}</td>
              <td>{c.url ?? '—'}</td>
              <td>{formatTime(c.startedAt)}</td>
              <td>{c.lastError ?? ''}</td>
              <td>
                {(c.name === 'api' || c.name === 'proxy') && (
                  <span className="actions">
                    <button aria-label={`Restart the ${c.name === 'api' ? 'API server' : 'translating proxy'}`} onClick={() => act('component:restart', c.name as 'api' | 'proxy', 'Restart')} disabled={busy !== null}>
                      Restart
                    </button>
                    <button aria-label={`Stop the ${c.name === 'api' ? 'API server' : 'translating proxy'}`} onClick={() => act('component:stop', c.name as 'api' | 'proxy', 'Stop')} disabled={busy !== null || c.state === 'stopped'}>
                      Stop
                    </button>
                    <button aria-label={`Start the ${c.name === 'api' ? 'API server' : 'translating proxy'}`} onClick={() => act('component:start', c.name as 'api' | 'proxy', 'Start')} disabled={busy !== null || c.state === 'running'}>
                      Start
                    </button>
                  </span>
                )}
                <InlineError message={failures.of(`component:${c.name}`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Managed services</h2>
      {snapshot.services.length === 0 ? (
        <p className="empty">
          No managed services. Name processes or commands for Helix to supervise under <code>services:</code> in the config (e.g. an external y-router, or{' '}
          <code>docker compose restart helix-api</code>).
        </p>
      ) : (
        <table aria-label="Managed services">
          <TableHead columns={['Service', 'State', 'Pid', 'Up since', 'Restarts', 'Health', 'Last error', '']} />
          <tbody>
            {snapshot.services.map((s) => (
              <tr key={s.name} data-service={s.name}>
                <td>
                  <ServiceOutput client={client} name={s.name} />
                </td>
                <td className={`state ${s.state}`}>{s.state}</td>
                <td>{s.pid ?? '—'}</td>
                <td>{formatTime(s.startedAt)}</td>
                <td>{s.restarts}</td>
                <td className={s.health === 'failing' ? 'bad' : ''}>{s.health}</td>
                <td>{s.lastError ?? ''}</td>
                <td className="actions">
                  {s.kind === 'process' && (
                    <button aria-label={`Start ${s.name}`} onClick={() => service('service:start', s.name, 'Start')} disabled={s.state === 'running'}>
                      Start
                    </button>
                  )}
                  {s.kind === 'process' && (
                    <button aria-label={`Stop ${s.name}`} onClick={() => service('service:stop', s.name, 'Stop')} disabled={s.state === 'stopped'}>
                      Stop
                    </button>
                  )}
                  <button aria-label={`Restart ${s.name}`} onClick={() => service('service:restart', s.name, 'Restart')}>Restart</button>
                  <InlineError message={failures.of(`service:${s.name}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Live sessions</h2>
      {snapshot.live.length === 0 ? (
        <p className="empty">No chat is served by a warm Claude Code process right now.</p>
      ) : (
        <table aria-label="Live sessions">
          <TableHead columns={['Chat', 'State', 'Pid', 'Memory', 'Idle', '']} />
          <tbody>
            {snapshot.live.map((l) => (
              <tr key={l.sessionId}>
                <td>{l.title ?? l.sessionId}</td>
                <td className={`state ${l.state}`}>{l.state}</td>
                <td>{l.pid ?? '—'}</td>
                <td>{l.rssBytes === null ? '—' : formatBytes(l.rssBytes)}</td>
                <td>{l.idleSeconds === null ? 'in a turn' : l.idleSeconds < 60 ? `${l.idleSeconds} s` : `${Math.floor(l.idleSeconds / 60)} min`}</td>
                <td className="actions">
                  <button onClick={() => void failures.run(`live:${l.sessionId}`, 'Close', () => client.invoke('live:close', l.sessionId)).finally(onChanged)} disabled={l.idleSeconds === null}>
                    Close
                  </button>
                  <InlineError message={failures.of(`live:${l.sessionId}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Requests</h2>
      <RequestLog client={client} />
      <h2>Connect Open WebUI</h2>
      <dl className="connection">
        <dt>URL</dt>
        <dd>
          <code>{connection.baseUrl}</code> <CopyButton text={connection.baseUrl} what="URL" />
        </dd>
        <dt>Key</dt>
        <dd>
          <code>{showKey ? connection.apiKey : '••••••••••••'}</code> <button aria-label={showKey ? 'Hide key' : 'Show key'} onClick={() => setShowKey(!showKey)}>{showKey ? 'Hide' : 'Show'}</button> <CopyButton text={connection.apiKey} what="key" />
        </dd>
        <dt>Headers</dt>
        <dd>
          <code>{JSON.stringify(connection.headers)}</code> <CopyButton text={JSON.stringify(connection.headers)} what="headers" />
        </dd>
      </dl>
      <h2>Storage</h2>
      <dl className="connection">
        <dt>Data dir</dt>
        <dd>
          <code>{snapshot.storage.dataDir}</code> {snapshot.storage.freeBytes === null ? '' : `· ${formatBytes(snapshot.storage.freeBytes)} free`}
        </dd>
      </dl>
      <DataDirUsage client={client} />
      <DiagLogView client={client} snapshot={snapshot} />
    </main>
  );
}

/** How often what the Server view shows from the running app (requests, output) is asked for again while shown. */
const POLL_MS = 2000;

/** Calls `load` now and every POLL_MS while `active`; the latest result wins. */
function usePolled<T>(load: () => Promise<T>, active: boolean, deps: unknown[]): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    if (!active) return;
    let live = true;
    const fetchNow = (): void => void load().then((v) => live && setValue(v), () => undefined);
    fetchNow();
    const every = setInterval(fetchNow, POLL_MS);
    return () => {
      live = false;
      clearInterval(every);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `load` is rebuilt each render; `deps` says what it reads
  }, [active, ...deps]);
  return value;
}

/** The latest requests, asked for while the view is open (never sent with every change of state). */
function RequestLog({ client }: { client: Props['client'] }): React.JSX.Element {
  const requests = usePolled<RequestEntry[]>(() => client.invoke('requests:list'), true, [client]);
  if (!requests || requests.length === 0) return <p className="empty">{requests ? 'No requests yet.' : 'Loading…'}</p>;
  return (
    <table className="requests" aria-label="Request log">
      <TableHead columns={['Time', 'Via', 'Request', 'Model', 'Status', 'Latency', 'Tokens']} />
      <tbody>
        {requests.map((r, i) => (
          <tr key={i}>
            <td>{formatTime(r.at)}</td>
            <td>{r.source === 'api' ? 'API' : 'proxy'}</td>
            <td>
              {r.method} {r.path}
            </td>
            <td>{r.model ?? ''}</td>
            <td className={r.status >= 400 ? 'bad' : ''}>{r.status}</td>
            <td>{r.latencyMs} ms</td>
            <td>{r.tokens?.toLocaleString() ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A service's latest output, asked for while it is unfolded. */
function ServiceOutput({ client, name }: { client: Props['client']; name: string }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const output = usePolled<string[]>(() => client.invoke('service:output', name), open, [client, name]);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{name}</summary>
      <pre className="output">{output === null ? 'Loading…' : output.join('\n') || '(no output yet)'}</pre>
    </details>
  );
}

/** `what` names the copied value in the button's accessible name ("Copy URL"). */
function CopyButton({ text, what }: { text: string; what: string }): React.JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <button
      aria-label={`${copied ? 'Copied' : 'Copy'} ${what}`}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
