/**
 * The session store's indexes (chat id, turn id, conversation key, undelivered turns, and an
 * index added later) and its recency order, through every way a session changes, and through a
 * restart — including one after the app stopped before a session's file was written.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { conversationKey } from '../../main/sessions/conversation';
import { SessionStore } from '../../main/sessions/session-store';
import { loaded, runTurn, turn } from '../support/session-store';

const dataDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'helix-index-'));


/** A turn added the way the app adds one: in memory, in the log, then the change recorded. */
function addTurn(store: SessionStore, session: SessionRecord, fields: Partial<TurnRecord> = {}): TurnRecord {
  const added = turn(fields);
  session.turns.push(added);
  store.log(session.id).append({ type: 'turn', turn: added });
  store.touch(session);
  return added;
}

function finish(store: SessionStore, session: SessionRecord, t: TurnRecord, key: string, delivered = true): void {
  Object.assign(t, { status: 'done', key, assistant: `answer to ${t.user}`, delivered, endedAt: new Date().toISOString() });
  store.log(session.id).append({ type: 'turn', turn: t });
  store.touch(session);
}

describe('SessionStore indexes', () => {
  it('finds sessions and turns by chat id, turn id and key as they are created and finished', () => {
    const store = loaded(dataDir());
    const a = store.create({ chatId: 'chat-a', role: 'r', title: 'A' });
    const b = store.create({ chatId: 'chat-b', role: 'r', title: 'B' });
    expect(store.findByChatId('chat-a')).toBe(a);
    expect(store.findByChatId('chat-b')).toBe(b);
    expect(store.findByChatId('chat-c')).toBeUndefined();

    const t1 = addTurn(store, a);
    expect(store.findTurn(t1.id)).toEqual({ session: a, turn: t1 });
    // Not finished: no key yet.
    expect(store.findByKey('k1')).toBeUndefined();
    finish(store, a, t1, 'k1');
    expect(store.findByKey('k1')).toEqual({ session: a, turn: t1 });
    expect(store.findByKey('k1', a)?.turn).toBe(t1);
    expect(store.findByKey('k1', b)).toBeUndefined();
  });

  it('keeps sessions in the order of their latest change, without sorting', () => {
    const store = loaded(dataDir());
    const [a, b, c] = ['A', 'B', 'C'].map((title) => store.create({ role: 'r', title })) as [SessionRecord, SessionRecord, SessionRecord];
    expect(store.list().map((s) => s.title)).toEqual(['C', 'B', 'A']);
    store.touch(a);
    expect(store.list().map((s) => s.title)).toEqual(['A', 'C', 'B']);
    addTurn(store, b);
    expect([...store.recent()].map((s) => s.title)).toEqual(['B', 'A', 'C']);
    void c;
  });

  it('finds a branch (a regenerated answer, an edited message) by its own key, and the same key in two chats in the latest changed', () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const first = addTurn(store, a, { parentKey: 'k0', user: 'hi' });
    finish(store, a, first, 'k-hi-1');
    // Regenerated: the same parent, another answer, another key; the first stays findable.
    const regenerated = addTurn(store, a, { parentKey: 'k0', user: 'hi' });
    finish(store, a, regenerated, 'k-hi-2');
    expect(store.findByKey('k-hi-1')?.turn).toBe(first);
    expect(store.findByKey('k-hi-2')?.turn).toBe(regenerated);

    // Another chat that went the same way: a lookup without a session finds the latest changed one.
    const b = store.create({ role: 'r', title: 'B' });
    const same = addTurn(store, b, { parentKey: 'k0', user: 'hi' });
    finish(store, b, same, 'k-hi-1');
    expect(store.findByKey('k-hi-1')?.session).toBe(b);
    store.touch(a);
    expect(store.findByKey('k-hi-1')?.session).toBe(a);
    expect(store.findByKey('k-hi-1', b)?.turn).toBe(same);
  });

  it('finds turns no client received by their conversation and message, until one is delivered', () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const t = addTurn(store, a, { parentKey: 'k0', user: 'hello' });
    expect(store.undelivered('k0', 'hello').map((r) => r.turn)).toEqual([t]);
    expect(store.undelivered('k0', 'other')).toEqual([]);
    finish(store, a, t, 'k1', false);
    expect(store.undelivered('k0', 'hello').map((r) => r.turn)).toEqual([t]);
    t.delivered = true;
    store.touch(a);
    expect(store.undelivered('k0', 'hello')).toEqual([]);
  });

  it('drops a turn taken back (its record could not be written) from every index', () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const t = turn({ parentKey: 'k0', user: 'full disk' });
    a.turns.push(t);
    store.touch(a);
    expect(store.findTurn(t.id)).toBeDefined();
    a.turns.splice(a.turns.indexOf(t), 1);
    store.changed(a);
    expect(store.findTurn(t.id)).toBeUndefined();
    expect(store.undelivered('k0', 'full disk')).toEqual([]);
  });

  it('serves an index added later, over the turns there are and every change after', () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const before = addTurn(store, a);
    (before as TurnRecord & { responseId?: string }).responseId = 'resp_1';
    store.touch(a);
    const byResponse = store.indexTurns((t) => (t as TurnRecord & { responseId?: string }).responseId);
    expect(byResponse.get('resp_1').map((r) => r.turn)).toEqual([before]);
    const after = addTurn(store, a, { responseId: 'resp_2' } as Partial<TurnRecord>);
    expect(byResponse.get('resp_2')).toEqual([{ session: a, turn: after }]);
    expect(byResponse.get('resp_3')).toEqual([]);
  });

  it('forgets a deleted session everywhere and removes its folder', async () => {
    const store = loaded(dataDir());
    const a = store.create({ chatId: 'gone', role: 'r', title: 'A' });
    const t = addTurn(store, a);
    finish(store, a, t, 'k-gone');
    const keep = store.create({ chatId: 'kept', role: 'r', title: 'B' });
    expect(await store.delete(a.id)).toBe(true);
    expect(store.get(a.id)).toBeUndefined();
    expect(store.findByChatId('gone')).toBeUndefined();
    expect(store.findTurn(t.id)).toBeUndefined();
    expect(store.findByKey('k-gone')).toBeUndefined();
    expect(store.list()).toEqual([keep]);
    expect(existsSync(store.sessionDir(a.id))).toBe(false);
    expect(await store.delete(a.id)).toBe(false);
  });

  it('finds the same sessions and turns after a restart, in the same order', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const a = store.create({ chatId: 'chat-a', role: 'r', title: 'A' });
    const b = store.create({ chatId: 'chat-b', role: 'r', title: 'B' });
    const ta = addTurn(store, a);
    finish(store, a, ta, 'key-a');
    await new Promise((resolve) => setTimeout(resolve, 5)); // times are kept to the millisecond
    const tb = addTurn(store, b);
    finish(store, b, tb, 'key-b');
    await store.flush();
    store.close();

    const again = loaded(dir);
    expect(again.list().map((s) => s.title)).toEqual(['B', 'A']);
    expect(again.findByChatId('chat-a')?.id).toBe(a.id);
    expect(again.findTurn(tb.id)?.session.id).toBe(b.id);
    expect(again.findByKey('key-a')?.turn).toMatchObject({ id: ta.id, status: 'done' });
  });
});

describe('SessionStore files', () => {
  it('writes a session file off the event loop: a burst of changes is one write, with the latest state', async () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const file = path.join(store.sessionDir(a.id), 'session.json');
    for (let i = 0; i < 5; i++) {
      a.title = `title ${i}`;
      store.touch(a);
    }
    // Nothing written during the tick that made the changes.
    expect(JSON.parse(readFileSync(file, 'utf8')).title).toBe('A');
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8')).title).toBe('title 4');
  });

  it('writes a file that could not be written with the session\'s next change, and waits for no write that failed', async () => {
    const store = loaded(dataDir());
    const a = store.create({ role: 'r', title: 'A' });
    const folder = store.sessionDir(a.id);
    const file = path.join(folder, 'session.json');
    rmSync(folder, { recursive: true }); // every write there fails
    a.title = 'Renamed';
    store.touch(a);
    await store.flush();
    mkdirSync(folder);
    await store.flush();
    expect(existsSync(file)).toBe(false);
    store.touch(a);
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8')).title).toBe('Renamed');
  });

  it('brings a session whose file is behind its log up to date from the rest of the log at start', () => {
    const dir = dataDir();
    const store = loaded(dir);
    const a = store.create({ chatId: 'behind', role: 'r', title: 'A' });
    // The app stops (killed) after these records are in the log, before the file is written.
    const t = turn({ status: 'done', key: 'k-late', delivered: true });
    store.log(a.id).append({ type: 'turn', turn: t });
    store.log(a.id).append({ type: 'title', title: 'Renamed' });
    store.log(a.id).close();

    const again = loaded(dir);
    const session = again.findByChatId('behind');
    expect(session).toMatchObject({ title: 'Renamed', turns: [t] });
    expect(again.findByKey('k-late')?.turn.id).toBe(t.id);
    // And written, so the next start need not read the log again.
    expect(JSON.parse(readFileSync(path.join(again.sessionDir(a.id), 'session.json'), 'utf8'))).toMatchObject({ title: 'Renamed', turns: [{ id: t.id }] });
  });

  it('reads a data dir written before the file said how much of the log it holds', () => {
    const dir = dataDir();
    const store = loaded(dir);
    const a = store.create({ chatId: 'old', role: 'r', title: 'A' });
    const t = turn({ status: 'done', key: 'k-old', delivered: true });
    a.turns.push(t);
    store.close();
    const file = path.join(store.sessionDir(a.id), 'session.json');
    const { logBytes: _logBytes, ...old } = JSON.parse(readFileSync(file, 'utf8')) as SessionRecord & { logBytes: number };
    writeFileSync(file, JSON.stringify({ ...old, turns: [t] }));
    const again = loaded(dir);
    expect(again.findByKey('k-old')?.session.id).toBe(a.id);
  });
});

/** A turn as the app runs one: its record when taken, the prompt, the answer's deltas, its record when started and when done. */
const occurrences = (dir: string, text: string): number =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.ndjson'))
    .reduce((sum, f) => sum + readFileSync(path.join(dir, f), 'utf8').split(text).length - 1, 0);

describe('a turn\'s text', () => {
  it('is written once: the answer as its text events, the prompt as the prompt record and the turn\'s first record', async () => {
    const store = loaded(dataDir());
    const session = store.create({ role: 'r', title: 'T' });
    const question = 'What is the airspeed velocity of an unladen swallow?';
    const answer = 'It depends on whether it is an African or a European swallow, of course.';
    runTurn(store, session, question, answer, true);
    await store.flush();
    const dir = store.sessionDir(session.id);
    expect(occurrences(dir, answer)).toBe(1); // its deltas, joined into one record
    expect(occurrences(dir, question)).toBe(2);
    expect(readFileSync(path.join(dir, 'session.json'), 'utf8')).not.toContain('swallow');
  });

  it('keeps at hand the answer no client received (a retry is served it), also after a restart and after a rebuild from the log', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ chatId: 'left', role: 'r', title: 'T' });
    runTurn(store, session, 'delivered question', 'delivered answer', true);
    runTurn(store, session, 'left question', 'an answer nobody read', false);
    await store.flush();
    store.close();
    const again = loaded(dir);
    expect(again.undelivered('k0', 'left question').map((r) => r.turn.assistant)).toEqual(['an answer nobody read']);
    expect(again.findByChatId('left')?.turns.map((t) => t.status)).toEqual(['done', 'done']);
    again.close();

    writeFileSync(path.join(again.sessionDir(session.id), 'session.json'), '{'); // damaged
    const rebuilt = loaded(dir);
    expect(rebuilt.undelivered('k0', 'left question').map((r) => r.turn.assistant)).toEqual(['an answer nobody read']);
    expect(rebuilt.findByKey(conversationKey([{ user: 'delivered question', assistant: 'delivered answer' }]))?.turn).toMatchObject({ status: 'done', delivered: true });
  });
});

describe('a data dir written by version 0.1', () => {
  /** Two chats recorded by the previous version (session files holding every turn with its text): one with a chat id, one without. */
  const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'data-dir-0.1');

  function copyOfFixture(): string {
    const dir = dataDir();
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  }

  it('is read as it is: sessions, turns, keys to resume from, and the log', () => {
    const store = loaded(copyOfFixture());
    expect(store.list().map((s) => s.title).sort()).toEqual(['A chat without an id', 'First question of chat A']);
    const a = store.findByChatId('fixture-a')!;
    expect(a.turns.map((t) => [t.user, t.status])).toEqual([
      ['First question of chat A', 'done'],
      ['Second question of chat A', 'done'],
    ]);
    // A follow-up of the chat without an id is matched by the history it sends.
    const b = store.list().find((s) => s.chatId === undefined)!;
    const [first, second] = b.turns as [TurnRecord, TurnRecord];
    const history = [
      { user: first.user, assistant: first.assistant },
      { user: second.user, assistant: second.assistant },
    ];
    expect(store.findByKey(conversationKey(history))?.session).toBe(b);
    expect(store.findByKey(conversationKey(history.slice(0, 1)), b)?.turn).toBe(first);
  });

  it('is written the new way at the next change, and read the same after a restart', async () => {
    const dir = copyOfFixture();
    const store = loaded(dir);
    const a = store.findByChatId('fixture-a')!;
    const keys = a.turns.map((t) => t.key);
    runTurn(store, a, 'Third question of chat A', 'Third answer.', true);
    await store.flush();
    store.close();
    const file = JSON.parse(readFileSync(path.join(store.sessionDir(a.id), 'session.json'), 'utf8')) as { logBytes: number; turns: Array<Partial<TurnRecord>> };
    expect(file.logBytes).toBeGreaterThan(0);
    expect(file.turns.every((t) => t.user === undefined && t.assistant === undefined)).toBe(true);

    const again = loaded(dir);
    expect(again.findByChatId('fixture-a')?.turns.map((t) => t.status)).toEqual(['done', 'done', 'done']);
    for (const key of [...keys, conversationKey([{ user: 'Third question of chat A', assistant: 'Third answer.' }])]) expect(again.findByKey(key!)?.session.id).toBe(a.id);
  });
});
