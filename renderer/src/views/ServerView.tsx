/** The servers' state with restart buttons, what to paste into Open WebUI, and the diagnostic log. */
import { useState } from 'react';
import type { ControlSnapshot } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { formatBytes, formatTime } from '../format';
import { useFailures } from '../use-failures';
import { InlineError } from './InlineError';
import { DiagLogView } from './DiagLogView';
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
                    <button onClick={() => act('component:restart', c.name as 'api' | 'proxy', 'Restart')} disabled={busy !== null}>
                      Restart
                    </button>
                    <button onClick={() => act('component:stop', c.name as 'api' | 'proxy', 'Stop')} disabled={busy !== null || c.state === 'stopped'}>
                      Stop
                    </button>
                    <button onClick={() => act('component:start', c.name as 'api' | 'proxy', 'Start')} disabled={busy !== null || c.state === 'running'}>
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
                  <details>
                    <summary>{s.name}</summary>
                    <pre className="output">{s.output.join('\n') || '(no output yet)'}</pre>
                  </details>
                </td>
                <td className={`state ${s.state}`}>{s.state}</td>
                <td>{s.pid ?? '—'}</td>
                <td>{formatTime(s.startedAt)}</td>
                <td>{s.restarts}</td>
                <td className={s.health === 'failing' ? 'bad' : ''}>{s.health}</td>
                <td>{s.lastError ?? ''}</td>
                <td className="actions">
                  {s.kind === 'process' && (
                    <button onClick={() => service('service:start', s.name, 'Start')} disabled={s.state === 'running'}>
                      Start
                    </button>
                  )}
                  {s.kind === 'process' && (
                    <button onClick={() => service('service:stop', s.name, 'Stop')} disabled={s.state === 'stopped'}>
                      Stop
                    </button>
                  )}
                  <button onClick={() => service('service:restart', s.name, 'Restart')}>Restart</button>
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
                <td>{snapshot.sessions.find((s) => s.id === l.sessionId)?.title ?? l.sessionId}</td>
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
      {snapshot.requests.length === 0 ? (
        <p className="empty">No requests yet.</p>
      ) : (
        <table className="requests" aria-label="Request log">
          <TableHead columns={['Time', 'Via', 'Request', 'Model', 'Status', 'Latency', 'Tokens']} />
          <tbody>
            {snapshot.requests.map((r, i) => (
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
      )}
      <h2>Connect Open WebUI</h2>
      <dl className="connection">
        <dt>URL</dt>
        <dd>
          <code>{connection.baseUrl}</code> <CopyButton text={connection.baseUrl} />
        </dd>
        <dt>Key</dt>
        <dd>
          <code>{showKey ? connection.apiKey : '••••••••••••'}</code> <button onClick={() => setShowKey(!showKey)}>{showKey ? 'Hide' : 'Show'}</button> <CopyButton text={connection.apiKey} />
        </dd>
        <dt>Headers</dt>
        <dd>
          <code>{JSON.stringify(connection.headers)}</code> <CopyButton text={JSON.stringify(connection.headers)} />
        </dd>
      </dl>
      <h2>Storage</h2>
      <dl className="connection">
        <dt>Data dir</dt>
        <dd>
          <code>{snapshot.storage.dataDir}</code> {snapshot.storage.freeBytes === null ? '' : `· ${formatBytes(snapshot.storage.freeBytes)} free`}
        </dd>
      </dl>
      <DiagLogView client={client} snapshot={snapshot} />
    </main>
  );
}

function CopyButton({ text }: { text: string }): React.JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <button
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
