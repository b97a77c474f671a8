/**
 * The proxy's request log: the latest requests it forwarded (provider, model asked and answered,
 * status, latency, tokens, the provider's error with secrets removed), each tagged with the turn
 * that caused it. Bounded; listeners see every entry.
 */
import type { ProviderErrorBody } from '../../common/request-query';
import { BoundedLog } from '../platform/bounded-log';

export interface ProxyRequestEntry {
  at: string;
  seq: number;
  provider: string;
  /** The model Claude Code asked for. */
  model: string;
  /** The model the provider named in its answer, when it did. */
  modelAnswered?: string;
  status: number;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  turnId?: string;
  error?: string;
  /** The provider's error answer, allowlisted fields only (see provider-error.ts). */
  providerError?: ProviderErrorBody;
}

export class RequestLog extends BoundedLog<ProxyRequestEntry> {
  list(): ProxyRequestEntry[] {
    return [...this.entries];
  }

  /** What the provider said when a turn's latest failed request failed. */
  lastError(turnId: string): string | undefined {
    return this.entries.findLast((e) => e.turnId === turnId && e.error)?.error;
  }
}
