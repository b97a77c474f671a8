/**
 * The start screen: everything at a glance, each card one click from its screen — the servers
 * and their addresses, each role's provider:model and its key, the runs in flight (how long, and
 * the tool each is using now), the approvals waiting, today's and this month's tokens and cost,
 * and the latest problems (warnings and errors of the diagnostic log, failed turns).
 */
import { ArrowRight, CircleAlert, CircleCheck, ShieldCheck, Zap } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ControlSnapshot, DiagLogEntry } from '../../../common/control';
import type { ScreenName } from '../App';
import type { ControlClient } from '../control-client';
import { elapsed, formatTime, formatTokens, usd } from '../format';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { Badge, StatusDot } from '../ui/Status';
import type { PanelStatus } from '../use-panel-status';
import { useSessionList } from '../use-session-list';

interface Props {
  client: ControlClient;
  snapshot: ControlSnapshot;
  status: PanelStatus;
  onOpen(screen: ScreenName): void;
}

/** How many problems the card lists. */
const PROBLEMS = 5;

export function OverviewView({ client, snapshot, status, onOpen }: Props): React.JSX.Element {
  const go = (screen: ScreenName): React.JSX.Element => (
    <Button variant="ghost" size="sm" aria-label={`Open ${screen}`} onClick={() => onOpen(screen)}>
      {screen} <ArrowRight size={14} aria-hidden="true" />
    </Button>
  );
  const keyOf = (provider: string): string => snapshot.config.providers.find((p) => p.name === provider)?.key ?? 'unknown';
  return (
    <main className="overview">
      <div className="card-grid">
        <Card title="Servers" action={go('Server')}>
          <ul className="facts">
            {snapshot.components
              .filter((c) => c.name !== 'control')
              .map((c) => (
                <li key={c.name} data-component={c.name}>
                  <span className="fact-name">{c.name === 'api' ? 'API server' : 'Translating proxy'}</span>
                  <StatusDot state={c.state} />
                  <code className="fact-value">{c.url ?? '—'}</code>
                </li>
              ))}
          </ul>
        </Card>

        <Card title="Roles" action={go('Providers')}>
          {snapshot.config.roles.length === 0 ? (
            <EmptyState title="No roles configured." />
          ) : (
            <ul className="facts">
              {snapshot.config.roles.map((r) => (
                <li key={r.name}>
                  <span className="fact-name">{r.modelId}</span>
                  <code className="fact-value">
                    {r.provider}:{r.model}
                  </code>
                  <StatusDot state={keyOf(r.provider)} label={`key ${keyOf(r.provider)}`} />
                </li>
              ))}
            </ul>
          )}
        </Card>

        <RunsCard status={status} action={go('Sessions')} />

        <Card title={<>Approvals {snapshot.approvals.length > 0 && <Badge tone="warn" label={`${snapshot.approvals.length} waiting`}>{snapshot.approvals.length}</Badge>}</>} action={go('Approvals')}>
          {snapshot.approvals.length === 0 ? (
            <EmptyState icon={<ShieldCheck size={20} />} title="Nothing is waiting for an answer." />
          ) : (
            <ul className="facts" aria-label="Approvals waiting">
              {snapshot.approvals.slice(0, 4).map((a) => (
                <li key={a.id}>
                  <span className="fact-name">{a.summary}</span>
                  <span className="meta">{a.sessionTitle}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Usage" action={go('Usage')}>
          {status.usage === null ? (
            <p className="meta">Loading…</p>
          ) : (
            <dl className="figures">
              <div>
                <dt>Today</dt>
                <dd>
                  <strong>{usd(status.usage.today.costUsd)}</strong> <span className="meta">{formatTokens(status.usage.today.tokens)} tokens</span>
                </dd>
              </div>
              <div>
                <dt>This month</dt>
                <dd>
                  <strong>{usd(status.usage.month.costUsd)}</strong> <span className="meta">{formatTokens(status.usage.month.tokens)} tokens</span>
                </dd>
              </div>
            </dl>
          )}
        </Card>

        <ProblemsCard client={client} snapshot={snapshot} action={go('Logs')} />
      </div>
    </main>
  );
}

/** The runs going now: chat, role, time since its turn started (ticking) and the tool in use. */
function RunsCard({ status, action }: { status: PanelStatus; action: React.JSX.Element }): React.JSX.Element {
  const [now, setNow] = useState(() => Date.now());
  const going = status.running.length > 0;
  // Ticks while runs go; a run that starts shows its time from its start at once, not from the last tick.
  useEffect(() => {
    if (!going) return;
    const tick = (): void => setNow(Date.now());
    queueMicrotask(tick);
    const every = setInterval(tick, 1000);
    return () => clearInterval(every);
  }, [going, status.running]);
  return (
    <Card title={`Runs in flight (${status.runningCount})`} action={action}>
      {!going ? (
        <EmptyState icon={<Zap size={20} />} title="No runs in flight." />
      ) : (
        <ul className="facts" aria-label="Runs in flight">
          {status.running.map((s) => (
            <li key={s.id} data-session={s.id}>
              <span className="fact-name">{s.title}</span>
              <span className="meta">helix-{s.role}</span>
              <span className="elapsed">
                <span className="sr-only">running for </span>
                {s.runningSince ? elapsed(s.runningSince, now) : '—'}
              </span>
              <span className="live-tool">{status.liveTools[s.id] ?? 'thinking…'}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The latest warnings and errors of the diagnostic log, and the latest failed turns. */
function ProblemsCard({ client, snapshot, action }: { client: ControlClient; snapshot: ControlSnapshot; action: React.JSX.Element }): React.JSX.Element {
  const failed = useSessionList(client, { status: 'failed' });
  const [entries, setEntries] = useState<DiagLogEntry[] | null>(null);
  useEffect(() => {
    let current = true;
    client.invoke('log:tail', PROBLEMS, 'warn').then(
      (tail) => current && setEntries([...tail.entries].reverse()),
      () => current && setEntries([]),
    );
    return () => {
      current = false;
    };
    // A change of state (a server failing, a config error) is when new problems are logged.
  }, [client, snapshot]);
  const turns = failed.sessions.slice(0, PROBLEMS);
  const none = entries !== null && entries.length === 0 && failed.loaded && turns.length === 0;
  return (
    <Card title="Latest problems" action={action} className="wide">
      {none ? (
        <EmptyState icon={<CircleCheck size={20} />} title="No errors or warnings logged, and no failed turns." />
      ) : (
        <ul className="facts problems" aria-label="Latest problems">
          {turns.map((s) => (
            <li key={s.id}>
              <CircleAlert size={14} aria-hidden="true" className="bad" />
              <span className="fact-name">Turn failed: {s.title}</span>
              <span className="meta">{formatTime(s.updatedAt)}</span>
            </li>
          ))}
          {(entries ?? []).map((e, i) => (
            <li key={i} data-level={e.level}>
              <CircleAlert size={14} aria-hidden="true" className={e.level === 'warn' ? 'warn' : 'bad'} />
              <span className="fact-name">
                {e.level}: {e.msg}
              </span>
              <span className="meta">
                {e.component ?? ''} {formatTime(e.time)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
