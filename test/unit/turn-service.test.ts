/**
 * The turn orchestrator on its own: a real session store in a temporary folder, the real run
 * slots, a stand-in runner that emits run events and ends runs when the test says so, and a clock
 * the test moves. Which session a request lands in, how its context is picked up (the warm
 * conversation, a fork, a seeded transcript), the order of turns, the queue, the retry window,
 * a full disk at the start of a turn, and cancel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { StorageError } from '../../main/platform/data-dir';
import type { Clock } from '../../main/platform/clock';
import { parseConfig, type HelixConfig, type Role } from '../../main/providers/load-config';
import type { LiveOutcome, LiveTurn } from '../../main/runner/live-session';
import { conversationKey, type Conversation, type Exchange } from '../../main/sessions/conversation';
import { EventLog } from '../../main/sessions/event-log';
import { SessionStore } from '../../main/sessions/session-store';
import type { RunInput, RunService } from '../../main/turns/run-service';
import { RunSlots } from '../../main/turns/run-slots';
import type { TurnEvent, TurnHandle } from '../../main/turns/turn-handle';
import { TurnService, type TurnRequest } from '../../main/turns/turn-service';

const config: HelixConfig = parseConfig(
  'providers:\n  local:\n    type: anthropic\n    base_url: http://127.0.0.1:9\n    api_key_env: LOCAL_KEY\ndefaults:\n  consultant: "local:m"\n',
  '/nowhere/llm-providers.yaml',
);
const role: Role = config.roles[0]!;
const MINUTE = 60_000;

/** A run the stand-in runner started: the test ends it. */
interface FakeRun {
  input: RunInput;
  emit: (event: RunEvent) => void;
  cancelled: boolean;
  /** Reports the Claude Code session, streams the answer and ends the run with its message uuid. */
  answer: (text: string, claudeSessionId: string, messageUuid: string) => void;
  fail: (code: 'upstream_unavailable' | 'cancelled') => void;
}

/** The runner surface TurnService uses: start a run, get its events and outcome. */
class FakeRuns implements Pick<RunService, 'start'> {
  readonly started: FakeRun[] = [];

  start(_role: Role, _config: HelixConfig, input: RunInput, onEvent: (event: RunEvent) => void): Promise<LiveTurn> {
    let settle!: (outcome: LiveOutcome) => void;
    const done = new Promise<LiveOutcome>((resolve) => (settle = resolve));
    const run: FakeRun = {
      input,
      emit: onEvent,
      cancelled: false,
      answer: (text, claudeSessionId, messageUuid) => {
        onEvent({ type: 'started', sessionId: claudeSessionId, model: 'm', cwd: input.cwd });
        onEvent({ type: 'text', text });
        settle({ ok: true, messageUuid, result: result(text, claudeSessionId) });
      },
      fail: (code) => settle({ ok: false, error: { code, detail: code } }),
    };
    this.started.push(run);
    return Promise.resolve({
      pid: 4242,
      cancel: () => {
        run.cancelled = true;
        settle({ ok: false, error: { code: 'cancelled', detail: 'the run was cancelled' } });
      },
      done,
    });
  }

  /** The run started `index`-th, once it has started. */
  async run(index: number): Promise<FakeRun> {
    await vi.waitFor(() => expect(this.started.length).toBeGreaterThan(index), { timeout: 2000, interval: 2 });
    return this.started[index]!;
  }
}

function result(text: string, sessionId: string) {
  return { isError: false, subtype: 'success', text, errors: [], sessionId, usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 }, costUsd: 0, durationMs: 1, numTurns: 1, apiErrorStatus: null, apiFailed: false };
}

class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-03-01T10:00:00.000Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

const conversation = (history: Exchange[], user: string): Conversation => ({ system: '', history, user, images: [], historyKey: conversationKey(history) });
const request = (history: Exchange[], user: string, chatId?: string): TurnRequest => ({ role, config, conversation: conversation(history, user), chatId });

/** A client following the turn to its end; resolves with every event it received. */
function follow(handle: TurnHandle): Promise<TurnEvent[]> {
  return new Promise((resolve) => {
    const events: TurnEvent[] = [];
    handle.subscribe((event) => {
      events.push(event);
      if (event.type === 'finished') resolve(events);
    });
  });
}

/** Waits until the turn is recorded as ended (its `finish` ran). */
const ended = (turn: TurnRecord) => vi.waitFor(() => expect(turn.endedAt).toBeDefined(), { timeout: 2000, interval: 2 });

let dir: string;
let store: SessionStore;
let runs: FakeRuns;
let clock: FakeClock;
let turns: TurnService;

function service(maxRuns = 4): void {
  runs = new FakeRuns();
  clock = new FakeClock();
  turns = new TurnService(store, runs, new RunSlots(maxRuns), { clock });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'helix-turns-'));
  store = new SessionStore(dir);
  store.load();
  service();
});
afterEach(async () => {
  vi.restoreAllMocks();
  turns.cancelAll();
  await store.flush();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one turn to its end with a following client; returns its records. */
async function turnOf(req: TurnRequest, answer: string, claudeSessionId: string, messageUuid: string): Promise<{ session: SessionRecord; turn: TurnRecord; run: FakeRun }> {
  const { handle, session, turn } = turns.begin(req);
  const followed = follow(handle);
  const run = await runs.run(runs.started.length);
  run.answer(answer, claudeSessionId, messageUuid);
  await followed;
  await ended(turn);
  return { session, turn, run };
}

describe('which session a request lands in', () => {
  it('the chat id names it: the same id, the same session; another id, another one', async () => {
    const a1 = await turnOf(request([], 'one', 'chat-a'), 'A1', 'cs-a', 'm1');
    const a2 = await turnOf(request([{ user: 'one', assistant: 'A1' }], 'two', 'chat-a'), 'A2', 'cs-a', 'm2');
    const b = await turnOf(request([], 'one', 'chat-b'), 'B1', 'cs-b', 'm1');
    expect(a2.session).toBe(a1.session);
    expect(b.session).not.toBe(a1.session);
    expect(a1.session.turns.map((t) => t.user)).toEqual(['one', 'two']);
    expect(a1.session.title).toBe('one');
  });

  it('without a chat id, a history that ends in a recorded turn finds its session; a first message starts a new one', async () => {
    const first = await turnOf(request([], 'hello'), 'Hi.', 'cs-1', 'm1');
    const next = await turnOf(request([{ user: 'hello', assistant: 'Hi.' }], 'more'), 'More.', 'cs-1', 'm2');
    expect(next.session).toBe(first.session);
    const again = await turnOf(request([], 'hello'), 'Hi again.', 'cs-2', 'm1');
    expect(again.session).not.toBe(first.session);
    // A history Helix never recorded: a session of its own, titled by its first message.
    const foreign = await turnOf(request([{ user: 'elsewhere', assistant: 'x' }], 'go on'), 'Ok.', 'cs-3', 'm1');
    expect([first.session.id, again.session.id]).not.toContain(foreign.session.id);
    expect(foreign.session.title).toBe('elsewhere');
  });
});

describe('where a turn picks up its conversation', () => {
  const h1 = { user: 'one', assistant: 'A1' };
  const h2 = { user: 'two', assistant: 'A2' };

  it('a first message starts a new Claude Code session with the message alone', async () => {
    const { run } = await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    expect(run.input.from).toBeUndefined();
    expect(run.input.prompt).toBe('one');
  });

  it("a follow-up of the session's latest turn continues it in place, with the new message alone", async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const { run, turn } = await turnOf(request([h1], 'two', 'c'), 'A2', 'cs', 'm2');
    expect(run.input.from).toEqual({ sessionId: 'cs', messageUuid: 'm1', atTip: true });
    expect(run.input.prompt).toBe('two');
    expect(turn.claudeMessageUuid).toBe('m2');
  });

  it('a regenerate forks at the message before the answer it replaces; the old branch then resumes in place', async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    await turnOf(request([h1], 'two', 'c'), 'A2', 'cs', 'm2');
    const regenerated = await turnOf(request([h1], 'two', 'c'), 'A2 again', 'fork', 'f2');
    expect(regenerated.run.input.from).toEqual({ sessionId: 'cs', messageUuid: 'm1', atTip: false });
    expect(regenerated.run.input.prompt).toBe('two');
    // Going back to the first answer of turn two: the original session, still at its tip.
    const back = await turnOf(request([h1, h2], 'three', 'c'), 'A3', 'cs', 'm3');
    expect(back.run.input.from).toEqual({ sessionId: 'cs', messageUuid: 'm2', atTip: true });
  });

  it('after a failed turn the session goes on in place from the last completed one', async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const failing = turns.begin(request([h1], 'two', 'c'));
    const failed = await runs.run(1);
    failed.emit({ type: 'started', sessionId: 'cs', model: 'm', cwd: failed.input.cwd }); // the CLI went on in the session, then the provider failed
    failed.fail('upstream_unavailable');
    await ended(failing.turn);
    expect(failing.turn.status).toBe('failed');
    const { run } = await turnOf(request([h1], 'two', 'c'), 'A2', 'cs', 'm2');
    expect(run.input.from).toEqual({ sessionId: 'cs', messageUuid: 'm1', atTip: true });
  });

  it('an edited answer (a history no turn recorded) starts a new session seeded with the transcript', async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const { run } = await turnOf(request([{ user: 'one', assistant: 'A1, edited' }], 'two', 'c'), 'A2', 'cs2', 'm1');
    expect(run.input.from).toBeUndefined();
    expect(run.input.prompt).toContain('<conversation>');
    expect(run.input.prompt).toContain('A1, edited');
    expect(run.input.prompt).toMatch(/two$/);
  });

  it('a turn recorded in another folder is not resumed there: the transcript seeds a new session', async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const elsewhere: Role = { ...role, cwd: path.join(dir, 'project') };
    const { run } = await turnOf({ ...request([h1], 'two', 'c'), role: elsewhere }, 'A2', 'cs2', 'm1');
    expect(run.input.cwd).toBe(elsewhere.cwd);
    expect(run.input.from).toBeUndefined();
    expect(run.input.prompt).toContain('<conversation>');
  });
});

describe('order', () => {
  it("one turn at a time per session: the second waits (and says so) until the first has ended", async () => {
    const first = turns.begin(request([], 'one', 'c'));
    const second = turns.begin(request([], 'again', 'c'));
    const secondEvents = follow(second.handle);
    const run = await runs.run(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.started).toHaveLength(1);
    run.answer('A1', 'cs', 'm1');
    await ended(first.turn);
    (await runs.run(1)).answer('A2', 'cs2', 'm1');
    expect((await secondEvents).map((e) => e.type)).toEqual(['waiting', 'started', 'text', 'finished']);
  });

  it('across sessions, max_concurrent_runs at once: the rest queue, told their place, and start in order', async () => {
    service(1);
    const a = turns.begin(request([], 'a', 'chat-a'));
    const b = turns.begin(request([], 'b', 'chat-b'));
    const c = turns.begin(request([], 'c', 'chat-c'));
    const [bEvents, cEvents] = [follow(b.handle), follow(c.handle)];
    const first = await runs.run(0);
    expect(first.input.prompt).toBe('a');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.started).toHaveLength(1);
    first.answer('A', 'cs-a', 'm');
    await ended(a.turn);
    (await runs.run(1)).answer('B', 'cs-b', 'm');
    (await runs.run(2)).answer('C', 'cs-c', 'm');
    expect(runs.started.map((r) => r.input.prompt)).toEqual(['a', 'b', 'c']);
    const queued = (events: TurnEvent[]) => events.filter((e) => e.type === 'queued').map((e) => e.type === 'queued' && [e.position, e.queued]);
    expect(queued(await bEvents)).toEqual([[1, 1], [1, 2]]); // 1 of 1, then of 2 when c joined
    expect(queued(await cEvents)).toEqual([[2, 2], [1, 1]]);
  });
});

describe('a retry of a turn no client received', () => {
  /** A turn whose client left before it ended (on_disconnect: finish): it ran on, undelivered. */
  async function unreceived(): Promise<{ session: SessionRecord; turn: TurnRecord }> {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const { session, turn } = turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'));
    (await runs.run(1)).answer('A2', 'cs', 'm2');
    await ended(turn);
    expect(turn.delivered).toBe(false);
    return { session, turn };
  }

  it('within 10 minutes gets the recorded answer, without a run', async () => {
    const { turn } = await unreceived();
    clock.advance(9 * MINUTE);
    const retry = turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'));
    expect(retry.turn).toBe(turn);
    const events = await follow(retry.handle);
    expect(events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text)).toEqual(['A2']);
    expect(runs.started).toHaveLength(2);
    expect(turn.delivered).toBe(true);
  });

  it('after 10 minutes is a new turn', async () => {
    const { session, turn } = await unreceived();
    clock.advance(10 * MINUTE + 1);
    const retry = turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'));
    expect(retry.turn).not.toBe(turn);
    expect(retry.turn.startedAt).toBe(new Date(clock.now()).toISOString());
    (await runs.run(2)).answer('A2 anew', 'fork', 'f2');
    expect((await follow(retry.handle)).at(-1)).toMatchObject({ type: 'finished', outcome: { ok: true } });
    expect(session.turns).toHaveLength(3);
  });

  it('while its run goes on with no one following joins that run', async () => {
    await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const left = turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'));
    const run = await runs.run(1);
    run.emit({ type: 'text', text: 'Half ' });
    const retry = turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'));
    expect(retry.turn).toBe(left.turn);
    expect(retry.handle).toBe(left.handle);
    const events = follow(retry.handle);
    run.answer('and the rest.', 'cs', 'm2');
    expect((await events).filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text)).toEqual(['Half ', 'and the rest.']);
    expect(runs.started).toHaveLength(2);
  });
});

describe('faults and cancel', () => {
  it('a full disk when the turn begins fails the request and leaves the session as it was', async () => {
    const { session } = await turnOf(request([], 'one', 'c'), 'A1', 'cs', 'm1');
    const before = JSON.stringify(session);
    await turnOf(request([], 'other', 'c2'), 'B1', 'cs2', 'm1'); // another chat is the latest
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    vi.spyOn(EventLog.prototype, 'append').mockImplementationOnce(() => {
      throw new StorageError(store.logFile(session.id), full);
    });
    expect(() => turns.begin(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'))).toThrow(StorageError);
    expect(JSON.stringify(session)).toBe(before);
    expect(store.list()[0]!.chatId).toBe('c2'); // not moved up the list either
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.started).toHaveLength(2);
    // The next request goes on from the same place.
    const { run } = await turnOf(request([{ user: 'one', assistant: 'A1' }], 'two', 'c'), 'A2', 'cs', 'm2');
    expect(run.input.from).toEqual({ sessionId: 'cs', messageUuid: 'm1', atTip: true });
  });

  it('cancel of a running turn stops its run and records it cancelled, the answer so far kept', async () => {
    const { handle, turn } = turns.begin(request([], 'one', 'c'));
    const events = follow(handle);
    const run = await runs.run(0);
    run.emit({ type: 'started', sessionId: 'cs', model: 'm', cwd: run.input.cwd });
    run.emit({ type: 'text', text: 'Partly' });
    expect(turns.cancel(turn.id)).toBe(true);
    expect((await events).at(-1)).toMatchObject({ type: 'finished', outcome: { ok: false, error: { code: 'cancelled' } } });
    await ended(turn);
    expect(run.cancelled).toBe(true);
    expect(turn).toMatchObject({ status: 'cancelled', assistant: 'Partly', claudeSessionId: 'cs', endedAt: new Date(clock.now()).toISOString() });
    expect(turn.key).toBeUndefined(); // never continued
    await vi.waitFor(() => expect(turns.cancel(turn.id)).toBe(false)); // no longer in flight
  });

  it('cancel of a queued turn leaves the queue: it never runs, and the next one moves up', async () => {
    service(1);
    const a = turns.begin(request([], 'a', 'chat-a'));
    const b = turns.begin(request([], 'b', 'chat-b'));
    const c = turns.begin(request([], 'c', 'chat-c'));
    const cEvents = follow(c.handle);
    const first = await runs.run(0);
    await vi.waitFor(() => expect(b.turn.status).toBe('queued'));
    turns.cancel(b.turn.id);
    await ended(b.turn);
    expect(b.turn.status).toBe('cancelled');
    first.answer('A', 'cs-a', 'm');
    await ended(a.turn);
    (await runs.run(1)).answer('C', 'cs-c', 'm');
    expect(runs.started.map((r) => r.input.prompt)).toEqual(['a', 'c']);
    expect((await cEvents).filter((e) => e.type === 'queued').map((e) => e.type === 'queued' && e.position)).toEqual([2, 1]);
  });
});
