/**
 * A limit on runs in flight with a first-come queue; waiters hear their position as it moves,
 * and a waiter that gives up (its client left) leaves the queue.
 */

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  onPosition: (position: number, queued: number) => void;
}

export class RunSlots {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(private limit: number) {}

  setLimit(limit: number): void {
    this.limit = limit;
    this.drain();
  }

  get inUse(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free; `signal` aborts the wait. */
  acquire(onPosition: Waiter['onPosition'], signal?: AbortSignal): Promise<Release> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('left the queue'));
      const leave = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.announce();
        reject(new Error('left the queue'));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', leave);
          resolve(release);
        },
        onPosition,
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', leave, { once: true });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.limit && this.queue.length > 0) {
      const waiter = this.queue.shift() as Waiter;
      this.running += 1;
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        this.running -= 1;
        this.drain();
      });
    }
    this.announce();
  }

  private announce(): void {
    this.queue.forEach((waiter, index) => waiter.onPosition(index + 1, this.queue.length));
  }
}
