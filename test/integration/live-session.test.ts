/**
 * A running session opened in the panel mid-answer, with the real claude CLI against a fake
 * upstream that streams slowly: the snapshot shows every word relayed so far, and the live events
 * continue it with no gap and no word twice, wherever the snapshot falls among them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlEvent, SessionPage } from '../../common/control';
import { followEvent, openTimeline, type LiveTimeline, type TimelineItem } from '../../renderer/src/timeline';
import { text } from '../support/fake-anthropic';
import { chatBody, parseSse, contentOf, startHarness, type Harness } from '../support/helix-harness';

/** Well under the 2,000 characters the log holds back before writing a stretch of text. */
const ANSWER = 'Streaming slowly, word by word, so the panel can open in the middle of it and still show every word exactly once, in order, to the end.';

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness(() => text(ANSWER, { chunkSize: 3, delayMs: 25 }));
  base = h.core.controlUrl.split('/#')[0]!;
});
afterAll(() => h.close());

async function sessionGet(sessionId: string): Promise<SessionPage> {
  const response = await fetch(`${base}/control/session:get`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.core.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ args: [sessionId] }),
  });
  return ((await response.json()) as { data: SessionPage }).data;
}

/** The panel's event stream: every event in the order it arrives. */
function followControlEvents(): { events: ControlEvent[]; open: Promise<unknown>; stop: () => Promise<void> } {
  const events: ControlEvent[] = [];
  const controller = new AbortController();
  const open = fetch(`${base}/control/events?token=${h.core.controlToken}`, { signal: controller.signal });
  const reading = (async () => {
    const stream = await open;
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let pending = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ControlEvent);
    }
  })();
  return {
    events,
    open,
    stop: async () => {
      controller.abort();
      await reading.catch(() => undefined);
    },
  };
}

const answerOf = (items: TimelineItem[]): string =>
  items
    .filter((i) => i.kind === 'answer')
    .map((i) => i.text)
    .join('');

describe('opening a running session', () => {
  it('shows all text relayed so far, then the rest live, with no hole and no duplicate', async () => {
    const control = followControlEvents();
    await control.open; // the panel's stream is open before the chat starts
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Stream slowly'), headers: { 'x-helix-chat-id': 'live-1' } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let body = '';
    // Snapshots taken at several points of the answer, each with what the chat client had then.
    const snapshots: Array<{ relayed: string; page: SessionPage }> = [];
    const thresholds = [12, 45, 90];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
      const relayed = contentOf(parseSse(body.slice(0, body.lastIndexOf('\n\n') + 2)).events);
      if (thresholds.length > 0 && relayed.length >= thresholds[0]! && relayed.length < ANSWER.length) {
        thresholds.shift();
        const sessionId = h.core.sessions.findByChatId('live-1')!.id;
        snapshots.push({ relayed, page: await sessionGet(sessionId) });
      }
    }
    expect(contentOf(parseSse(body).events)).toBe(ANSWER);
    await new Promise((r) => setTimeout(r, 200));
    await control.stop();
    expect(snapshots.length).toBeGreaterThanOrEqual(1); // three, unless the stream came in larger pieces

    const runEvents = control.events.filter((e) => e.type === 'run-event');
    expect(runEvents.filter((e) => e.event.type === 'text').length).toBeGreaterThan(10); // delta by delta
    const shownOnOpening: string[] = [];
    for (const { relayed, page } of snapshots) {
      // On opening: every word the chat client had already received.
      const opened = openTimeline(page.log);
      shownOnOpening.push(answerOf(opened.items));
      expect(answerOf(opened.items).startsWith(relayed)).toBe(true);
      // Then live, as the panel adds them: every event heard since its stream opened, those the
      // snapshot already holds (heard before it was read, or delivered after it) included.
      let timeline: LiveTimeline | 'gap' = opened;
      for (const e of runEvents) if (timeline !== 'gap') timeline = followEvent(timeline, e.turnId, e.seq, e.event);
      expect(timeline).not.toBe('gap');
      expect(answerOf((timeline as LiveTimeline).items)).toBe(ANSWER);
    }
    // The first opening came mid-answer: the rest did arrive live.
    expect(shownOnOpening[0]!.length).toBeLessThan(ANSWER.length);
  });
});
