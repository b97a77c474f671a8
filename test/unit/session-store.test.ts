import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../common/control';
import type { TurnRecord } from '../../common/session';
import { StorageError } from '../../main/platform/data-dir';
import { EventLog, readLog, readLogPage } from '../../main/sessions/event-log';
import { SessionStore } from '../../main/sessions/session-store';
import { isAlive } from '../../main/platform/process-tree';
import { thrown } from '../support/thrown';

const freshStore = (): SessionStore => {
  const store = new SessionStore(mkdtempSync(path.join(os.tmpdir(), 'helix-store-')));
  store.load();
  return store;
};

function runningTurn(pid?: number): TurnRecord {
  return { id: 't1', parentKey: 'k0', user: 'hi', assistant: '', status: 'running', delivered: false, startedAt: new Date().toISOString(), pid };
}

/** What a crashed app leaves: the turn recorded as running in the index and the log. */
function crashWithRunningTurn(store: SessionStore, pid?: number): string {
  const session = store.create({ role: 'consultant', title: 'Hi' });
  const turn = runningTurn(pid);
  session.turns.push(turn);
  store.log(session.id).append({ type: 'turn', turn });
  store.touch(session);
  store.close();
  return session.id;
}

/** How many handles this process holds on `file` (the listing's own handle is gone by the time it is read). */
function handlesOn(file: string): number {
  const target = (fd: string): string | undefined => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return undefined;
    }
  };
  return readdirSync('/proc/self/fd').filter((fd) => target(fd) === file).length;
}

describe('EventLog', () => {
  it.skipIf(!existsSync('/proc/self/fd'))('gives its file handle back 2 s after the last append, and takes it again for the next', () => {
    vi.useFakeTimers();
    try {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-log-')), 'events.ndjson');
      const log = new EventLog(file);
      log.append({ type: 'a' });
      vi.advanceTimersByTime(1500);
      log.append({ type: 'b' }); // the wait starts again
      vi.advanceTimersByTime(1500);
      expect(handlesOn(file)).toBe(1);
      vi.advanceTimersByTime(600);
      expect(handlesOn(file)).toBe(0);
      log.append({ type: 'c' });
      expect(handlesOn(file)).toBe(1);
      vi.advanceTimersByTime(2100);
      expect(handlesOn(file)).toBe(0);
      expect(readLog(file).map((r) => r.type)).toEqual(['a', 'b', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('skips a line torn by a crash, and the next append does not merge into it', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-log-')), 'events.ndjson');
    const log = new EventLog(file);
    log.append({ type: 'a', n: 1 });
    log.close();
    appendFileSync(file, '{"type":"b","n":'); // the crash
    const after = new EventLog(file);
    after.append({ type: 'c', n: 3 });
    after.close();
    expect(readLog(file).map((r) => r.type)).toEqual(['a', 'c']);
  });

  it.skipIf(!existsSync('/dev/full'))('reports a full disk as a StorageError naming its file, and writes again once it can', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-log-')), 'events.ndjson');
    symlinkSync('/dev/full', file); // every write: ENOSPC
    const log = new EventLog(file);
    const error = thrown(() => log.append({ type: 'a' }), StorageError);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'ENOSPC', path: file });
    expect(error.message).toContain('no space left on device');
    rmSync(file);
    log.append({ type: 'b' });
    log.close();
    expect(readLog(file).map((r) => r.type)).toEqual(['b']);
  });
});

describe('log pages', () => {
  /** A log of `turns` turns, the nth with n tool calls (each a call and a result). */
  function logOfTurns(turns: number, pad = ''): string {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-pages-')), 'events.ndjson');
    const log = new EventLog(file);
    log.append({ type: 'session' });
    for (let t = 0; t < turns; t++) {
      log.append({ type: 'prompt', turnId: `t${t}` });
      for (let c = 0; c < t; c++) {
        log.append({ type: 'event', turnId: `t${t}`, event: { type: 'tool_use', id: `${t}-${c}`, pad } });
        log.append({ type: 'event', turnId: `t${t}`, event: { type: 'tool_result', id: `${t}-${c}` } });
      }
    }
    log.close();
    return file;
  }

  it('pages back through a log in whole turns, and the pages together are the log', () => {
    // 3 MB, read from the end a megabyte at a time: reads end mid-line and mid-character.
    const file = logOfTurns(30, 'é✓ '.repeat(1200));
    expect(statSync(file).size).toBeGreaterThan(3 * 1024 * 1024);
    const whole = readLog(file);
    const size = statSync(file).size;
    const pages: LogEntry[][] = [];
    let before: number | undefined;
    do {
      const page = readLogPage(file, 40, before);
      expect(page.total).toBe(size);
      expect(page.records[0]?.type).toMatch(/^(prompt|session)$/); // never mid-turn
      pages.unshift(page.records);
      before = page.start;
    } while (before > 0);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flat()).toEqual(whole);
  });

  it('keeps a turn longer than a page whole', () => {
    const file = logOfTurns(120); // the last turn: 1 prompt + 238 events
    const page = readLogPage(file, 100);
    expect(page.records[0]).toMatchObject({ type: 'prompt', turnId: 't119' });
    expect(page.records).toHaveLength(239);
    expect(readLogPage(file, 100, page.start).records[0]).toMatchObject({ type: 'prompt', turnId: 't118' });
  });

  it('gives the latest records first, and nothing past the end', () => {
    const file = logOfTurns(3); // session, t0, t1 + 2, t2 + 4 = 10 lines
    const size = statSync(file).size;
    expect(readLogPage(file, 100)).toMatchObject({ start: 0, total: size });
    const latest = readLogPage(file, 3);
    // Back to t2's prompt (the 6th line) rather than splitting its calls.
    const t2 = readFileSync(file, 'utf8').split('\n').slice(0, 5).join('\n').length + 1;
    expect(latest.start).toBe(t2);
    expect(latest.records.map((r) => r.turnId)).toEqual(['t2', 't2', 't2', 't2', 't2']);
    expect(readLogPage(file, 3, size + 999).start).toBe(t2);
    expect(readLogPage(file, 3, t2).records.map((r) => r.turnId)).toEqual(['t1', 't1', 't1']);
    expect(readLogPage(path.join(os.tmpdir(), 'no-such-helix-log.ndjson'), 3)).toEqual({ records: [], start: 0, total: 0 });
  });
});

describe('SessionStore', () => {
  it('lists sessions again after a restart, with a turn that was in flight marked interrupted', () => {
    const store = freshStore();
    const id = crashWithRunningTurn(store);
    const again = new SessionStore(path.dirname(store.dir));
    again.load();
    expect(again.get(id)?.turns[0]?.status).toBe('interrupted');
    expect(readLog(path.join(again.dir, id, 'events.ndjson')).at(-1)).toMatchObject({ type: 'interrupted', turnId: 't1' });
  });

  it('ends the claude process a crashed app left running', async () => {
    const store = freshStore();
    // A stand-in whose command line names claude, as the real one does.
    const orphan = spawn('bash', ['-c', 'exec -a claude-orphan sleep 30'], { detached: true, stdio: 'ignore' });
    await sleep(100);
    const id = crashWithRunningTurn(store, orphan.pid);
    const again = new SessionStore(path.dirname(store.dir));
    again.load();
    await sleep(100);
    expect(isAlive(orphan.pid!)).toBe(false);
    expect(again.get(id)?.turns[0]?.pid).toBeUndefined();
  });

  it("rebuilds a session from its log when its file is damaged, keeping the damaged file aside", () => {
    const store = freshStore();
    const session = store.create({ chatId: 'c9', role: 'developer', title: 'Cats' });
    const turn = { ...runningTurn(), status: 'done' as const, key: 'k1', assistant: 'Meow.' };
    session.turns.push(turn);
    store.log(session.id).append({ type: 'turn', turn });
    store.log(session.id).append({ type: 'title', title: 'All about cats' });
    store.touch(session);
    store.close();
    writeFileSync(path.join(store.dir, session.id, 'session.json'), '{"id":"'); // damaged

    const again = new SessionStore(path.dirname(store.dir));
    again.load();
    expect(again.list()).toHaveLength(1);
    expect(again.findByChatId('c9')).toMatchObject({ role: 'developer', title: 'All about cats' });
    expect(again.findByKey('k1')?.turn.assistant).toBe('Meow.');
    expect(readdirSync(path.join(again.dir, session.id)).some((f) => f.startsWith('session.json.damaged-'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(again.dir, session.id, 'session.json'), 'utf8'))).toMatchObject({ id: session.id, title: 'All about cats' });
  });

  it('never turns anything but its own ids into paths', () => {
    const store = freshStore();
    expect(() => store.sessionDir('../../etc')).toThrow('not a session id');
    expect(existsSync(store.sessionDir(store.create({ role: 'r', title: 't' }).id))).toBe(true);
  });

  it('renames a session: trimmed, on disk, told to listeners, and kept through a restart and a rebuild from the log', () => {
    const store = freshStore();
    const session = store.create({ chatId: 'c1', role: 'consultant', title: 'New chat' });
    const heard: string[] = [];
    store.onChange((s) => heard.push(s.title));
    expect(store.rename(session.id, '  Release notes 2.1  ').title).toBe('Release notes 2.1');
    expect(heard).toEqual(['Release notes 2.1']);
    store.close();

    const again = new SessionStore(path.dirname(store.dir));
    again.load();
    expect(again.get(session.id)?.title).toBe('Release notes 2.1');
    again.close();
    writeFileSync(path.join(store.dir, session.id, 'session.json'), '{"id":"'); // damaged: rebuilt from the log
    const rebuilt = new SessionStore(path.dirname(store.dir));
    rebuilt.load();
    expect(rebuilt.get(session.id)?.title).toBe('Release notes 2.1');
  });

  it('refuses an empty or over-long title, or an unknown session, saying why and changing nothing', () => {
    const store = freshStore();
    const session = store.create({ role: 'consultant', title: 'Kept' });
    expect(thrown(() => store.rename(session.id, '   '), RangeError).message).toBe('A title cannot be empty.');
    expect(thrown(() => store.rename(session.id, 'x'.repeat(201)), RangeError).message).toBe('A title is at most 200 characters (this one has 201).');
    expect(store.rename(session.id, 'y'.repeat(200)).title).toHaveLength(200);
    expect(thrown(() => store.rename('0f1e2d3c-0000-4000-8000-000000000000', 'Other'), Error).message).toMatch(/No session/);
    expect(readLog(store.logFile(session.id)).filter((r) => r.type === 'title')).toHaveLength(1);
  });

  it("keeps a person's title when the chat client later sends a generated one", () => {
    const store = freshStore();
    const session = store.create({ role: 'consultant', title: 'New chat' });
    store.setGeneratedTitle(session, 'Generated before');
    expect(store.get(session.id)?.title).toBe('Generated before');
    store.rename(session.id, 'Mine');
    store.setGeneratedTitle(session, 'Generated after');
    expect(store.get(session.id)?.title).toBe('Mine');
    store.close();
    const again = new SessionStore(path.dirname(store.dir));
    again.load();
    again.setGeneratedTitle(again.get(session.id)!, 'Generated after a restart');
    expect(again.get(session.id)?.title).toBe('Mine');
  });
});
