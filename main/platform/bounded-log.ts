/**
 * The latest entries of something the panel lists (API requests, proxy requests), each stamped
 * with its time. Bounded: past `keep`, the oldest drop out.
 */
export class BoundedLog<T extends { at: string }> {
  protected readonly entries: T[] = [];

  constructor(private readonly keep = 500) {}

  add(fields: Omit<T, 'at'>): T {
    const entry = { at: new Date().toISOString(), ...fields } as T;
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
    return entry;
  }

  /** The latest `count` entries, newest first. */
  latest(count: number): T[] {
    return this.entries.slice(-count).reverse();
  }
}
