/**
 * What the runs cost over the last 30 days: per day (a bar chart, with the same figures as a
 * table), per role, per provider, per login (Claude Code's own login or an API key), and the
 * chats that cost the most; exported as CSV. Fetched again as sessions change.
 */
import { Download } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { UsageReport, UsageTotals } from '../../../common/usage';
import type { ControlClient } from '../control-client';
import { formatTokens, usd } from '../format';
import { Button } from '../ui/Button';
import { usageCsv } from '../usage-csv';
import { TableHead } from './TableHead';

const DAYS = 30;
/** Session changes come in bursts while a turn runs; one fetch per second is enough for a report of days. */
const REFETCH_MS = 1000;

const LOGIN: Record<string, string> = { subscription: 'Claude Code login (subscription)', 'api-key': 'API key', unknown: 'not reported' };

export function UsageView({ client }: { client: ControlClient }): React.JSX.Element {
  const [report, setReport] = useState<UsageReport | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = (): void => {
      timer = undefined;
      client.invoke('usage:get', DAYS).then(
        (r) => {
          if (!live) return;
          setReport(r);
          setFailure(null);
        },
        (e: Error) => live && setFailure(e.message),
      );
    };
    load();
    const stop = client.subscribe((event) => {
      if ((event.type === 'session-changed' || event.type === 'reconnected') && timer === undefined) timer = setTimeout(load, REFETCH_MS);
    });
    return () => {
      live = false;
      clearTimeout(timer);
      stop();
    };
  }, [client]);

  if (failure) return <main className="usage"><p className="banner error" role="alert">Usage could not be read: {failure}</p></main>;
  if (!report) return <main className="usage"><p className="empty">Loading…</p></main>;

  const download = (): void => {
    const url = URL.createObjectURL(new Blob([usageCsv(report)], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `helix-usage-${report.days.at(-1)?.day ?? 'report'}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <main className="usage">
      <div className="section-head">
        <h2>
          Last {DAYS} days: {usd(report.total.costUsd)}, {formatTokens(report.total.tokens)} tokens, {report.total.turns} turn{report.total.turns === 1 ? '' : 's'}
        </h2>
        <Button icon={<Download size={14} aria-hidden="true" />} onClick={download}>
          Export as CSV
        </Button>
      </div>
      <DayChart days={report.days} />
      <details>
        <summary>Cost per day as a table</summary>
        <Totals caption="Cost per day" head="Day (UTC)" rows={report.days.filter((d) => d.turns > 0).map((d) => [d.day, d])} />
      </details>
      <div className="usage-grid">
        <Totals caption="Per role" head="Role" rows={report.byRole.map((r) => [`helix-${r.role}`, r])} />
        <Totals caption="Per provider" head="Provider" rows={report.byProvider.map((p) => [p.provider, p])} />
        <Totals caption="Per login" head="Paid through" rows={report.byAuth.map((a) => [`${LOGIN[a.kind]}${a.kind === 'api-key' ? ` (${a.source})` : ''}`, a])} />
      </div>
      <Totals caption="Most expensive chats" head="Chat" rows={report.topSessions.map((s) => [`${s.title} (helix-${s.role})`, s])} />
    </main>
  );
}

function Totals({ caption, head, rows }: { caption: string; head: string; rows: Array<[string, UsageTotals]> }): React.JSX.Element {
  return (
    <table aria-label={caption}>
      <caption>{caption}</caption>
      <TableHead columns={[head, 'Cost', 'Tokens', 'Turns']} />
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={4} className="meta">
              No runs in this period.
            </td>
          </tr>
        )}
        {rows.map(([name, t]) => (
          <tr key={name}>
            <td>{name}</td>
            <td>{usd(t.costUsd)}</td>
            <td>{formatTokens(t.tokens)}</td>
            <td>{t.turns}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One bar per day, scaled to the most expensive day (tokens when nothing cost money). An SVG: no chart library for 30 bars. */
function DayChart({ days }: { days: UsageReport['days'] }): React.JSX.Element {
  const byCost = days.some((d) => d.costUsd > 0);
  const value = (d: UsageTotals): number => (byCost ? d.costUsd : d.tokens);
  const max = Math.max(...days.map(value), 0);
  const width = 720;
  const height = 140;
  const bar = width / days.length;
  const label = `${byCost ? 'Cost' : 'Tokens'} per day from ${days[0]?.day} to ${days.at(-1)?.day}; the highest day ${byCost ? usd(max) : formatTokens(max)}.`;
  return (
    <figure className="day-chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
        {days.map((d, i) => {
          const h = max > 0 ? Math.max(value(d) > 0 ? 2 : 0, (value(d) / max) * height) : 0;
          return (
            <rect key={d.day} x={i * bar + 1} y={height - h} width={bar - 2} height={h} className="bar">
              <title>{`${d.day}: ${usd(d.costUsd)}, ${formatTokens(d.tokens)} tokens, ${d.turns} turns`}</title>
            </rect>
          );
        })}
        <line x1={0} x2={width} y1={height} y2={height} className="axis" />
      </svg>
      {/* Outside the SVG, which stretches to the width: text inside it would stretch too. */}
      <div className="ticks" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>{days.at(-1)?.day}</span>
      </div>
      <figcaption className="meta">{label}</figcaption>
    </figure>
  );
}
