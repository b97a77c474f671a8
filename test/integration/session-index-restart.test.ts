/**
 * Helix restarted over a data dir with many sessions, with the real claude CLI: a data dir
 * without an index (as the previous version wrote it) starts and gets one; then, while it is
 * stopped, its index is torn, a session folder deleted and another added. Nothing is lost,
 * nothing doubled, and a chat resumes its Claude Code session across both restarts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionList } from '../../common/control';
import { startHelixCore, type HelixCore } from '../../main/app/helix-core';
import { dispatch } from '../../main/control/control-service';
import { SessionStore } from '../../main/sessions/session-store';
import type { SessionRecord } from '../../common/session';
import { text, type FakeRequest } from '../support/fake-anthropic';
import { startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const MANY = 300;
const numbered = (req: FakeRequest) => text(`Answer ${req.index + 1}.`);

async function chat(h: Harness, messages: Array<{ role: string; content: string }>, chatId: string): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
}

/** Sessions with finished turns, written into a data dir by the store as the app writes them. */
async function writeSessions(dataDir: string, count: number, prefix: string): Promise<SessionRecord[]> {
  const store = new SessionStore(dataDir);
  store.load();
  const made: SessionRecord[] = [];
  for (let i = 0; i < count; i++) {
    const session = store.create({ chatId: `${prefix}-${i}`, role: 'consultant', title: `${prefix} ${i}` });
    const turn = { id: `${prefix}-turn-${i}`, parentKey: 'root', key: `${prefix}-key-${i}`, user: 'q', assistant: 'a', status: 'done' as const, delivered: true, startedAt: new Date().toISOString(), endedAt: new Date().toISOString() };
    session.turns.push(turn);
    store.log(session.id).append({ type: 'turn', turn });
    store.touch(session);
    made.push(session);
  }
  await store.flush();
  store.close();
  return made;
}

async function restart(h: Harness): Promise<HelixCore> {
  await h.core.close();
  h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
  return h.core;
}

/** Every session as the panel lists them, page by page. */
async function everySession(core: HelixCore): Promise<SessionList['sessions']> {
  const all: SessionList['sessions'] = [];
  for (let offset = 0; ; offset += 100) {
    const result = await dispatch(core.control, 'sessions:list', [{ offset, limit: 100 }]);
    if (!result.ok) throw new Error(result.error.message);
    const page = result.data as SessionList;
    all.push(...page.sessions);
    if (offset + 100 >= page.total) return all;
  }
}

describe('a restart over many sessions', () => {
  it('keeps every session once through a missing index, a torn one, a deleted folder and an added one, and resumes the chat', async () => {
    const h = (harness = await startHarness(numbered));
    expect(await chat(h, [{ role: 'user', content: 'Remember 7.' }], 'real')).toBe('Answer 1.');
    const indexFile = path.join(h.dataDir, 'sessions-index.ndjson');

    // Stopped; many more sessions written; the index removed, as a data dir of the previous version has none.
    await h.core.close();
    const many = await writeSessions(h.dataDir, MANY, 'bulk');
    rmSync(indexFile);
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
    await h.core.sessions.checked();
    expect(await everySession(h.core)).toHaveLength(MANY + 1);
    expect(await chat(h, [{ role: 'user', content: 'Remember 7.' }, { role: 'assistant', content: 'Answer 1.' }, { role: 'user', content: 'Which number?' }], 'real')).toBe('Answer 2.');

    // Stopped again: the index torn in its last line, a session folder deleted, one added.
    await h.core.close();
    const size = readFileSync(indexFile).length;
    truncateSync(indexFile, size - 25);
    const gone = many[17]!;
    rmSync(path.join(h.dataDir, 'sessions', gone.id), { recursive: true });
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'helix-elsewhere-'));
    const [added] = (await writeSessions(elsewhere, 1, 'added')) as [SessionRecord];
    cpSync(path.join(elsewhere, 'sessions', added.id), path.join(h.dataDir, 'sessions', added.id), { recursive: true });
    rmSync(elsewhere, { recursive: true });

    const core = await restart(h);
    // The added chat is found before the check has run; the deleted one is not.
    expect(core.sessions.findByChatId('added-0')?.id).toBe(added.id);
    expect(core.sessions.findByChatId(gone.chatId!)).toBeUndefined();
    await core.sessions.checked();
    const sessions = await everySession(core);
    const chatIds = sessions.map((s) => s.chatId);
    expect(new Set(chatIds).size).toBe(chatIds.length);
    expect(sessions).toHaveLength(MANY + 1);
    expect(chatIds).toContain('added-0');
    expect(chatIds).not.toContain(gone.chatId);
    expect(chatIds.filter((id) => id?.startsWith('bulk-'))).toHaveLength(MANY - 1);
    expect(sessions.find((s) => s.chatId === 'real')).toMatchObject({ turns: 2, status: 'done' });
    // A turn of a bulk session is found by its key, its session read on demand.
    expect(core.sessions.findByKey('bulk-key-200')?.session.chatId).toBe('bulk-200');

    // The chat goes on in the same session, resuming its Claude Code session.
    expect(await chat(h, [{ role: 'user', content: 'Remember 7.' }, { role: 'assistant', content: 'Answer 1.' }, { role: 'user', content: 'Which number?' }, { role: 'assistant', content: 'Answer 2.' }, { role: 'user', content: 'And again?' }], 'real')).toBe('Answer 3.');
    const messages = h.fake.requests[2]!.body.messages ?? [];
    expect(messages.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect((await everySession(core)).filter((s) => s.chatId === 'real')).toEqual([expect.objectContaining({ turns: 3 })]);
  });
});
