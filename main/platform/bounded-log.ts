/**
 * The latest entries of something the panel lists (API requests, proxy requests), each stamped
 * with its time and a number of its own. Bounded: past `keep`, the oldest drop out. Listeners
 * hear every entry as it is added (the panel's request log follows them live).
 */
export class BoundedLog<T extends { at: string; seq: number }> {
  protected readonly entries: T[] = [];
  private readonly listeners = new Set<(entry: T) => void>();
  private next = 1;

  constructor(private readonly keep = 500) {}

  add(fields: Omit<T, 'at' | 'seq'>): T {
    const entry = { at: new Date().toISOString(), seq: this.next++, ...fields } as T;
    this.entries.push(entry);
    if (this.entries.length > this.keep) this.entries.shift();
    for (const listener of [...this.listeners]) listener(entry);
    return entry;
  }

  /** The latest `count` entries, newest first. */
  latest(count: number): T[] {
    return this.entries.slice(-count).reverse();
  }

  onEntry(listener: (entry: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
