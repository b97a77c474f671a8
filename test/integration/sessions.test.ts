/**
 * Conversations that continue, with the real claude CLI: follow-ups resume the Claude Code
 * session (only the new message is sent), branches get exactly the history the client shows,
 * and sessions survive a restart.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startHelixCore } from '../../main/app/helix-core';
import { readLog } from '../../main/sessions/event-log';
import { lastUserText, text, type FakeRequest } from '../support/fake-anthropic';
import { contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Message = { role: string; content: unknown };
const user = (content: unknown): Message => ({ role: 'user', content });
const assistant = (content: string): Message => ({ role: 'assistant', content });

/** Answers "answer N" for the Nth request, so each turn's answer is known. */
const numbered = (req: FakeRequest) => text(`Answer ${req.index + 1}.`);

async function chat(h: Harness, messages: Message[], headers: Record<string, string> = {}): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages }) });
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  expect(response.status).toBe(200);
  return body.choices[0]!.message.content;
}

/** The conversation the provider received on request `index`, without the CLI's own system entries. */
function upstreamTurns(h: Harness, index: number): Array<{ role: string; text: string }> {
  return (h.fake.requests[index]!.body.messages ?? [])
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => ({
      role: m.role,
      text: typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join(''),
    }));
}

describe('follow-ups', () => {
  it.each([
    ['the X-Helix-Chat-Id header', { 'x-helix-chat-id': 'chat-42' }],
    ["Open WebUI's X-OpenWebUI-Chat-Id header", { 'x-openwebui-chat-id': 'owui-chat-7' }],
    ['the messages alone', {}],
  ])('recognised by %s, resume the Claude Code session with only the new message', async (_, headers) => {
    const h = (harness = await startHarness(numbered));
    const first = await chat(h, [user('My name is Ada.')], headers);
    expect(first).toBe('Answer 1.');
    const second = await chat(h, [user('My name is Ada.'), assistant(first), user('What is my name?')], headers);
    expect(second).toBe('Answer 2.');

    // Resumed: the provider got the real earlier exchange from Claude Code's session, and the new
    // message as sent — not a transcript pasted into a new prompt.
    const turns = upstreamTurns(h, 1);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(turns[1]!.text).toBe('Answer 1.');
    expect(lastUserText(h.fake.requests[1]!)).toContain('What is my name?');
    expect(lastUserText(h.fake.requests[1]!)).not.toContain('<conversation>');

    const sessions = h.core.sessions.list();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.turns.map((t) => t.status)).toEqual(['done', 'done']);
    expect(sessions[0]!.chatId).toBe(Object.values(headers)[0]);
    // Served in place by the chat's warm process: one Claude Code session, no copy per turn.
    expect(sessions[0]!.turns[0]!.claudeSessionId).toBe(sessions[0]!.turns[1]!.claudeSessionId);
    expect(sessions[0]!.turns[1]!.claudeMessageUuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a chat that switches to a role working in another folder carries its history there', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
    const h = (harness = await startHarness(numbered, { extraYaml: `  developer:\n    model: "local:claude-opus-4-1"\n    cwd: ${project}\n` }));
    const headers = { 'x-helix-chat-id': 'switcher' };
    const first = await chat(h, [user('My name is Ada.')], headers);
    // Open WebUI's model picker changed mid-chat: Claude Code keeps sessions per folder, so the
    // earlier one cannot be resumed there; the new run starts from the transcript instead.
    const response = await h.api('/v1/chat/completions', {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'helix-developer', messages: [user('My name is Ada.'), assistant(first), user('What is my name?')] }),
    });
    expect(response.status).toBe(200);
    const seeded = lastUserText(h.fake.requests[1]!);
    expect(seeded).toContain('<user>\nMy name is Ada.\n</user>');
    expect(seeded).toContain('What is my name?');
    const turns = h.core.sessions.list()[0]!.turns;
    expect(turns.map((t) => [t.status, t.cwd])).toEqual([
      ['done', h.core.sessions.list()[0]!.cwd],
      ['done', project],
    ]);
    // And back again: the developer's turn was in the project, so the consultant starts from the transcript too.
    const third = await chat(h, [user('My name is Ada.'), assistant(first), user('What is my name?'), assistant('Answer 2.'), user('Thanks.')], headers);
    expect(third).toBe('Answer 3.');
    expect(lastUserText(h.fake.requests[2]!)).toContain('<assistant>\nAnswer 2.\n</assistant>');
  });

  it('a regenerated answer is made from the history before it, not from the answer it replaces', async () => {
    const h = (harness = await startHarness(numbered));
    const headers = { 'x-helix-chat-id': 'regen' };
    const a1 = await chat(h, [user('Pick a number.')], headers);
    const history = [user('Pick a number.'), assistant(a1), user('Another one.')];
    const a2 = await chat(h, history, headers);
    const regenerated = await chat(h, history, headers);
    expect(regenerated).toBe('Answer 3.');
    const turns = upstreamTurns(h, 2);
    expect(turns.map((t) => t.text)).not.toContain(a2);
    expect(turns.map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
    expect(h.core.sessions.list()[0]!.turns).toHaveLength(3);
  });

  it('an edited earlier message starts from exactly the history the client sent', async () => {
    const h = (harness = await startHarness(numbered));
    const headers = { 'x-helix-chat-id': 'edit' };
    const a1 = await chat(h, [user('Tell me about cats.')], headers);
    await chat(h, [user('Tell me about cats.'), assistant(a1), user('And their food?')], headers);
    // The client edited the assistant's first answer: no Claude Code session holds that history.
    await chat(h, [user('Tell me about cats.'), assistant('Cats are birds.'), user('And their food?')], headers);
    const seeded = lastUserText(h.fake.requests[2]!);
    expect(seeded).toContain('<assistant>\nCats are birds.\n</assistant>');
    expect(seeded).toContain('And their food?');
    expect(upstreamTurns(h, 2).map((t) => t.role)).toEqual(['user']);
  });

  it('a chat id never becomes a path', async () => {
    const h = (harness = await startHarness(numbered));
    await chat(h, [user('Hi')], { 'x-helix-chat-id': '../../../../tmp/escape' });
    const session = h.core.sessions.list()[0]!;
    expect(session.chatId).toBe('../../../../tmp/escape');
    expect(session.cwd).toBe(path.join(h.dataDir, 'sessions', session.id, 'workspace'));
    expect(readdirSync(path.join(h.dataDir, 'sessions'))).toEqual([session.id]);
  });
});

describe('persistence', () => {
  it('logs every turn as it happens and keeps sessions, and their resumption, across a restart', async () => {
    const h = (harness = await startHarness(numbered));
    const a1 = await chat(h, [user('Remember 7.')], { 'x-helix-chat-id': 'persist' });
    const session = h.core.sessions.list()[0]!;
    const logFile = path.join(h.dataDir, 'sessions', session.id, 'events.ndjson');
    const kinds = readLog(logFile).map((r) => r.type);
    expect(kinds[0]).toBe('session');
    expect(kinds).toEqual(expect.arrayContaining(['turn', 'prompt', 'event']));
    const events = readLog(logFile).flatMap((r) => (r.type === 'event' ? [(r.event as { type: string }).type] : []));
    expect(events).toEqual(expect.arrayContaining(['started', 'text', 'result']));
    const finished = readLog(logFile).filter((r) => r.type === 'turn').at(-1)!.turn as { status: string; usage: object; costUsd: number };
    expect(finished.status).toBe('done');
    expect(finished.usage).toMatchObject({ inputTokens: 100, outputTokens: 20 });

    // Restart: a new core on the same data dir and HOME.
    await h.core.close();
    const core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
    h.core = core;
    expect(core.sessions.list().map((s) => s.id)).toEqual([session.id]);
    const a2 = await chat(h, [user('Remember 7.'), assistant(a1), user('Which number?')], { 'x-helix-chat-id': 'persist' });
    expect(a2).toBe('Answer 2.');
    expect(upstreamTurns(h, 1).map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });
});

describe('images', () => {
  it('reach Claude Code as image content and are kept with the session', async () => {
    const h = (harness = await startHarness(numbered));
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await chat(h, [user([{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }])]);
    const sent = JSON.stringify(h.fake.requests[0]!.body.messages);
    expect(sent).toContain('"type":"image"');
    expect(sent).toContain(png);
    const session = h.core.sessions.list()[0]!;
    const prompt = readLog(path.join(h.dataDir, 'sessions', session.id, 'events.ndjson')).find((r) => r.type === 'prompt')!;
    expect(prompt.images).toEqual([expect.stringMatching(/^images\/[0-9a-f]{64}\.png$/)]);
    expect(readdirSync(path.join(h.dataDir, 'sessions', session.id, 'images'))).toHaveLength(1);
  });
});

describe('streaming sessions', () => {
  it('a streamed follow-up resumes just like a one-shot one', async () => {
    const h = (harness = await startHarness(numbered));
    const body = (messages: Message[]): string => JSON.stringify({ model: 'helix-consultant', stream: true, messages });
    const first = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: body([user('One')]) }));
    const answer = contentOf(first.events);
    expect(answer).toBe('Answer 1.');
    await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: body([user('One'), assistant(answer), user('Two')]) }));
    expect(upstreamTurns(h, 1).map((t) => t.role)).toEqual(['user', 'assistant', 'user']);
  });
});
