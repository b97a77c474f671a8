/**
 * The API server's request log for the control panel: method, path, model, status, latency and,
 * for chat turns, tokens. Bounded. Nothing from headers or bodies beyond the model name.
 */
import type { RequestEntry } from '../../common/control';

export type ApiRequestEntry = Omit<RequestEntry, 'source'>;

const KEEP = 500;

export class ApiRequestLog {
  private readonly entries: ApiRequestEntry[] = [];

  add(entry: Omit<ApiRequestEntry, 'at'>): void {
    this.entries.push({ at: new Date().toISOString(), ...entry });
    if (this.entries.length > KEEP) this.entries.shift();
  }

  latest(count = 100): ApiRequestEntry[] {
    return this.entries.slice(-count).reverse();
  }
}
