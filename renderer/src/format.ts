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
