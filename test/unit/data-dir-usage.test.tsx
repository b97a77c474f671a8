// @vitest-environment jsdom
/**
 * The Server view's space used by part: shown as the app measures it, measured again (fresh) soon
 * after sessions are deleted (a burst of deletions is one measure), every minute, and on Refresh;
 * a failure is said, not thrown.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, StorageUsage } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { DataDirUsage, sizeText } from '../../renderer/src/views/DataDirUsage';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const MiB = 2 ** 20;
const usage = (sessions: number, at = '2026-01-01T10:00:00.000Z'): StorageUsage => ({
  dataDir: '/data',
  parts: { sessions, workspaces: 3 * MiB, transcripts: 512 * 1024, logs: 900, other: 10 },
  total: sessions + 3 * MiB + 512 * 1024 + 910,
  measuredAt: at,
});

function fakeClient(answers: Array<StorageUsage | Error>): { client: ControlClient; invoke: ReturnType<typeof vi.fn>; emit(event: ControlEvent): void } {
  const listeners = new Set<(event: ControlEvent) => void>();
  const invoke = vi.fn(async () => {
    const next = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (next instanceof Error) throw next;
    return next;
  });
  const client = {
    invoke,
    subscribe(listener: (event: ControlEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as ControlClient;
  return { client, invoke, emit: (event) => listeners.forEach((l) => l(event)) };
}

const cell = (part: string): string => document.querySelector(`tr[data-part="${part}"] td`)?.textContent ?? '';

describe('DataDirUsage', () => {
  it('shows each part, and measures again soon after sessions are deleted, once for a burst', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { client, invoke, emit } = fakeClient([usage(200 * MiB), usage(20 * MiB, '2026-01-01T10:05:00.000Z')]);
    render(<DataDirUsage client={client} />);
    await vi.waitFor(() => expect(cell('sessions')).toBe('200 MiB'));
    expect(invoke).toHaveBeenCalledWith('storage:usage', false);
    expect(cell('workspaces')).toBe('3.0 MiB');
    expect(cell('transcripts')).toBe('512 KiB');
    expect(cell('logs')).toBe('900 B');
    expect(cell('total')).toBe(sizeText(200 * MiB + 3 * MiB + 512 * 1024 + 910));

    act(() => {
      emit({ type: 'session-deleted', sessionId: 'a' });
      emit({ type: 'session-deleted', sessionId: 'b' });
      emit({ type: 'session-changed', session: { id: 'c' } as never });
    });
    await act(() => vi.advanceTimersByTimeAsync(2000));
    await vi.waitFor(() => expect(cell('sessions')).toBe('20 MiB'));
    expect(invoke.mock.calls).toEqual([['storage:usage', false], ['storage:usage', true]]);
  });

  it('asks again every minute while shown, and fresh on Refresh', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { client, invoke } = fakeClient([usage(1 * MiB), usage(2 * MiB), usage(5 * MiB)]);
    const { unmount } = render(<DataDirUsage client={client} />);
    await vi.waitFor(() => expect(cell('sessions')).toBe('1.0 MiB'));
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    await vi.waitFor(() => expect(cell('sessions')).toBe('2.0 MiB'));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await vi.waitFor(() => expect(cell('sessions')).toBe('5.0 MiB'));
    expect(invoke).toHaveBeenLastCalledWith('storage:usage', true);
    unmount();
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(invoke).toHaveBeenCalledTimes(3);
  });

  it('says when the data dir could not be measured', async () => {
    const { client } = fakeClient([new Error('EACCES: permission denied')]);
    render(<DataDirUsage client={client} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Could not measure the data dir: EACCES: permission denied');
  });
});
