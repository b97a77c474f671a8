// @vitest-environment jsdom
/**
 * The open session's timeline as live events arrive, with the events and the snapshot delivered
 * in the orders the two channels can take: each delta shows as it comes, once, and rows a delta
 * does not change are not rendered again.
 */
import { act, cleanup, render } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, LogEntry, SessionPage, SessionSummary } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { SessionsView } from '../../renderer/src/views/SessionsView';

/** Every text the Markdown renderer was asked to render: a memoised row that did not change asks nothing. */
const rendered = vi.hoisted(() => [] as string[]);
vi.mock('react-markdown', async (original) => {
  const Markdown = (await original<typeof import('react-markdown')>()).default;
  return { default: (props: { children: string }) => (rendered.push(props.children), Markdown(props)) };
});

// jsdom lays nothing out; a viewport with a height lets the virtualised rows render.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 }));
afterAll(() => clientHeight && Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight));
afterEach(() => {
  cleanup();
  rendered.length = 0;
});

const at = '2026-11-24T10:00:00.000Z';
const summary: SessionSummary = { id: 's1', title: 'Live one', role: 'developer', status: 'running', createdAt: at, updatedAt: at, turns: 2, tokens: 0, costUsd: 0 };
const prompt = (turnId: string, text: string): LogEntry => ({ type: 'prompt', at, turnId, text, images: [], resumed: null });
const textEvent = (turnId: string, seq: number, text: string): LogEntry => ({ type: 'event', at, turnId, seq, event: { type: 'text', text } });
/** A finished first turn, and the running one with what it relayed so far. */
const page = (...running: LogEntry[]): SessionPage => ({
  session: { ...summary, cwd: '/w', turns: [] },
  log: [prompt('t1', 'First question'), textEvent('t1', 1, 'First answer, done.'), prompt('t2', 'Second question'), ...running],
  start: 0,
  total: 1,
});

/** A client whose snapshots and live events the test hands over, in the order it chooses. */
function liveClient() {
  const listeners = new Set<(event: ControlEvent) => void>();
  const snapshots: Array<(page: SessionPage) => void> = [];
  const client: ControlClient = {
    invoke: ((command: string) => {
      if (command !== 'session:get') throw new Error(command);
      return new Promise<SessionPage>((resolve) => snapshots.push(resolve));
    }) as ControlClient['invoke'],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    client,
    snapshots,
    answer: (seq: number, text: string) =>
      act(() => {
        for (const listener of listeners) listener({ type: 'run-event', sessionId: 's1', turnId: 't2', seq, event: { type: 'text', text } });
      }),
    snapshot: (index: number, shown: SessionPage) => act(async () => snapshots[index]!(shown)),
  };
}

const answers = (container: HTMLElement): string[] => [...container.querySelectorAll('.item.answer .markdown')].map((a) => a.textContent ?? '');

describe('SessionsView following a running session', () => {
  it('shows the answer delta by delta, rendering again only the row that grew', async () => {
    const live = liveClient();
    const { container } = render(<SessionsView client={live.client} sessions={[summary]} />);
    await live.snapshot(0, page({ type: 'event', at, turnId: 't2', seq: 1, event: { type: 'started', sessionId: 'c', model: 'm', cwd: '/w' } }));
    expect(answers(container)).toEqual(['First answer, done.']);

    const seen: string[] = [];
    for (const [i, delta] of ['Sec', 'ond', ' ans', 'wer.'].entries()) {
      rendered.length = 0;
      live.answer(i + 2, delta);
      seen.push(answers(container)[1]!);
      // Only the answer that grew is parsed again; the finished one above is not.
      expect(rendered).toEqual([seen.at(-1)]);
    }
    expect(seen).toEqual(['Sec', 'Second', 'Second ans', 'Second answer.']);
    expect(answers(container)[0]).toBe('First answer, done.');
  });

  it('adds each event once whichever comes first, the snapshot or the event, and reloads when one never came', async () => {
    const live = liveClient();
    const { container } = render(<SessionsView client={live.client} sessions={[summary]} />);
    // Heard while the snapshot is on its way: one it holds, one that came after it was read.
    live.answer(3, 'ond ');
    live.answer(4, 'ans');
    await live.snapshot(0, page(textEvent('t2', 3, 'Second ')));
    expect(answers(container)[1]).toBe('Second ans');
    // Delivered again, or late: nothing changes.
    live.answer(4, 'ans');
    live.answer(2, 'Sec');
    expect(answers(container)[1]).toBe('Second ans');
    live.answer(5, 'wer');
    expect(answers(container)[1]).toBe('Second answer');

    // Event 6 never came: 7 is not shown with a hole before it; a new snapshot is asked for, and shown.
    expect(live.snapshots).toHaveLength(1);
    live.answer(7, '!');
    expect(answers(container)[1]).toBe('Second answer');
    expect(live.snapshots).toHaveLength(2);
    live.answer(8, '!');
    await live.snapshot(1, page(textEvent('t2', 7, 'Second answer.!')));
    expect(answers(container)[1]).toBe('Second answer.!!');
  });
});
