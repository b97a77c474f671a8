/**
 * A chat of many turns: its session file keeps the latest few turns' records and the sums of the
 * ones before, so it does not grow with the chat; a turn it no longer holds is read from the log
 * when a message of the chat names it.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord, TurnRecord, TurnStatus } from '../../common/session';
import { summarize } from '../../main/control/control-service';
import { conversationKey } from '../../main/sessions/conversation';
import { HELD_TURNS, RETRY_WINDOW_MS, TURNS_IN_FILE } from '../../main/sessions/session-recovery';
import { usageRowsOf } from '../../main/sessions/session-summary';
import type { SessionStore } from '../../main/sessions/session-store';
import { continuable } from '../../main/turns/unused-transcripts';
import { loaded, runTurn } from '../support/session-store';

const claudeOf = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** A turn started the way the app starts one (its first record with its prompt), left as it is. */
function addTurn(store: SessionStore, session: SessionRecord, user: string, status: TurnStatus): TurnRecord {
  const t: TurnRecord = { id: `${user}-${session.turns.length}`.replaceAll(' ', '-'), parentKey: 'p', user, assistant: '', status, delivered: false, startedAt: new Date().toISOString() };
  session.turns.push(t);
  store.log(session.id).append({ type: 'turn', turn: t });
  store.touch(session);
  return t;
}

const dataDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'helix-long-chat-'));

describe('a long chat', () => {
  const LONG = 120;

  it('is written in a file of the same size from its fourth turn on: its latest turns, and the sums of the ones before', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ chatId: 'long', role: 'r', title: 'Long' });
    const file = path.join(store.sessionDir(session.id), 'session.json');
    const sizes: number[] = [];
    for (let n = 1; n <= LONG; n++) {
      const t = runTurn(store, session, `question ${n}`, `answer ${n}`, true);
      t.usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 };
      t.costUsd = 0.01;
      store.touch(session);
      await store.flush();
      sizes.push(readFileSync(file, 'utf8').length);
    }
    // Only digits of the sums grow: the file's size does not depend on the turn number.
    const steady = sizes[3]!;
    for (const size of sizes.slice(3)) expect(Math.abs(size - steady) / steady).toBeLessThan(0.05);
    expect(TURNS_IN_FILE).toBeLessThanOrEqual(3);
    const before = summarize(session);
    store.close();

    const again = loaded(dir);
    const reloaded = again.findByChatId('long')!;
    expect(reloaded.turns).toHaveLength(TURNS_IN_FILE);
    expect(summarize(reloaded)).toMatchObject({ turns: before.turns, tokens: before.tokens });
    expect(summarize(reloaded).costUsd).toBeCloseTo(before.costUsd, 6);
    expect(before.turns).toBe(LONG);
    // Usage counts every turn, not only those the file holds.
    const usage = usageRowsOf(reloaded);
    expect(usage.reduce((sum, row) => sum + row.turns, 0)).toBe(LONG);
    expect(usage.reduce((sum, row) => sum + row.costUsd, 0)).toBeCloseTo(LONG * 0.01, 6);
    const last = session.turns.at(-1)!;
    expect(again.findByKey(last.key!)?.turn.id).toBe(last.id);
    // A turn after the restart adds to the sums, not to a longer file.
    runTurn(again, reloaded, 'one more', 'answer', true);
    await again.flush();
    expect(summarize(reloaded).turns).toBe(before.turns + 1);
    again.close();
    expect(summarize(loaded(dir).findByChatId('long')!).turns).toBe(before.turns + 1);
  });

  it('finds a turn the file no longer holds in the log, when a message of the chat edits or regenerates from it', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ chatId: 'long', role: 'r', title: 'Long' });
    const ran = Array.from({ length: LONG }, (_, i) => runTurn(store, session, `question ${i + 1}`, `answer ${i + 1}`, true));
    const first = ran[0]!;
    await store.flush();
    store.close();

    const again = loaded(dir);
    const reloaded = again.findByChatId('long')!;
    expect(reloaded.turns.length).toBeLessThan(LONG);
    const found = again.findByKey(first.key!, reloaded);
    expect(found?.turn).toMatchObject({ id: first.id, user: 'question 1', assistant: 'answer 1', status: 'done' });
    // Held from then on, every turn in order, and the sums not counted twice.
    expect(reloaded.turns.map((t) => t.user)).toEqual(Array.from({ length: LONG }, (_, i) => `question ${i + 1}`));
    expect(summarize(reloaded).turns).toBe(LONG);
    expect(again.findTurn(ran[5]!.id)?.turn.assistant).toBe('answer 6');
    // A key no turn of the chat has is still not found (and the log is not read again for it).
    expect(again.findByKey('no such key', reloaded)).toBeUndefined();
    again.close();
  });

  it('holds a bounded number of turns in memory while it runs: the older ones are summed up, and found in the log when named', () => {
    const store = loaded(dataDir());
    const session = store.create({ chatId: 'long', role: 'r', title: 'Long' });
    const ran = [];
    for (let n = 1; n <= LONG; n++) {
      const t = runTurn(store, session, `question ${n}`, `answer ${n}`, true);
      Object.assign(t, { costUsd: 0.01, claudeSessionId: claudeOf(n <= 10 ? 1 : 2) });
      store.touch(session);
      ran.push({ id: t.id, key: t.key! });
      expect(session.turns.length).toBeLessThanOrEqual(HELD_TURNS);
    }
    expect(summarize(session)).toMatchObject({ turns: LONG });
    expect(summarize(session).costUsd).toBeCloseTo(LONG * 0.01, 6);
    expect(usageRowsOf(session).reduce((sum, row) => sum + row.turns, 0)).toBe(LONG);
    // The Claude Code sessions of the turns let go of are still the session's (their transcripts count in its size).
    expect(store.claudeSessionIds(session.id)).toContain(claudeOf(1));
    // A request's session, for the request log, without taking the chat's turns back.
    expect(store.sessionIdOfTurn(ran[4]!.id)).toBe(session.id);
    expect(session.turns.length).toBeLessThanOrEqual(HELD_TURNS);
    // By its id (a response id), by its key without a chat (a client that sends the history), and within the chat.
    expect(store.findTurn(ran[4]!.id)?.turn).toMatchObject({ user: 'question 5', assistant: 'answer 5' });
    expect(store.findByKey(ran[1]!.key)?.turn.id).toBe(ran[1]!.id);
    expect(store.findByKey(ran[0]!.key, session)?.turn).toMatchObject({ id: ran[0]!.id, assistant: 'answer 1' });
    store.close();
  });

  it('reads a chat of 60 turns written by the version before (a file of its 50 latest turns), and writes it the new way at its next change', async () => {
    const dir = dataDir();
    cpSync(path.join(import.meta.dirname, '..', 'fixtures', 'data-dir-0.2'), dir, { recursive: true });
    const store = loaded(dir);
    await store.checked();
    const session = store.findByChatId('long-chat')!;
    expect(session.turns).toHaveLength(50);
    expect(summarize(session)).toMatchObject({ turns: 60, tokens: 60 * 120 });
    expect(summarize(session).costUsd).toBeCloseTo(0.6, 6);
    // As that version counted it: the usage of the turns its file held.
    expect(usageRowsOf(session).reduce((sum, row) => sum + row.turns, 0)).toBe(50);
    // Its turns before those 50 were summed without their Claude Code sessions: every transcript is kept.
    expect(continuable(session, '11111111-1111-4111-8111-111111111111')).toBe(true);

    runTurn(store, session, 'question 61', 'answer 61', true).costUsd = 0.01;
    store.touch(session);
    await store.flush();
    store.close();
    const file = JSON.parse(readFileSync(path.join(dir, 'sessions', session.id, 'session.json'), 'utf8')) as SessionRecord;
    expect(file.turns).toHaveLength(TURNS_IN_FILE);
    expect(file.earlier).toMatchObject({ turns: 61 - TURNS_IN_FILE });

    const again = loaded(dir);
    const reloaded = again.findByChatId('long-chat')!;
    expect(summarize(reloaded).turns).toBe(61);
    expect(usageRowsOf(reloaded).reduce((sum, row) => sum + row.turns, 0)).toBe(51);
    const first = again.findByKey(conversationKey([{ user: 'question 1', assistant: 'answer 1' }]), reloaded);
    expect(first?.turn).toMatchObject({ user: 'question 1', assistant: 'answer 1', claudeSessionId: '11111111-1111-4111-8111-111111111111' });
    again.close();
    // Its turns that version's index knew (the latest 50) are found by id after the upgrade, from the turn refs file it started.
    const third = loaded(dir);
    await third.checked();
    expect(third.findTurn('00000000-0000-4000-8000-000000000020')?.turn).toMatchObject({ user: 'question 20', assistant: 'answer 20' });
    third.close();
  });

  it('lets go of a turn no client received once it cannot be retried: a stopped one at once, an answer after the retry window', () => {
    const store = loaded(dataDir());
    const session = store.create({ chatId: 'long', role: 'r', title: 'Long' });
    const stopped = runTurn(store, session, 'stopped', 'half an answer', false);
    Object.assign(stopped, { status: 'cancelled' });
    const unread = runTurn(store, session, 'unread', 'an answer nobody read', false);
    for (let n = 1; n <= LONG; n++) runTurn(store, session, `question ${n}`, `answer ${n}`, true);
    // The cancelled one is gone; the unread answer stays at hand while a retry may still ask for it.
    expect(session.turns.length).toBeLessThanOrEqual(HELD_TURNS + 1);
    expect(session.turns[0]).toBe(unread);
    expect(store.undelivered(unread.parentKey, 'unread').map((ref) => ref.turn)).toEqual([unread]);
    unread.endedAt = new Date(Date.now() - RETRY_WINDOW_MS - 1).toISOString();
    for (let n = 1; n <= HELD_TURNS; n++) runTurn(store, session, `more ${n}`, 'answer', true);
    expect(session.turns.length).toBeLessThanOrEqual(HELD_TURNS);
    expect(session.turns).not.toContain(unread);
    expect(summarize(session).turns).toBe(LONG + HELD_TURNS + 2);
    store.close();
  });

  it('keeps in its file every turn in flight, however many: a start after a crash settles each once, and counts each once', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ chatId: 'busy', role: 'r', title: 'Busy' });
    for (let n = 1; n <= 10; n++) runTurn(store, session, `question ${n}`, `answer ${n}`, true);
    const running = addTurn(store, session, 'running now', 'running');
    const queued = [1, 2, 3].map((n) => addTurn(store, session, `queued ${n}`, 'queued'));
    await store.flush();
    // The app dies here; its last records are in the log only.
    running.status = 'done';
    store.log(session.id).append({ type: 'turn', turn: { ...running, assistant: undefined } });
    store.close();

    const again = loaded(dir);
    const reloaded = again.findByChatId('busy')!;
    expect(summarize(reloaded).turns).toBe(14);
    expect(reloaded.turns.slice(-4).map((t) => [t.user, t.status])).toEqual([
      ['running now', 'done'],
      ...queued.map((t) => [t.user, 'interrupted']),
    ]);
    again.close();
  });

  it('after a restart, finds any finished turn by its id (a response id) and by its key without a chat id, from the turn refs file', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ role: 'r', title: 'No chat id' });
    const ran = Array.from({ length: 20 }, (_, i) => runTurn(store, session, `question ${i + 1}`, `answer ${i + 1}`, true));
    await store.flush();
    store.close();

    const again = loaded(dir);
    await again.checked();
    expect(again.findTurn(ran[9]!.id)?.turn).toMatchObject({ user: 'question 10', assistant: 'answer 10' });
    again.close();
    const third = loaded(dir);
    // Before the background check is over, a look-up finishes it first.
    expect(third.findByKey(ran[4]!.key!)?.turn.id).toBe(ran[4]!.id);
    third.close();
  });

  it('starts the turn refs file from every session, also one read before the check, and again if a start stopped before it was over', async () => {
    const dir = dataDir();
    cpSync(path.join(import.meta.dirname, '..', 'fixtures', 'data-dir-0.2'), dir, { recursive: true });
    const first = loaded(dir);
    first.findByChatId('long-chat'); // read (held) before the background check
    first.close(); // stopped before its check was over
    const store = loaded(dir);
    // Held before the check, and changed: its file and index line now name its latest 3 turns only.
    runTurn(store, store.findByChatId('long-chat')!, 'question 61', 'answer 61', true);
    await store.checked();
    await store.flush();
    store.close();
    const again = loaded(dir);
    await again.checked();
    expect(again.findTurn('00000000-0000-4000-8000-000000000020')?.turn).toMatchObject({ user: 'question 20' });
    again.close();
  });

  it('writes the refs of a turn marked interrupted at a start, so that it is found after the next', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    const session = store.create({ role: 'r', title: 'Crashed' });
    for (let n = 1; n <= 5; n++) runTurn(store, session, `question ${n}`, `answer ${n}`, true);
    const running = addTurn(store, session, 'running when it died', 'running');
    await store.flush();
    store.close();
    const second = loaded(dir); // marks it interrupted
    await second.checked();
    second.close();
    const third = loaded(dir);
    await third.checked();
    // Not among the file's latest turns after three more, yet found by its id.
    const reloaded = third.get(session.id)!;
    for (let n = 1; n <= 3; n++) runTurn(third, reloaded, `more ${n}`, 'answer', true);
    await third.flush();
    third.close();
    const fourth = loaded(dir);
    await fourth.checked();
    expect(fourth.findTurn(running.id)?.turn).toMatchObject({ status: 'interrupted' });
    fourth.close();
  });
});
