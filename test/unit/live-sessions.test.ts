/**
 * The bounds on warm processes: least recently used idle one closed first, busy ones never, a
 * turn without a free slot runs cold, an idle one closed after its time. Processes are stand-ins
 * that record how they were ended.
 */
import { describe, expect, it } from 'vitest';
import { LiveSessions, type Warm } from '../../main/turns/live-sessions';
import type { LiveSession } from '../../main/runner/live-session';
import { LiveStateMachine } from '../../main/runner/live-state';

function warm(chat: string, lastUsed: number, busy = false, kept = true): Warm & { closedWith: () => string | undefined } {
  const machine = new LiveStateMachine();
  let closedWith: string | undefined;
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const live = {
    pid: 1000 + lastUsed,
    sessionId: `s-${chat}`,
    get state() {
      return machine.state;
    },
    exited,
    onState: (listener: Parameters<LiveStateMachine['onChange']>[0]) => machine.onChange(listener),
    rssBytes: () => 100,
    close(reason: string) {
      closedWith = reason;
      if (!machine.ended) machine.to('closing', reason);
      exit();
      return exited;
    },
  } as unknown as LiveSession;
  return { chat, live, launch: { signature: '', provider: 'p', proxied: true, model: 'm', permissionMode: 'default' }, busy, kept, startedAt: 0, lastUsed, closedWith: () => closedWith };
}

describe('warm process bounds', () => {
  it('closes the least recently used idle process for a new one, never a busy one', () => {
    const pool = new LiveSessions();
    const a = warm('a', 1);
    const b = warm('b', 0, true);
    const c = warm('c', 2);
    for (const w of [a, b, c]) pool.add(w);
    expect(pool.makeRoom(3)).toBe(true);
    expect(a.closedWith()).toContain('least recently used');
    expect([b.closedWith(), c.closedWith()]).toEqual([undefined, undefined]);
    expect(pool.get('a')).toBeUndefined();
    expect(pool.size).toBe(2);
  });

  it('says "run cold" when every slot is busy, or the limit is 0, and closes nothing', () => {
    const pool = new LiveSessions();
    const a = warm('a', 1, true);
    pool.add(a);
    expect(pool.makeRoom(1)).toBe(false);
    expect(a.closedWith()).toBeUndefined();
    expect(new LiveSessions().makeRoom(0)).toBe(false);
  });

  it('closes a process that ran cold after its turn, and a kept one after its idle time', async () => {
    const pool = new LiveSessions();
    const cold = warm('cold', 1, false, false);
    pool.add(cold);
    pool.claim(cold);
    pool.release(cold, 600);
    expect(cold.closedWith()).toContain('ran cold');

    const kept = warm('kept', 2);
    pool.add(kept);
    pool.claim(kept);
    pool.release(kept, 0.05);
    expect(kept.closedWith()).toBeUndefined();
    expect(pool.list()).toMatchObject([{ chat: 'kept', pid: 1002, idleSeconds: 0, rssBytes: 100 }]);
    await expect.poll(() => kept.closedWith()).toBe('idle for 0.05 s');
    expect(pool.list()).toEqual([]);
  });

  it('a busy process cannot be closed from the panel; an idle one can', () => {
    const pool = new LiveSessions();
    const a = warm('a', 1, true);
    pool.add(a);
    expect(pool.close('a')).toBe(false);
    expect(pool.close('nobody')).toBe(false);
    a.busy = false;
    expect(pool.close('a')).toBe(true);
    expect(a.closedWith()).toBe('closed from the panel');
  });
});
