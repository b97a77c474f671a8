/** Long work done in short slices, between which the event loop serves (a server stays responsive). */
import { performance } from 'node:perf_hooks';

/** Calls `work` while `more()` and not `stopped()`, letting the event loop run every `sliceMs`. */
export async function inSlices(sliceMs: number, stopped: () => boolean, more: () => boolean, work: () => void): Promise<void> {
  while (!stopped() && more()) {
    const until = performance.now() + sliceMs;
    while (!stopped() && more() && performance.now() < until) work();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
