/** The servers' state with restart buttons, what to paste into Open WebUI, and the diagnostic log. */
import { Check, Copy, Eye, EyeOff, Play, RotateCw, Square } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ControlSnapshot } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { formatBytes, formatTime } from '../format';
import { Button } from '../ui/Button';
import { ConfirmDialog, type Confirmation } from '../ui/Dialog';
import { EmptyState } from '../ui/EmptyState';
import { StatusDot } from '../ui/Status';
import { useFailures } from '../use-failures';
import { useRequestLog } from '../use-request-log';
import { InlineError } from './InlineError';
import { DataDirUsage } from './DataDirUsage';
import { TableHead } from './TableHead';

interface Props {
  client: ControlClient;
  snapshot: ControlSnapshot;
  /** Runs in flight: stopping or restarting a server cuts them, so that is asked first. */
  running?: number;
  onChanged(): void;
  /** Shows the Logs screen (the diagnostic log and the request log live there). */
  onShowLogs?(): void;
}

type ComponentCommand = 'component:restart' | 'component:start' | 'component:stop';
const COMPONENT_NAME = { api: 'API server', proxy: 'translating proxy' } as const;
const ICON = { size: 14, 'aria-hidden': true } as const;

/** What stopping or restarting a server does to the runs in flight, asked before it is done; null when nothing is cut. */
export function cutRunsQuestion(command: ComponentCommand, name: 'api' | 'proxy', running: number): Confirmation | null {
  if (command === 'component:start' || running === 0) return null;
  const verb = command === 'component:stop' ? 'Stop' : 'Restart';
  const runs = `${running} run${running === 1 ? '' : 's'}`;
  return {
    title: `${verb} the ${COMPONENT_NAME[name]}?`,
    body:
      name === 'api'
        ? `${runs} in flight will be cut: their chats lose the connection, and each run is cancelled (or finishes unseen if "When a client leaves" is set to finish).`
        : `${runs} in flight will be cut: Claude Code reaches its provider through the proxy, so each run fails on its next call.`,
    confirmLabel: `${verb} and cut ${runs}`,
  };
}

export function ServerView({ client, snapshot, running = 0, onChanged, onShowLogs }: Props): React.JSX.Element {
  // Which server a command is under way for, and which command.
  const [busy, setBusy] = useState<{ name: string; command: ComponentCommand } | null>(null);
  const [showKey, setShowKey] = useState(false);
  const [asking, setAsking] = useState<{ question: Confirmation; go(): void } | null>(null);
  const failures = useFailures();
  const perform = (command: ComponentCommand, name: 'api' | 'proxy', what: string): void => {
    setBusy({ name, command });
    const done = { 'component:restart': 'restarted', 'component:start': 'started', 'component:stop': 'stopped' }[command];
    void failures
      .run(`component:${name}`, `${what} of the ${COMPONENT_NAME[name]}`, () => client.invoke(command, name), (state) => (state.state === 'failed' ? null : `The ${COMPONENT_NAME[name]} ${done}.`))
      .finally(() => {
        setBusy(null);
        onChanged();
      });
  };
  const act = (command: ComponentCommand, name: 'api' | 'proxy', what: string): void => {
    const question = cutRunsQuestion(command, name, running);
    if (question) setAsking({ question, go: () => perform(command, name, what) });
    else perform(command, name, what);
  };
  const service = (command: 'service:start' | 'service:stop' | 'service:restart', name: string, what: string): void => {
    void failures.run(`service:${name}`, what, () => client.invoke(command, name), `${name}: ${what.toLowerCase()} done.`).finally(onChanged);
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
              <td className={`state ${c.state}`}>{busy?.name === c.name ? <StatusDot state="restarting" label="working…" /> : <StatusDot state={c.state} />}</td>
              <td>{c.url ? <code>{c.url}</code> : '—'}</td>
              <td>{formatTime(c.startedAt)}</td>
              <td>{c.lastError ?? ''}</td>
              <td className="actions">
                {(c.name === 'api' || c.name === 'proxy') && (
                  <>
                    <Button size="sm" icon={<RotateCw {...ICON} />} busy={busy?.name === c.name && busy.command === 'component:restart'} aria-label={`Restart the ${COMPONENT_NAME[c.name]}`} onClick={() => act('component:restart', c.name as 'api' | 'proxy', 'Restart')} disabled={busy !== null && busy.name !== c.name}>
                      Restart
                    </Button>
                    <Button size="sm" icon={<Square {...ICON} />} busy={busy?.name === c.name && busy.command === 'component:stop'} aria-label={`Stop the ${COMPONENT_NAME[c.name]}`} onClick={() => act('component:stop', c.name as 'api' | 'proxy', 'Stop')} disabled={(busy !== null && busy.name !== c.name) || c.state === 'stopped'}>
                      Stop
                    </Button>
                    <Button size="sm" icon={<Play {...ICON} />} busy={busy?.name === c.name && busy.command === 'component:start'} aria-label={`Start the ${COMPONENT_NAME[c.name]}`} onClick={() => act('component:start', c.name as 'api' | 'proxy', 'Start')} disabled={(busy !== null && busy.name !== c.name) || c.state === 'running'}>
                      Start
                    </Button>
                  </>
                )}
                <InlineError message={failures.of(`component:${c.name}`)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Managed services</h2>
      {snapshot.services.length === 0 ? (
        <EmptyState title="No managed services.">
          Name processes or commands for Helix to supervise under <code>services:</code> in the config (e.g. an external y-router, or <code>docker compose restart helix-api</code>).
        </EmptyState>
      ) : (
        <table aria-label="Managed services">
          <TableHead columns={['Service', 'State', 'Pid', 'Up since', 'Restarts', 'Health', 'Last error', '']} />
          <tbody>
            {snapshot.services.map((s) => (
              <tr key={s.name} data-service={s.name}>
                <td>
                  <ServiceOutput client={client} name={s.name} />
                </td>
                <td className={`state ${s.state}`}>
                  <StatusDot state={s.state} />
                </td>
                <td>{s.pid ?? '—'}</td>
                <td>{formatTime(s.startedAt)}</td>
                <td>{s.restarts}</td>
                <td>
                  <StatusDot state={s.health} />
                </td>
                <td>{s.lastError ?? ''}</td>
                <td className="actions">
                  {s.kind === 'process' && (
                    <Button size="sm" icon={<Play {...ICON} />} aria-label={`Start ${s.name}`} onClick={() => service('service:start', s.name, 'Start')} disabled={s.state === 'running'}>
                      Start
                    </Button>
                  )}
                  {s.kind === 'process' && (
                    <Button size="sm" icon={<Square {...ICON} />} aria-label={`Stop ${s.name}`} onClick={() => service('service:stop', s.name, 'Stop')} disabled={s.state === 'stopped'}>
                      Stop
                    </Button>
                  )}
                  <Button size="sm" icon={<RotateCw {...ICON} />} aria-label={`Restart ${s.name}`} onClick={() => service('service:restart', s.name, 'Restart')}>
                    Restart
                  </Button>
                  <InlineError message={failures.of(`service:${s.name}`)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Live sessions</h2>
      {snapshot.live.length === 0 ? (
        <EmptyState title="No chat is served by a warm Claude Code process right now." />
      ) : (
        <table aria-label="Live sessions">
          <TableHead columns={['Chat', 'State', 'Pid', 'Memory', 'Idle', '']} />
          <tbody>
            {snapshot.live.map((l) => (
              <tr key={l.sessionId}>
                <td>{l.title ?? l.sessionId}</td>
                <td className={`state ${l.state}`}>
                  <StatusDot state={l.state} />
                </td>
                <td>{l.pid ?? '—'}</td>
                <td>{l.rssBytes === null ? '—' : formatBytes(l.rssBytes)}</td>
                <td>{l.idleSeconds === null ? 'in a turn' : l.idleSeconds < 60 ? `${l.idleSeconds} s` : `${Math.floor(l.idleSeconds / 60)} min`}</td>
                <td className="actions">
                  <Button
                    size="sm"
                    aria-label={`Close the warm process of ${l.title ?? l.sessionId}`}
                    onClick={() => void failures.run(`live:${l.sessionId}`, 'Close', () => client.invoke('live:close', l.sessionId), ({ closed }) => (closed ? `Closed the warm process of ${l.title ?? l.sessionId}.` : null)).finally(onChanged)}
                    disabled={l.idleSeconds === null}
                  >
                    Close
                  </Button>
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
          <code>{showKey ? connection.apiKey : '••••••••••••'}</code> <Button size="sm" icon={showKey ? <EyeOff {...ICON} /> : <Eye {...ICON} />} aria-label={showKey ? 'Hide key' : 'Show key'} onClick={() => setShowKey(!showKey)}>
            {showKey ? 'Hide' : 'Show'}
          </Button> <CopyButton text={connection.apiKey} what="key" />
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
      <h2>Diagnostic log</h2>
      <p>
        What the app did and decided — searchable, by level, followed live — is on the{' '}
        {onShowLogs ? (
          <a
            href="#logs"
            onClick={(event) => {
              event.preventDefault();
              onShowLogs();
            }}
          >
            Logs screen
          </a>
        ) : (
          'Logs screen'
        )}
        , with every request&apos;s details.
      </p>
      {asking && (
        <ConfirmDialog
          {...asking.question}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            asking.go();
          }}
        />
      )}
    </main>
  );
}

/** How often a service's output is asked for again while it is unfolded. */
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

/** The latest requests, then each one as it is logged (never sent with every change of state). */
function RequestLog({ client }: { client: Props['client'] }): React.JSX.Element {
  const { requests } = useRequestLog(client, { limit: 100 });
  if (!requests) return <p className="empty">Loading…</p>;
  if (requests.length === 0) return <EmptyState title="No requests yet." />;
  return (
    <table className="requests" aria-label="Request log">
      <TableHead columns={['Time', 'Via', 'Request', 'Model', 'Status', 'Latency', 'Tokens']} />
      <tbody>
        {requests.map((r) => (
          <tr key={r.id}>
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
    <Button
      size="sm"
      icon={copied ? <Check {...ICON} /> : <Copy {...ICON} />}
      aria-label={`${copied ? 'Copied' : 'Copy'} ${what}`}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}
