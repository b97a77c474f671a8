/**
 * How numbers, times and totals are written, the same in the panel and in an exported session.
 */
import type { SessionSummary } from '../../common/control';
import type { TimelineItem } from './timeline';

/** A size as people read it: "42 MiB", "3.5 GiB". */
export function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib < 1024 ? `${Math.round(mib)} MiB` : `${(mib / 1024).toFixed(1)} GiB`;
}

/** The time of day of an ISO timestamp, or a dash when there is none. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleTimeString() : '—';
}

/** A session on one line: "coder · anthropic:m · started … · 3 turns · 1,234 tokens · $0.0120". */
export function sessionFacts(session: SessionSummary, started: string): string {
  const turns = `${session.turns} turn${session.turns === 1 ? '' : 's'}`;
  return `${session.role} · ${session.target ?? '—'} · ${started} · ${turns} · ${session.tokens.toLocaleString('en-US')} tokens · $${session.costUsd.toFixed(4)}`;
}

/** `provider:model`, with what an alias resolved to when it differs: "anthropic:sonnet (claude-sonnet-4-6)". */
export function targetLabel(target: string | undefined, model: string | undefined): string {
  if (!target) return '';
  return model && target.slice(target.indexOf(':') + 1) !== model ? `${target} (${model})` : target;
}

/** A turn's end on one line: "done · anthropic:m · 1,234 tokens · $0.0120 · 3.4 s", and its error if any. */
export function turnTotals(item: Extract<TimelineItem, { kind: 'turn-end' }>): string {
  const totals = `${item.status} · ${targetLabel(item.target, item.model)} · ${item.tokens.toLocaleString('en-US')} tokens · $${item.costUsd.toFixed(4)} · ${(item.durationMs / 1000).toFixed(1)} s`;
  return item.error ? `${totals} · ${item.error}` : totals;
}

/** A cost as people read it: "$0", "$0.0042" below a cent, "$1.25" above. */
export const usd = (n: number): string => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

/** A count of tokens with thousands separators: "12,345". */
export const formatTokens = (n: number): string => n.toLocaleString('en-US');

/** Time since an ISO timestamp as a clock: "0:42", "12:03", "1:02:03". */
export function elapsed(since: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return hms[0] ? `${hms[0]}:${pad(hms[1]!)}:${pad(hms[2]!)}` : `${hms[1]}:${pad(hms[2]!)}`;
}
