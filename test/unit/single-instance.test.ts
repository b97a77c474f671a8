import { describe, expect, it } from 'vitest';
import { startIfFirstInstance } from '../../main/desktop/single-instance';

/** An app that records what was asked of it, in order. */
function fakeApp(granted: boolean): { calls: string[]; requestSingleInstanceLock(): boolean; quit(): void } {
  const calls: string[] = [];
  return {
    calls,
    requestSingleInstanceLock: () => (calls.push('lock'), granted),
    quit: () => void calls.push('quit'),
  };
}

describe('desktop launch', () => {
  it('a second instance asks for the lock first, then only quits: no start-up work at all', () => {
    const app = fakeApp(false);
    const first = startIfFirstInstance(app, () => app.calls.push('start'));
    expect(first).toBe(false);
    expect(app.calls).toEqual(['lock', 'quit']);
  });

  it('the first instance starts, and only once it holds the lock', () => {
    const app = fakeApp(true);
    const first = startIfFirstInstance(app, () => app.calls.push('start'));
    expect(first).toBe(true);
    expect(app.calls).toEqual(['lock', 'start']);
  });
});
