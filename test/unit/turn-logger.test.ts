import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../main/platform/data-dir';
import { EventLog, readLog } from '../../main/sessions/event-log';
import { TurnLogger } from '../../main/sessions/turn-logger';
import { followEvent, openTimeline, type LiveTimeline, type TimelineItem } from '../../renderer/src/timeline';

const answer = (items: TimelineItem[]): string => items.flatMap((i) => (i.kind === 'answer' ? [i.text] : [])).join('');

describe('TurnLogger', () => {
  it('numbers each event in its turn; the log and the text held back hold every event up to the latest number', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-logger-')), 'events.ndjson');
    const logger = new TurnLogger(new EventLog(file), 't1');
    expect(logger.event({ type: 'started', sessionId: 'c', model: 'm', cwd: '/w' })).toBe(1);
    expect(['Hel', 'lo ', 'wor'].map((text) => logger.event({ type: 'text', text }))).toEqual([2, 3, 4]);

    // The stretch is not written yet: the file alone has a hole, with the held-back record it has not.
    expect(answer(openTimeline(readLog(file)).items)).toBe('');
    const snapshot = [...readLog(file), logger.unwritten()!];
    expect(snapshot.at(-1)).toMatchObject({ type: 'event', turnId: 't1', seq: 4, event: { type: 'text', text: 'Hello wor' } });
    let timeline: LiveTimeline | 'gap' = openTimeline(snapshot);
    expect(answer(timeline.items)).toBe('Hello wor');

    // The live events go on after it, numbered as the log numbers them.
    const live = { type: 'text' as const, text: 'ld' };
    timeline = followEvent(timeline, 't1', logger.event(live), live) as LiveTimeline;
    expect(answer(timeline.items)).toBe('Hello world');

    // Written out (here by the next kind of event), the log says the same as the snapshot did.
    expect(logger.event({ type: 'tool_use', id: 'a', name: 'Read', title: 'Read a', input: {} })).toBe(6);
    expect(logger.unwritten()).toBeUndefined();
    expect(readLog(file).flatMap((r) => (r.type === 'event' ? [r.seq] : []))).toEqual([1, 5, 6]);
    expect(openTimeline(readLog(file)).held).toEqual({ t1: 6 });
  });

  it('gives no number to an event the log refused, so the numbers the panel hears have no gap', () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-logger-')), 'not-yet');
    const logger = new TurnLogger(new EventLog(path.join(dir, 'events.ndjson')), 't1');
    expect(() => logger.event({ type: 'started', sessionId: 'c', model: 'm', cwd: '/w' })).toThrow(StorageError);
    mkdirSync(dir);
    expect(logger.event({ type: 'started', sessionId: 'c', model: 'm', cwd: '/w' })).toBe(1);
  });
});
