// @vitest-environment jsdom
/**
 * What can be done to the open session from its timeline: rename it in place (Enter saves, Escape
 * cancels, a refusal is shown), copy an answer, open its folder (desktop only), delete it after a
 * confirmation that names it.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, SessionPage, SessionSummary } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { SessionsView } from '../../renderer/src/views/SessionsView';
import { renderWithToasts } from '../support/panel-render';

const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  // jsdom has no <dialog> methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});
afterAll(() => clientHeight && Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight));
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const at = '2026-11-24T10:00:00.000Z';
const summary: SessionSummary = { id: 's1', title: 'Old title', role: 'developer', status: 'done', createdAt: at, updatedAt: at, turns: 1, tokens: 0, costUsd: 0 };
const page: SessionPage = {
  session: { ...summary, cwd: '/w', turns: [] },
  log: [
    { type: 'prompt', at, turnId: 't1', text: 'Question', images: [], resumed: null },
    { type: 'event', at, turnId: 't1', seq: 1, event: { type: 'text', text: 'The **answer**, in Markdown.' } },
  ],
  start: 0,
  total: 1,
};

/** A client that answers like the service: `refuse` decides a rename's fate; every call is recorded. */
function client(options: { desktop?: boolean; refuse?: (title: string) => string | undefined } = {}) {
  const listeners = new Set<(event: ControlEvent) => void>();
  const calls: unknown[][] = [];
  let current = summary;
  const emit = (event: ControlEvent): void => listeners.forEach((l) => l(event));
  const c: ControlClient = {
    invoke: (async (command: string, ...args: unknown[]) => {
      calls.push([command, ...args]);
      if (command === 'sessions:list') return { sessions: [current], total: 1, offset: 0 };
      if (command === 'session:get') return page;
      if (command === 'session:rename') {
        const problem = options.refuse?.(args[1] as string);
        if (problem) throw new Error(problem);
        current = { ...current, title: (args[1] as string).trim() };
        emit({ type: 'session-changed', session: current });
        return current;
      }
      if (command === 'session:open-folder') return { folder: '/w' };
      if (command === 'session:delete') return { deleted: true };
      throw new Error(command);
    }) as ControlClient['invoke'],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    capabilities: options.desktop ? { openFolder: true, pickFolder: true } : undefined,
  };
  return { client: c, calls };
}

describe('renaming the open session', () => {
  it('Enter saves the new title: the header and the sessions list show it, and focus goes back to Rename', async () => {
    const { client: c, calls } = client();
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename session "Old title"' }));
    const field = screen.getByRole('textbox', { name: 'Session title' }) as HTMLInputElement;
    expect(field.value).toBe('Old title');
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: '  New title  ' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    await screen.findByRole('button', { name: 'Rename session "New title"' });
    expect(calls).toContainEqual(['session:rename', 's1', 'New title']);
    expect(screen.getByRole('heading', { name: 'New title' })).toBeTruthy();
    // The list row, updated by the session-changed event.
    expect(screen.getByRole('list', { name: 'Sessions' }).textContent).toContain('New title');
    // Focus comes back once the field has gone (an effect after the render that shows the title).
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Rename session "New title"' })));
  });

  it('Escape cancels: nothing is sent and the title stays', async () => {
    const { client: c, calls } = client();
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename session "Old title"' }));
    const field = screen.getByRole('textbox', { name: 'Session title' });
    fireEvent.change(field, { target: { value: 'Never saved' } });
    fireEvent.keyDown(field, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Session title' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Old title' })).toBeTruthy();
    expect(calls.some(([command]) => command === 'session:rename')).toBe(false);
  });

  it('shows why a title is refused, by the service or at once when empty, and keeps the field open', async () => {
    const { client: c, calls } = client({ refuse: (title) => (title.includes('/') ? 'A title cannot hold a slash (test refusal).' : undefined) });
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rename session "Old title"' }));
    const field = screen.getByRole('textbox', { name: 'Session title' });
    fireEvent.change(field, { target: { value: 'a/b' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toBe('A title cannot hold a slash (test refusal).');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(field, { target: { value: '   ' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toBe('A title cannot be empty.');
    expect(calls.filter(([command]) => command === 'session:rename')).toHaveLength(1);
    expect(screen.getByRole('textbox', { name: 'Session title' })).toBeTruthy();
  });
});

describe('copying an answer', () => {
  it('copies the Markdown text and says "Copied"', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    const { client: c } = client();
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy this answer as Markdown' }));
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('The **answer**, in Markdown.');
  });

  it('falls back to the copy command when the Clipboard API refuses', async () => {
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: () => Promise.reject(new Error('not allowed')) } });
    const copied: string[] = [];
    document.execCommand = vi.fn((command: string) => {
      copied.push(`${command}:${(document.activeElement as HTMLTextAreaElement).value}`);
      return true;
    });
    const { client: c } = client();
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Copy this answer as Markdown' }));
    await vi.waitFor(() => expect(screen.getByRole('status').textContent).toBe('Copied'));
    expect(copied).toEqual(['copy:The **answer**, in Markdown.']);
    expect(document.querySelector('textarea')).toBeNull();
  });
});

describe('the open folder button', () => {
  it('is not there in a browser', async () => {
    const { client: c } = client();
    render(<SessionsView client={c} />);
    await screen.findByRole('button', { name: 'Rename session "Old title"' });
    expect(screen.queryByRole('button', { name: 'Open folder' })).toBeNull();
  });

  it('in the desktop window, asks the main process to open the session folder', async () => {
    const { client: c, calls } = client({ desktop: true });
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open folder' }));
    await vi.waitFor(() => expect(calls).toContainEqual(['session:open-folder', 's1']));
  });
});

describe('deleting the session', () => {
  it('asks first, naming the session; Cancel keeps it, confirming deletes it', async () => {
    const { client: c, calls } = client();
    render(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete session Old title' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete the session "Old title"?' });
    expect(dialog.textContent).toContain("Claude Code's transcripts");
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls.some(([command]) => command === 'session:delete')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Delete session Old title' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete the session' })));
    expect(calls).toContainEqual(['session:delete', 's1']);
  });

  it('says how it went in a toast: deleted, or why not', async () => {
    const { client: c } = client();
    renderWithToasts(<SessionsView client={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete session Old title' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete the session' })));
    await screen.findByText('Session "Old title" deleted, with all its files.');
    cleanup();

    const { client: refusing } = client();
    const invoke = refusing.invoke;
    refusing.invoke = (async (command: string, ...args: unknown[]) => {
      if (command === 'session:delete') throw new Error('The session has a turn in flight: cancel it first.');
      return (invoke as (...a: unknown[]) => Promise<unknown>)(command, ...args);
    }) as ControlClient['invoke'];
    renderWithToasts(<SessionsView client={refusing} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Delete session Old title' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete the session' })));
    await screen.findByText('The session has a turn in flight: cancel it first.');
    expect(screen.getByText('"Old title" not deleted')).toBeTruthy();
  });
});
