/**
 * What the runs cost: per day, role, provider and login, and the chats that cost the most.
 * Shared by the usage index (main) and the Usage view.
 */

export interface UsageTotals {
  costUsd: number;
  /** Every billed token (input, cache reads and writes, output). */
  tokens: number;
  turns: number;
}

/** How Claude Code paid for a run, from the `apiKeySource` of its start line. */
export type AuthKind = 'subscription' | 'api-key' | 'unknown';

export interface UsageReport {
  /** The first day counted (UTC, YYYY-MM-DD); `days` runs from it to today, days without runs included. */
  since: string;
  days: Array<{ day: string } & UsageTotals>;
  byRole: Array<{ role: string } & UsageTotals>;
  byProvider: Array<{ provider: string } & UsageTotals>;
  /** Per `apiKeySource` as Claude Code reported it ("none" is its own login). */
  byAuth: Array<{ source: string; kind: AuthKind } & UsageTotals>;
  /** The chats that cost the most in the period, most expensive first. */
  topSessions: Array<{ id: string; title: string; role: string } & UsageTotals>;
  total: UsageTotals;
}

/** "none" is Claude Code's word for its own login (a subscription); anything else names where its API key came from. */
export function authKind(source: string | undefined): AuthKind {
  if (source === undefined || source === '') return 'unknown';
  return source === 'none' ? 'subscription' : 'api-key';
}
