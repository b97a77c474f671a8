/**
 * The proxy's request log: the latest requests it forwarded (provider, model, status, latency,
 * tokens), each tagged with the turn that caused it. Bounded; listeners see every entry.
 */
import { BoundedLog } from '../platform/bounded-log';

export interface ProxyRequestEntry {
  at: string;
  provider: string;
  model: string;
  status: number;
  latencyMs: number;
  inputTokens?: number;
  outputTokens?: number;
  turnId?: string;
  error?: string;
}

export class RequestLog extends BoundedLog<ProxyRequestEntry> {
  private readonly listeners = new Set<(entry: ProxyRequestEntry) => void>();

  override add(fields: Omit<ProxyRequestEntry, 'at'>): ProxyRequestEntry {
    const entry = super.add(fields);
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  list(): ProxyRequestEntry[] {
    return [...this.entries];
  }

  /** What the provider said when a turn's latest failed request failed. */
  lastError(turnId: string): string | undefined {
    return this.entries.findLast((e) => e.turnId === turnId && e.error)?.error;
  }

  onEntry(listener: (entry: ProxyRequestEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
