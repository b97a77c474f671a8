import { describe, expect, it } from 'vitest';
import { RunSlots } from '../../main/turns/run-slots';

describe('RunSlots', () => {
  it('grants up to the limit, queues the rest first come first served, and tells them their place', async () => {
    const slots = new RunSlots(1);
    const positions: Record<string, string[]> = { b: [], c: [] };
    const a = await slots.acquire(() => undefined);
    const b = slots.acquire((p, n) => positions.b!.push(`${p}/${n}`));
    const c = slots.acquire((p, n) => positions.c!.push(`${p}/${n}`));
    expect(slots.waiting).toBe(2);
    a();
    const releaseB = await b;
    expect(positions.b).toEqual(['1/1', '1/2']);
    expect(positions.c).toContain('2/2');
    expect(positions.c!.at(-1)).toBe('1/1');
    a(); // releasing twice frees nothing more
    expect(slots.inUse).toBe(1);
    releaseB();
    (await c)();
    expect(slots.inUse).toBe(0);
  });

  it('lets a waiter leave the queue', async () => {
    const slots = new RunSlots(1);
    const held = await slots.acquire(() => undefined);
    const controller = new AbortController();
    const waiting = slots.acquire(() => undefined, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow('left the queue');
    expect(slots.waiting).toBe(0);
    held();
    expect(slots.inUse).toBe(0);
  });
});
