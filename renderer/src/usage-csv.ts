/** A usage report as CSV: one row per day, role, provider, login and chat, each named by its section. */
import type { UsageReport, UsageTotals } from '../../common/usage';

const cell = (value: string | number): string => {
  const text = String(value);
  // Quoted when it holds a separator, a quote or a line break; a leading = + - @ is kept from being read as a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export function usageCsv(report: UsageReport): string {
  const rows: Array<Array<string | number>> = [['section', 'name', 'cost_usd', 'tokens', 'turns']];
  const add = (section: string, name: string, t: UsageTotals): void => {
    rows.push([section, name, t.costUsd.toFixed(6), t.tokens, t.turns]);
  };
  for (const d of report.days) add('day', d.day, d);
  for (const r of report.byRole) add('role', `helix-${r.role}`, r);
  for (const p of report.byProvider) add('provider', p.provider, p);
  for (const a of report.byAuth) add('login', `${a.kind}: ${a.source}`, a);
  for (const s of report.topSessions) add('chat', s.title, s);
  add('total', `since ${report.since}`, report.total);
  return `${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
