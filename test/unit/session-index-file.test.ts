/**
 * The sessions' index file as a cache of the session folders: a start reads it and no folder, and
 * whatever happened to it or to the folders while the app was stopped (no index yet, a torn last
 * line, a stale line, a folder deleted or added, a file that is not an index) costs a re-read of
 * the folders concerned, never a session lost or doubled.
 */
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../common/control';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { IndexFileWriter, parseEntry, readIndexFile, type IndexEntry, type IndexLine } from '../../main/sessions/session-index-file';
import { SessionStore } from '../../main/sessions/session-store';
import { parseRefs, refsText } from '../../main/sessions/session-summary';
import { loaded } from '../support/session-store';

const dataDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'helix-index-file-'));

let turns = 0;
/** A finished turn, added the way the app adds one: in memory, in the log, then the change recorded. */
function finishedTurn(store: SessionStore, session: SessionRecord, fields: Partial<TurnRecord> = {}): TurnRecord {
  turns += 1;
  const turn: TurnRecord = { id: `turn-${turns}`, parentKey: `k${turns - 1}`, key: `k${turns}`, user: `q${turns}`, assistant: `a${turns}`, status: 'done', delivered: true, startedAt: new Date().toISOString(), endedAt: new Date().toISOString(), claudeSessionId: '0b9c3c55-0e49-4d3a-9d1e-6d0c2f0a7f01', ...fields };
  session.turns.push(turn);
  store.log(session.id).append({ type: 'turn', turn });
  store.touch(session);
  return turn;
}

/** A data dir with `count` sessions of two turns each, written by the store and closed as the app stops. */
async function written(count: number, dir = dataDir()): Promise<{ dir: string; sessions: SessionRecord[] }> {
  const store = loaded(dir);
  const sessions: SessionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const session = store.create({ chatId: `chat-${i}`, role: 'r', title: `Chat ${i}` });
    finishedTurn(store, session);
    finishedTurn(store, session);
    sessions.push(session);
  }
  await store.flush();
  store.close();
  return { dir, sessions };
}

const indexFile = (dir: string): string => path.join(dir, 'sessions-index.ndjson');
const chatIds = (store: SessionStore): string[] => [...store.recent()].map((s) => s.chatId ?? '').sort();
const sorted = (ids: string[]): string[] => [...ids].sort();
const titles = (summaries: Iterable<SessionSummary>): string[] => [...summaries].map((s) => s.title);

describe('the sessions index', () => {
  it('is all a start reads: the list, its order and the chat ids, with no session folder read', async () => {
    const { dir, sessions } = await written(5);
    const before = loaded(dir);
    const order = titles(before.recent());
    before.close();

    const store = loaded(dir);
    expect([...store.loaded()]).toEqual([]);
    expect(titles(store.recent())).toEqual(order);
    expect(order[0]).toBe('Chat 4');
    expect([...store.recent()][0]).toMatchObject({ turns: 2, status: 'done', chatId: 'chat-4' });
    // A folder is read when its session is asked for.
    expect(store.findByChatId('chat-2')?.id).toBe(sessions[2]!.id);
    expect([...store.loaded()].map((s) => s.id)).toEqual([sessions[2]!.id]);
  });

  it('finds turns of sessions not read yet by id, key and undelivered conversation, reading only those sessions', async () => {
    const dir = dataDir();
    const first = loaded(dir);
    const a = first.create({ chatId: 'a', role: 'r', title: 'A' });
    const b = first.create({ chatId: 'b', role: 'r', title: 'B' });
    const ta = finishedTurn(first, a, { key: 'key-a' });
    const tb = finishedTurn(first, b, { delivered: false, parentKey: 'parent-b', user: 'left' });
    await first.flush();
    first.close();

    const store = loaded(dir);
    expect(store.findTurn(tb.id)?.session.id).toBe(b.id);
    expect([...store.loaded()].map((s) => s.id)).toEqual([b.id]);
    expect(store.findByKey('key-a')?.turn.id).toBe(ta.id);
    expect(store.undelivered('parent-b', 'left').map((r) => r.turn.id)).toEqual([tb.id]);
    expect(store.findByKey('no-such-key')).toBeUndefined();
  });

  it('is written for a data dir that has none (written by an earlier version), which starts at once', async () => {
    const { dir, sessions } = await written(30);
    rmSync(indexFile(dir));
    const store = loaded(dir);
    // A chat id looked up before the folders are read finds its session all the same.
    expect(store.findByChatId('chat-7')?.id).toBe(sessions[7]!.id);
    await store.checked();
    expect(chatIds(store)).toEqual(sorted(sessions.map((s) => s.chatId!)));
    // In the order of their latest change (sessions changed in the same millisecond in either order).
    const times = [...store.recent()].map((s) => s.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
    await store.flush();
    store.close();
    expect(readIndexFile(indexFile(dir))?.lines.size).toBe(30);
    // Appended as the folders were read, then rewritten in the order of changes.
    expect(readIndexFile(indexFile(dir))?.ordered).toBe(true);
    expect([...loaded(dir).recent()]).toHaveLength(30);
  });

  it('loses nothing to a torn last line, and doubles nothing', async () => {
    const { dir, sessions } = await written(10);
    const last = sessions[9]!;
    // The app stopped in the middle of writing the last line, after a change to the last session.
    const again = loaded(dir);
    const session = again.findByChatId('chat-9')!;
    session.title = 'Renamed';
    again.log(session.id).append({ type: 'title', title: 'Renamed' });
    again.touch(session);
    await again.flush();
    again.close();
    const size = readFileSync(indexFile(dir)).length;
    truncateSync(indexFile(dir), size - 40);

    const store = loaded(dir);
    await store.checked();
    expect(chatIds(store)).toEqual(sorted(sessions.map((s) => s.chatId!)));
    expect(store.summary(last.id)?.title).toBe('Renamed');
    // And appended after a whole line, so the next start reads it too.
    store.findByChatId('chat-3')!.title = 'Changed too';
    store.touch(store.findByChatId('chat-3')!);
    await store.flush();
    store.close();
    const next = loaded(dir);
    expect([...next.recent()].map((s) => s.title).slice(0, 2)).toEqual(['Changed too', 'Renamed']);
    expect(next.size).toBe(10);
  });

  it('reads again a session whose folder changed after its line was written (the app stopped before writing it)', async () => {
    const { dir, sessions } = await written(3);
    const target = sessions[1]!;
    // Records the log holds past the session's file and its index line.
    const late: TurnRecord = { id: 'late', parentKey: 'k-x', key: 'k-late', user: 'later', assistant: 'answer', status: 'done', delivered: true, startedAt: new Date().toISOString() };
    appendFileSync(path.join(dir, 'sessions', target.id, 'events.ndjson'), `${JSON.stringify({ at: new Date().toISOString(), type: 'turn', turn: late })}\n${JSON.stringify({ at: new Date().toISOString(), type: 'title', title: 'Late title' })}\n`);

    const store = loaded(dir);
    // A look-up by key does not answer from the stale line.
    expect(store.findByKey('k-late')?.session.id).toBe(target.id);
    await store.checked();
    expect(store.summary(target.id)).toMatchObject({ title: 'Late title', turns: 3 });
    expect(titles(store.recent())[0]).toBe('Late title');
  });

  it('drops a session whose folder was deleted while the app was stopped, and takes in one that was added', async () => {
    const { dir, sessions } = await written(4);
    const other = await written(1, dataDir());
    const added = other.sessions[0]!;
    rmSync(path.join(dir, 'sessions', sessions[2]!.id), { recursive: true });
    cpSync(path.join(other.dir, 'sessions', added.id), path.join(dir, 'sessions', added.id), { recursive: true });

    const store = loaded(dir);
    const heard: Array<[string, boolean]> = [];
    store.onLine((id, entry) => heard.push([id, entry !== undefined]));
    expect(store.get(sessions[2]!.id)).toBeUndefined();
    await store.checked();
    expect(store.findByChatId('chat-2')).toBeUndefined();
    expect(store.size).toBe(4);
    expect(store.get(added.id)?.title).toBe('Chat 0');
    expect(heard).toContainEqual([sessions[2]!.id, false]);
    expect(heard).toContainEqual([added.id, true]);
    await store.flush();
    store.close();
    const next = loaded(dir);
    await next.checked();
    expect(next.size).toBe(4);
    expect([...next.recent()].filter((s) => s.id === added.id)).toHaveLength(1);
  });

  it('is compacted when it has grown to more than twice the lines it needs', async () => {
    const { dir } = await written(2);
    const store = loaded(dir);
    const session = store.findByChatId('chat-0')!;
    for (let i = 0; i < 150; i++) {
      session.title = `Title ${i}`;
      store.touch(session);
      await store.flush();
    }
    store.close();
    expect(readFileSync(indexFile(dir), 'utf8').split('\n').length).toBeGreaterThan(150);
    const again = loaded(dir);
    await again.checked();
    const lines = readFileSync(indexFile(dir), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3); // the header and a line per session
    expect(titles(loaded(dir).recent())).toEqual(['Title 149', 'Chat 1']);
  });

  it('is rewritten in the order of changes once checked, when read out of it (as a first index is written), so that a start need not sort it', async () => {
    const dir = dataDir();
    const store = loaded(dir);
    for (let i = 0; i < 10; i++) {
      store.create({ chatId: `chat-${i}`, role: 'r', title: `Chat ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    await store.flush();
    store.close();
    const [header, ...lines] = readFileSync(indexFile(dir), 'utf8').trimEnd().split('\n');
    writeFileSync(indexFile(dir), `${[header, ...lines.reverse()].join('\n')}\n`);
    expect(readIndexFile(indexFile(dir))?.ordered).toBe(false);
    const again = loaded(dir);
    await again.checked();
    again.close();
    const read = readIndexFile(indexFile(dir));
    expect(read?.ordered).toBe(true);
    expect(read?.lines.size).toBe(10);
    expect(titles(loaded(dir).recent())).toEqual(Array.from({ length: 10 }, (_, i) => `Chat ${9 - i}`));
  });

  it('keeps a line written at once (a turn now in flight) while a compaction is under way', async () => {
    const { dir, sessions } = await written(3);
    const read = readIndexFile(indexFile(dir))!;
    const writer = new IndexFileWriter(indexFile(dir), read, (error) => {
      throw error;
    });
    const entry = (id: string): IndexEntry => ({ ...parseEntry(read.bytes, read.lines.get(id)!)! });
    const line = (id: string, inFlight: boolean): IndexLine => ({ entry: entry(id), inFlight, refs: '' });
    await writer.compact(() => {
      // Marked in flight while the compacted file is being written.
      setImmediate(() => writer.putNow(line(sessions[1]!.id, true)));
      return sessions.map((s) => line(s.id, false));
    });
    const after = readIndexFile(indexFile(dir))!;
    expect(after.lines.size).toBe(3);
    expect(after.lines.get(sessions[1]!.id)?.inFlight).toBe(true);
  });

  it('treats a file that is not an index as none, and writes a new one', async () => {
    const { dir, sessions } = await written(3);
    writeFileSync(indexFile(dir), 'not an index\n{"id":"x"}\n');
    const store = loaded(dir);
    expect(store.findByChatId('chat-1')?.id).toBe(sessions[1]!.id);
    await store.checked();
    expect(store.size).toBe(3);
    await store.flush();
    store.close();
    expect(readIndexFile(indexFile(dir))?.lines.size).toBe(3);
  });

  it('finds every chat id after a restart, whatever it holds', async () => {
    const dir = dataDir();
    const first = loaded(dir);
    const odd = ['"quoted"', 'tab\there', 'new\nline', '', 'ünïcødé 💬', '../../../etc', 'x'.repeat(500)];
    const ids = odd.map((chatId) => first.create({ chatId, role: 'r', title: 't' }).id);
    await first.flush();
    first.close();
    const store = loaded(dir);
    expect(odd.map((chatId) => store.findByChatId(chatId)?.id)).toEqual(ids);
    expect([...store.loaded()]).toHaveLength(odd.length);
  });

  it('says at once that a session has a turn in flight, so that a start after a crash settles it before serving', () => {
    const dir = dataDir();
    const first = loaded(dir);
    const session = first.create({ chatId: 'crashed', role: 'r', title: 'Crashed' });
    const turn: TurnRecord = { id: 'running-turn', parentKey: 'k0', user: 'q', assistant: '', status: 'queued', delivered: false, startedAt: new Date().toISOString() };
    session.turns.push(turn);
    first.log(session.id).append({ type: 'turn', turn });
    first.touch(session);
    turn.status = 'running';
    first.log(session.id).append({ type: 'turn', turn });
    first.touch(session);
    // Killed here: no flush, no close; the session's file and its batched line are not written.

    const store = loaded(dir);
    expect([...store.loaded()].map((s) => s.id)).toEqual([session.id]);
    expect(store.get(session.id)?.turns.map((t) => t.status)).toEqual(['interrupted']);
  });

  it('takes the line of the latest change when an earlier one was written after it', async () => {
    const { dir, sessions } = await written(1);
    const index = indexFile(dir);
    const lines = readFileSync(index, 'utf8').trimEnd().split('\n');
    const latest = lines.at(-1)!;
    // The same session's line from a minute before, appended last (two writes racing).
    const older = latest.replace(/\t(i?)(\d+)\t/, (_, flag: string, ms: string) => `\t${flag}${Number(ms) - 60_000}\t`).replace('"title":"Chat 0"', '"title":"Stale"');
    appendFileSync(index, `${older}\n`);
    expect(loaded(dir).summary(sessions[0]!.id)?.title).toBe('Chat 0');
  });

  it('settles a turn that was in flight when the app stopped, from the index alone', async () => {
    const dir = dataDir();
    const first = loaded(dir);
    const session = first.create({ chatId: 'busy', role: 'r', title: 'Busy' });
    finishedTurn(first, session, { status: 'running', key: undefined, endedAt: undefined });
    await first.flush();
    first.close();
    expect(existsSync(indexFile(dir))).toBe(true);

    const store = loaded(dir);
    expect([...store.loaded()].map((s) => s.id)).toEqual([session.id]);
    expect(store.get(session.id)?.turns.map((t) => t.status)).toEqual(['interrupted']);
  });
});

describe('turn refs as text', () => {
  it('round-trip values holding the separators', () => {
    const refs: Array<[string, string, string, string]> = [
      ['a b', 'k,1', '', 'x%y'],
      ['id', '', 'p\tq\nr', '$c'],
    ];
    expect(parseRefs(refsText(refs))).toEqual(refs);
    expect(parseRefs('')).toEqual([]);
    // A Claude Code session the same as the turn before's is written once.
    const resumed: Array<[string, string, string, string]> = [
      ['t1', 'k1', '', 'c-1'],
      ['t2', 'k2', '', 'c-1'],
      ['t3', 'k3', '', '^'],
      ['t4', 'k4', '', ''],
    ];
    expect(refsText(resumed)).toBe('t1 k1  c-1,t2 k2  ^,t3 k3  %5E,t4 k4  ');
    expect(parseRefs(refsText(resumed))).toEqual(resumed);
  });
});
