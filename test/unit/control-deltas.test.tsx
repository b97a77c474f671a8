// @vitest-environment jsdom
/**
 * The control channel sends changes, not snapshots: a session's change is its summary, applied in
 * place by the sessions list, the panel and the tray; the list is paged and searched by the
 * server; nothing asks for the whole state again because a turn moved on.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, ControlSnapshot, SessionList, SessionQuery, SessionSummary } from '../../common/control';
import type { TurnRecord } from '../../common/session';
import { ControlService, type TrayState } from '../../main/control/control-service';
import { followTray } from '../../main/desktop/tray-menu';
import { SessionStore } from '../../main/sessions/session-store';
import { UsageIndex } from '../../main/usage/usage-index';
import { App } from '../../renderer/src/App';
import { SessionsView } from '../../renderer/src/views/SessionsView';
import { fakeClient } from '../support/fake-control-client';
import { emptyUsage } from '../support/panel-client';

// jsdom lays nothing out; a viewport with a height, and rows with one, let the virtualised rows render.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight');
beforeAll(() => {
  // jsdom has <dialog> without its modal methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 64 });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  if (offsetHeight) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', offsetHeight);
});
afterEach(cleanup);

/** A control service over a real session store, with the rest of the app left out. */
function serviceOver(store: SessionStore): ControlService {
  return new ControlService({
    version: '0',
    claudeCli: null,
    config: { onChange: () => () => undefined, current: { settings: {}, roles: [], providers: {} }, file: 'x.yaml', error: null },
    sessions: store,
    turns: { onTurnEvent: () => () => undefined },
    keyStore: {},
    keys: () => undefined,
    components: { api: { state: { name: 'api', state: 'running', url: null, pid: 1, startedAt: null, lastError: null } }, proxy: { state: { name: 'proxy', state: 'running', url: null, pid: 1, startedAt: null, lastError: null } } },
    connection: () => ({ baseUrl: '', apiKey: 'k', headers: {} }),
    requests: () => [],
    services: { list: () => [{ name: 'svc', kind: 'process', state: 'running', pid: 2, startedAt: null, lastError: null, restarts: 0, health: 'ok', output: ['a line'] }] },
    storage: () => ({ dataDir: '/d', freeBytes: null }),
    usage: new UsageIndex(),
  } as unknown as ConstructorParameters<typeof ControlService>[0]);
}

function running(id: string): TurnRecord {
  return { id, parentKey: 'k0', user: 'u', assistant: '', status: 'running', delivered: false, startedAt: new Date().toISOString(), target: 'p:m' };
}

describe('ControlService', () => {
  it('pages and searches the sessions itself, the latest changed first', async () => {
    const store = new SessionStore(mkdtempSync(path.join(os.tmpdir(), 'helix-ctl-')));
    store.load();
    const control = serviceOver(store);
    for (let i = 0; i < 25; i++) store.create({ role: i % 5 === 0 ? 'coder' : 'consultant', title: `Chat ${i}` });
    const list = (query: SessionQuery): SessionList => control.handlers['sessions:list'](query) as SessionList;
    const first = list({ limit: 10 });
    expect(first.total).toBe(25);
    expect(first.sessions.map((s) => s.title)).toEqual(Array.from({ length: 10 }, (_, i) => `Chat ${24 - i}`));
    expect(list({ offset: 20, limit: 10 }).sessions.map((s) => s.title)).toEqual(['Chat 4', 'Chat 3', 'Chat 2', 'Chat 1', 'Chat 0']);
    expect(list({ query: 'CODER' })).toMatchObject({ total: 5, sessions: [{ title: 'Chat 20' }, { title: 'Chat 15' }, { title: 'Chat 10' }, { title: 'Chat 5' }, { title: 'Chat 0' }] });
    const busy = store.list()[7]!;
    busy.turns.push(running('t1'));
    store.touch(busy);
    expect(list({ status: 'running' }).sessions.map((s) => s.id)).toEqual([busy.id]);
    expect(list({ limit: 1 }).sessions[0]?.id).toBe(busy.id);
    await store.flush();
  });

  it('sends a change as the session summary, keeps the running count from changes, and leaves sessions, requests and output out of the state', async () => {
    const store = new SessionStore(mkdtempSync(path.join(os.tmpdir(), 'helix-ctl-')));
    store.load();
    const control = serviceOver(store);
    const heard: ControlEvent[] = [];
    control.subscribe((event) => heard.push(event));
    const session = store.create({ role: 'r', title: 'One' });
    session.turns.push(running('t1'));
    store.touch(session);
    expect(heard.at(-1)).toMatchObject({ type: 'session-changed', session: { id: session.id, status: 'running', turns: 1, target: 'p:m' } });
    expect(control.runningCount).toBe(1);
    session.turns[0]!.status = 'done';
    store.touch(session);
    expect(control.runningCount).toBe(0);
    const state = control.snapshot() as ControlSnapshot & Record<string, unknown>;
    expect(state.sessions).toBeUndefined();
    expect(state.requests).toBeUndefined();
    expect(state.services).toEqual([expect.not.objectContaining({ output: expect.anything() })]);
    expect(control.handlers['service:output']('svc')).toEqual(['a line']);
    expect(await control.handlers['session:delete'](session.id)).toEqual({ deleted: true });
    expect(heard.at(-1)).toEqual({ type: 'session-deleted', sessionId: session.id });
  });
});

describe('the tray', () => {
  it('is built again for a change of state or of the number of runs, not for every change of a session', () => {
    let runningCount = 0;
    const listeners: Array<(event: ControlEvent) => void> = [];
    const built: TrayState[] = [];
    const source = {
      trayState: (): TrayState => ({ components: [], config: {} as TrayState['config'], running: runningCount, approvals: [], todayCostUsd: 0 }),
      get runningCount() {
        return runningCount;
      },
      subscribe: (listener: (event: ControlEvent) => void) => (listeners.push(listener), () => undefined),
    };
    followTray(source, (state) => built.push(state));
    const send = (event: ControlEvent): void => listeners.forEach((l) => l(event));
    const changed = { type: 'session-changed', session: {} as SessionSummary } as const;
    expect(built).toHaveLength(1);
    runningCount = 1;
    send(changed);
    expect(built.map((s) => s.running)).toEqual([0, 1]);
    for (let i = 0; i < 5; i++) send(changed); // the same run goes on
    send({ type: 'run-event', sessionId: 's', turnId: 't', seq: 1, event: { type: 'text', text: 'x' } });
    expect(built).toHaveLength(2);
    send({ type: 'state-changed' });
    expect(built).toHaveLength(3);
  });
});

const at = '2026-11-24T10:00:00.000Z';
const summary = (id: string, title: string, status: SessionSummary['status'] = 'done'): SessionSummary => ({ id, title, role: 'developer', status, createdAt: at, updatedAt: at, turns: 1, tokens: 0, costUsd: 0 });

/** A client serving `sessions` as the server would, counting the commands, with events the test sends. */
function listClient(sessions: SessionSummary[]) {
  const client = fakeClient((command, ...args) => {
    const arg = args[0] as SessionQuery;
    if (command === 'sessions:list') {
      const matching = sessions.filter((s) => !arg.query || s.title.toLowerCase().includes(arg.query.toLowerCase()));
      return { sessions: matching.slice(arg.offset ?? 0, (arg.offset ?? 0) + (arg.limit ?? 100)), total: matching.length, offset: arg.offset ?? 0 };
    }
    if (command === 'session:get') return { session: { ...sessions[0], cwd: '/w', turns: [] }, log: [], start: 0, total: 0 };
    if (command === 'state:get') return snapshot;
    if (command === 'session:delete') return { deleted: true };
    if (command === 'usage:get') return emptyUsage();
    throw new Error(command);
  });
  return {
    client,
    /** The commands asked so far. */
    get calls(): string[] {
      return client.calls.map((call) => call.command);
    },
    send: (event: ControlEvent): void => act(() => client.emit(event)),
  };
}

const titles = (): string[] => [...within(screen.getByRole('list', { name: 'Sessions' })).queryAllByRole('button')].map((b) => b.querySelector('.title')?.textContent ?? '');

describe('the sessions list', () => {
  it('applies each change in place: updated, moved to the top, added, filtered out, removed — without asking for the list again', async () => {
    const live = listClient([summary('a', 'Alpha'), summary('b', 'Beta'), summary('c', 'Gamma')]);
    render(<SessionsView client={live.client} />);
    await vi.waitFor(() => expect(titles()).toEqual(['Alpha', 'Beta', 'Gamma']));
    const asked = live.calls.filter((c) => c === 'sessions:list').length;

    live.send({ type: 'session-changed', session: summary('c', 'Gamma', 'running') });
    expect(titles()).toEqual(['Gamma', 'Alpha', 'Beta']);
    expect(document.querySelector('.session .status.running')?.textContent).toBe('running');
    live.send({ type: 'session-changed', session: summary('d', 'Delta') });
    expect(titles()).toEqual(['Delta', 'Gamma', 'Alpha', 'Beta']);
    live.send({ type: 'session-deleted', sessionId: 'a' });
    expect(titles()).toEqual(['Delta', 'Gamma', 'Beta']);
    expect(live.calls.filter((c) => c === 'sessions:list')).toHaveLength(asked);
  });

  it('searches on the server, and a change that no longer matches the search leaves the list', async () => {
    const live = listClient([summary('a', 'Alpha'), summary('b', 'Beta'), summary('c', 'Alphabet')]);
    render(<SessionsView client={live.client} />);
    await vi.waitFor(() => expect(titles()).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Search sessions'), { target: { value: 'alp' } });
    await vi.waitFor(() => expect(titles()).toEqual(['Alpha', 'Alphabet']));
    live.send({ type: 'session-changed', session: summary('c', 'Renamed') });
    expect(titles()).toEqual(['Alpha']);
    live.send({ type: 'session-changed', session: summary('b', 'Alpine') });
    expect(titles()).toEqual(['Alpine', 'Alpha']);
  });

  it('deletes a session after asking, and the list drops it when the server says it is gone', async () => {
    const live = listClient([summary('a', 'Alpha'), summary('b', 'Beta')]);
    render(<SessionsView client={live.client} />);
    await vi.waitFor(() => expect(titles()).toEqual(['Alpha', 'Beta']));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete session Alpha' }));
    expect(live.calls).not.toContain('session:delete');
    fireEvent.click(screen.getByRole('button', { name: 'Delete the session' }));
    await vi.waitFor(() => expect(live.calls).toContain('session:delete'));
    live.send({ type: 'session-deleted', sessionId: 'a' });
    expect(titles()).toEqual(['Beta']);
  });

  it('loads further pages as the list is scrolled to its end', async () => {
    const many = Array.from({ length: 250 }, (_, i) => summary(`s${i}`, `Chat ${i}`));
    const live = listClient(many);
    render(<SessionsView client={live.client} />);
    await vi.waitFor(() => expect(titles().length).toBeGreaterThan(0));
    expect(live.calls.filter((c) => c === 'sessions:list')).toHaveLength(1);
    const scroller = document.querySelector('.session-list') as HTMLElement;
    await act(async () => {
      scroller.scrollTop = 100 * 64;
      scroller.dispatchEvent(new Event('scroll'));
    });
    await vi.waitFor(() => expect(live.calls.filter((c) => c === 'sessions:list')).toHaveLength(2));
  });
});

const snapshot: ControlSnapshot = {
  version: '0.1.0',
  claudeCli: '/usr/bin/claude',
  components: [],
  config: { file: 'x.yaml', settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' }, error: null, undo: null, roles: [], providers: [] },
  connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'k', headers: {} },
  services: [],
  live: [],
  approvals: [],
  storage: { dataDir: '/data', freeBytes: null },
};

describe('the panel', () => {
  it('asks for its state again on a change of state, never on a change of a session', async () => {
    const live = listClient([summary('a', 'Alpha')]);
    render(<App client={live.client} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Sessions' }));
    await vi.waitFor(() => expect(titles()).toEqual(['Alpha']));
    const states = (): number => live.calls.filter((c) => c === 'state:get').length;
    expect(states()).toBe(1);
    for (let i = 0; i < 5; i++) live.send({ type: 'session-changed', session: { ...summary('a', 'Alpha', 'running'), turns: i } });
    expect(states()).toBe(1);
    live.send({ type: 'state-changed' });
    expect(states()).toBe(2);
  });
});
