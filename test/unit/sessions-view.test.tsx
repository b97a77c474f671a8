// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry, SessionList, SessionPage, SessionSummary } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { SessionsView } from '../../renderer/src/views/SessionsView';
import { fakeClient } from '../support/fake-control-client';

afterEach(cleanup);

const at = '2026-11-24T10:00:00.000Z';
const summary: SessionSummary = { id: 's1', title: 'Long one', role: 'developer', status: 'done', createdAt: at, updatedAt: at, turns: 3, tokens: 0, costUsd: 0 };

/** Three turns, served two records a page (positions counted in records here, in bytes by the service). */
const log: LogEntry[] = [1, 2, 3].flatMap((n) => [
  { type: 'prompt', at, turnId: `t${n}`, text: `Question ${n}`, images: [], resumed: null },
  { type: 'event', at, turnId: `t${n}`, event: { type: 'text', text: `Answer ${n}` } },
]);

function pagingClient(): ControlClient {
  const invoke = async (command: string, _id: string, before = log.length): Promise<SessionPage | SessionList> => {
    if (command === 'sessions:list') return { sessions: [summary], total: 1, offset: 0 };
    if (command !== 'session:get') throw new Error(command);
    const start = Math.max(0, before - 2);
    return { session: { ...summary, cwd: '/w', turns: [] }, log: log.slice(start, before), start, total: log.length };
  };
  return { invoke: invoke as ControlClient['invoke'], subscribe: () => () => undefined };
}

describe('SessionsView with a long session', () => {
  it('opens on the latest turns and loads earlier ones on request', async () => {
    render(<SessionsView client={pagingClient()} />);
    // jsdom lays nothing out, so the virtualised rows are not rendered: the count tells what is loaded.
    const earlier = await screen.findByRole('button', { name: 'Load earlier turns (67% of the log not shown)' });
    fireEvent.click(earlier);
    await screen.findByRole('button', { name: 'Load earlier turns (33% of the log not shown)' });
    fireEvent.click(screen.getByRole('button', { name: 'Load earlier turns (33% of the log not shown)' }));
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: /Load earlier/ })).toBeNull());
  });

  it('exports the whole session, not just the loaded page', async () => {
    const blobs: Blob[] = [];
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), 'blob:export');
    URL.revokeObjectURL = () => undefined;
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    render(<SessionsView client={pagingClient()} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export as Markdown' }));
    await vi.waitFor(() => expect(blobs).toHaveLength(1));
    const markdown = await new Promise<string>((resolve) => {
      const reader = new FileReader(); // jsdom's Blob has no text()
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(blobs[0]!);
    });
    expect(['Question 1', 'Answer 1', 'Question 2', 'Answer 2', 'Question 3', 'Answer 3'].map((t) => markdown.indexOf(t)).every((p, i, all) => p > (all[i - 1] ?? -1))).toBe(true);
    expect((clicked.mock.contexts[0] as HTMLAnchorElement).download).toBe('long-one.md');
    clicked.mockRestore();
  });

  it('asks again for the list and the open session when the event stream comes back after a break', async () => {
    const client = fakeClient((command, ...args) => (pagingClient().invoke as (...a: unknown[]) => unknown)(command, ...args));
    render(<SessionsView client={client} />);
    await screen.findByRole('button', { name: /Load earlier turns/ });
    const asked = (command: string): number => client.calls.filter((c) => c.command === command).length;
    const [lists, sessions] = [asked('sessions:list'), asked('session:get')];
    act(() => client.emit({ type: 'reconnected' }));
    await vi.waitFor(() => expect([asked('sessions:list'), asked('session:get')]).toEqual([lists + 1, sessions + 1]));
  });
});
