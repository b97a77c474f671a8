/**
 * Approvals with the real CLI against a fake upstream: a Write or a Bash call that no rule allows
 * waits for a person; the answer (from the control API) decides whether it runs, what Claude Code
 * is told, and what rule is kept; an unanswered one is denied at the deadline; a cancel withdraws it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalView } from '../../common/approval';
import type { ControlResult, LogEntry } from '../../common/control';
import { startHelixCore } from '../../main/app/helix-core';
import { buildTimeline } from '../../renderer/src/timeline';
import { readLog } from '../../main/sessions/event-log';
import { hasToolResults, lastUserText, text, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { contentOf, parseSse, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** The tool_result the CLI sent back for the call (what Claude Code saw: the tool's output or the denial). */
function toolResultOf(req: FakeRequest): { content: string; isError: boolean } | undefined {
  const last = req.body.messages?.at(-1);
  if (!Array.isArray(last?.content)) return undefined;
  const part = (last.content as Array<{ type?: string; content?: unknown; is_error?: boolean }>).find((p) => p.type === 'tool_result');
  if (!part) return undefined;
  const content = typeof part.content === 'string' ? part.content : Array.isArray(part.content) ? (part.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('') : '';
  // The CLI may add its own reminders after the tool's text.
  return { content: content.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim(), isError: part.is_error === true };
}

/** Asks for one tool call per user message, then answers with what the tool result said. */
function asking(block: (req: FakeRequest) => Reply): (req: FakeRequest) => Reply {
  return (req) => {
    const result = toolResultOf(req);
    if (hasToolResults(req)) return text(`Tool said: ${result?.content ?? ''}`);
    return block(req);
  };
}

async function start(script: (req: FakeRequest) => Reply, extraYaml = '', project?: string): Promise<Harness & { project: string }> {
  const dir = project ?? mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
  const h = await startHarness(script, {
    role: `{ model: "local:claude-sonnet-4-5", cwd: "${dir}" }  # the project role`,
    extraYaml,
  });
  harness = h;
  return Object.assign(h, { project: dir });
}

const write = (dir: string, name = 'written.txt') => () => ({ kind: 'message', blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: path.join(dir, name), content: 'written by fake\n' } }] }) as Reply;

async function control<T>(h: Harness, command: string, args: unknown[], token = h.core.controlToken): Promise<ControlResult<T>> {
  const base = h.core.controlUrl.replace(/\/#token=.*$/, '');
  const response = await fetch(`${base}/control/${command}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
  return (await response.json()) as ControlResult<T>;
}

async function pending(h: Harness, count = 1): Promise<ApprovalView[]> {
  let list: ApprovalView[] = [];
  await vi.waitFor(
    async () => {
      const result = await control<ApprovalView[]>(h, 'approvals:list', []);
      list = result.ok ? result.data : [];
      expect(list).toHaveLength(count);
    },
    { timeout: 20_000, interval: 100 },
  );
  return list;
}

function chat(h: Harness, chatId: string, content: string, signal?: AbortSignal): Promise<Response> {
  return h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, signal, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages: [{ role: 'user', content }] }) });
}

async function answerOf(response: Promise<Response>): Promise<string> {
  const body = (await (await response).json()) as { choices: Array<{ message: { content: string } }> };
  return body.choices[0]!.message.content;
}

function approvalRecords(h: Harness, chatId: string, sessionId?: string): ApprovalView[] {
  const session = sessionId ? h.core.sessions.get(sessionId)! : h.core.sessions.findByChatId(chatId)!;
  return readLog(h.core.sessions.logFile(session.id))
    .filter((r) => r.type === 'event' && (r.event as { type: string }).type === 'approval')
    .map((r) => (r.event as { approval: ApprovalView }).approval);
}

describe('approvals', () => {
  it('a Write allowed from the control API runs: the file exists, the turn goes on; the log records the question and the answer', async () => {
    const h = await start(() => text('unused'));
    const dir = h.project;
    h.fake.setScript(asking(write(dir)));
    const reply = chat(h, 'allow', 'Write the file');
    const [approval] = await pending(h);
    expect(approval).toMatchObject({ tool: 'Write', role: 'consultant', status: 'pending', summary: 'Write written.txt', outsideWorkspace: false });
    expect(approval!.detail).toContain('written by fake');
    expect(Date.parse(approval!.deadline) - Date.parse(approval!.askedAt)).toBe(300_000);
    expect(existsSync(path.join(dir, 'written.txt'))).toBe(false); // nothing runs before the answer

    const answered = await control<ApprovalView>(h, 'approval:answer', [approval!.id, { decision: 'allow' }]);
    expect(answered).toMatchObject({ ok: true, data: { status: 'allowed', answer: { decision: 'allow', from: 'panel' } } });
    expect(await answerOf(reply)).toMatch(/^Tool said: File created successfully/);
    expect(readFileSync(path.join(dir, 'written.txt'), 'utf8')).toBe('written by fake\n');

    // A second answer is refused and says how it was answered.
    const again = await control(h, 'approval:answer', [approval!.id, { decision: 'deny' }]);
    expect(again).toMatchObject({ ok: false, error: { code: 'already_answered', message: expect.stringMatching(/^Already answered — allowed once from the panel at \d\d:\d\d UTC\.$/) } });
    expect(approvalRecords(h, 'allow').map((a) => [a.status, a.answer?.from])).toEqual([
      ['pending', undefined],
      ['allowed', 'panel'],
    ]);
    expect(await control(h, 'approvals:list', [])).toEqual({ ok: true, data: [] });
  });

  it('denied with a message: Claude Code receives the message as the tool result, no file is written', async () => {
    const h = await start(() => text('unused'));
    h.fake.setScript(asking(write(h.project)));
    const reply = chat(h, 'deny', 'Write the file');
    const [approval] = await pending(h);
    await control(h, 'approval:answer', [approval!.id, { decision: 'deny', message: 'Not there: use notes/ instead.' }]);
    expect(await answerOf(reply)).toBe('Tool said: Not there: use notes/ instead.');
    const seen = h.fake.requests.map(toolResultOf).find(Boolean);
    expect(seen).toEqual({ content: 'Not there: use notes/ instead.', isError: true });
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
    expect(approvalRecords(h, 'deny').at(-1)).toMatchObject({ status: 'denied', answer: { decision: 'deny', message: 'Not there: use notes/ instead.', from: 'panel' } });
  });

  it('nobody answers: at the deadline the call is denied with a message saying so, recorded, and the turn finishes', async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    timeout_seconds: 1.5\n');
    h.fake.setScript(asking(write(h.project)));
    const started = Date.now();
    const answer = await answerOf(chat(h, 'late', 'Write the file'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(answer).toMatch(/^Tool said: No one answered within 1.5 s, so Helix denied Write\./);
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
    expect(approvalRecords(h, 'late').at(-1)).toMatchObject({ status: 'timed_out', answer: { from: 'timeout', decision: 'deny' } });
    expect(h.core.sessions.findByChatId('late')!.turns[0]!.status).toBe('done');
  });

  it('a role with approvals: deny refuses at once, as an unattended role should', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
    const h = await startHarness(asking(write(project)), { role: `{ model: "local:claude-sonnet-4-5", cwd: "${project}", approvals: deny }` });
    harness = h;
    expect(await answerOf(chat(h, 'unattended', 'Write the file'))).toMatch(/^Tool said: Claude requested permissions to use Write.*approvals: deny/);
    expect(h.core.approvals.list()).toEqual([]);
  });

  it('allow always for the role: the YAML gains the rule with its comments kept, and the next turn does not ask', async () => {
    let command = 'touch first.txt';
    const h = await start(() => text('unused'));
    h.fake.setScript(asking(() => ({ kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command, description: 'Make a file' } }] })));
    const reply = chat(h, 'always', 'Touch it');
    const [approval] = await pending(h);
    expect(approval).toMatchObject({ tool: 'Bash', rule: 'Bash(touch first.txt)', summary: expect.stringMatching(/^Bash `touch first\.txt` in /) });
    await control(h, 'approval:answer', [approval!.id, { decision: 'allow_role' }]);
    await answerOf(reply);
    expect(existsSync(path.join(h.project, 'first.txt'))).toBe(true);
    const yaml = readFileSync(h.core.configPath, 'utf8');
    expect(yaml).toContain(`cwd: "${h.project}", allowed_tools: ["Bash(touch first.txt)"] }  # the project role\n`);
    expect(h.core.config.current.roles[0]!.allowedTools).toEqual(['Bash(touch first.txt)']);

    // The same command again: allowed by the role's rule, no prompt; another command asks.
    const next = await answerOf(chat(h, 'always-2', 'Touch it again'));
    expect(next).toMatch(/^Tool said/);
    expect(h.core.approvals.list()).toEqual([]);
    command = 'touch second.txt';
    const other = chat(h, 'always-3', 'Touch another');
    const [asked] = await pending(h);
    expect(asked!.rule).toBe('Bash(touch second.txt)');
    await control(h, 'approval:answer', [asked!.id, { decision: 'deny' }]);
    await answerOf(other);
    expect(existsSync(path.join(h.project, 'second.txt'))).toBe(false);
  });

  it('two chats waiting at once are answered each on its own; a cancel while waiting withdraws the prompt', async () => {
    const h = await start(() => text('unused'));
    h.fake.setScript(asking((req) => write(h.project, `${lastUserWord(req)}.txt`)()));
    const one = chat(h, 'one', 'alpha');
    const two = chat(h, 'two', 'beta');
    const both = await pending(h, 2);
    const alpha = both.find((a) => a.summary === 'Write alpha.txt')!;
    const beta = both.find((a) => a.summary === 'Write beta.txt')!;
    await control(h, 'approval:answer', [beta.id, { decision: 'allow' }]);
    expect(await answerOf(two)).toMatch(/^Tool said: File created/);
    expect(existsSync(path.join(h.project, 'beta.txt'))).toBe(true);
    expect(existsSync(path.join(h.project, 'alpha.txt'))).toBe(false);
    expect((await pending(h, 1))[0]!.id).toBe(alpha.id);

    // Cancelled from the panel while it waits: the prompt is gone, the turn cancelled, nothing written.
    const turnId = alpha.turnId;
    expect(await control(h, 'turn:cancel', [turnId])).toEqual({ ok: true, data: { cancelled: true } });
    await expect(one).resolves.toBeDefined();
    await pending(h, 0);
    expect(approvalRecords(h, 'one').at(-1)).toMatchObject({ status: 'withdrawn', answer: { from: 'withdrawn' } });
    const late = await control(h, 'approval:answer', [alpha.id, { decision: 'allow' }]);
    expect(late).toMatchObject({ ok: false, error: { code: 'already_answered' } });
    expect(existsSync(path.join(h.project, 'alpha.txt'))).toBe(false);
    expect(h.core.sessions.findByChatId('one')!.turns[0]!.status).toBe('cancelled');
  });

  it('a process that dies while a prompt waits withdraws it; after a Helix restart nothing is pending and the log shows it withdrawn', async () => {
    const h = await start(() => text('unused'));
    h.fake.setScript(asking(write(h.project)));
    const reply = chat(h, 'crash', 'Write');
    const [approval] = await pending(h);
    const pid = h.core.sessions.findByChatId('crash')!.turns[0]!.pid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid!, 'SIGKILL');
    await (await reply).text();
    await pending(h, 0);
    expect(approvalRecords(h, 'crash').at(-1)).toMatchObject({ status: 'withdrawn' });
    expect(h.core.sessions.findByChatId('crash')!.turns[0]!.status).toBe('failed');
    expect((await control(h, 'approval:answer', [approval!.id, { decision: 'allow' }])).ok).toBe(false);

    // Another one waits when Helix stops: gone after the restart, and never shown as pending again.
    const again = chat(h, 'restart', 'Write').catch(() => undefined);
    await pending(h);
    await h.core.close();
    await again;
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
    expect(await control(h, 'approvals:list', [])).toEqual({ ok: true, data: [] });
    const session = h.core.sessions.findByChatId('restart')!;
    const page = await control<{ log: LogEntry[] }>(h, 'session:get', [session.id]);
    const shown = page.ok ? buildTimeline(page.data.log).filter((i) => i.kind === 'approval') : [];
    expect(shown.map((i) => i.kind === 'approval' && i.approval.status)).toEqual(['withdrawn']);
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
  });

  it("Claude Code's question (AskUserQuestion) is answered with one of its options: Claude Code reads the answer", async () => {
    const h = await start(() => text('unused'));
    const ask = { questions: [{ question: 'Which color should the button be?', header: 'Color', multiSelect: false, options: [{ label: 'Blue', description: 'calm' }, { label: 'Red', description: 'loud' }] }] };
    h.fake.setScript(asking(() => ({ kind: 'message', blocks: [{ type: 'tool_use', name: 'AskUserQuestion', input: ask }] })));
    const reply = chat(h, 'question', 'Pick a color with me');
    const [approval] = await pending(h);
    expect(approval).toMatchObject({ tool: 'AskUserQuestion', summary: 'Question: Which color should the button be?', questions: [{ question: 'Which color should the button be?', options: ['Blue', 'Red'] }] });
    // Allowing without an answer is refused: a question is answered, not allowed.
    expect(await control(h, 'approval:answer', [approval!.id, { decision: 'allow' }])).toMatchObject({ ok: false, error: { code: 'not_available' } });
    const answered = await control(h, 'approval:answer', [approval!.id, { decision: 'allow', answers: { 'Which color should the button be?': 'Blue' } }]);
    expect(answered).toMatchObject({ ok: true, data: { status: 'allowed', answer: { answers: { 'Which color should the button be?': 'Blue' } } } });
    expect(await answerOf(reply)).toMatch(/^Tool said: .*"Which color should the button be\?"="Blue"/);
  });

  it('a client that leaves while a prompt waits (on_disconnect: cancel) withdraws it', async () => {
    const h = await start(() => text('unused'));
    h.fake.setScript(asking(write(h.project)));
    const controller = new AbortController();
    const reply = chat(h, 'leaver', 'Write', controller.signal).catch(() => undefined);
    await pending(h);
    controller.abort();
    await reply;
    await pending(h, 0);
    expect(approvalRecords(h, 'leaver').at(-1)).toMatchObject({ status: 'withdrawn' });
    await vi.waitFor(() => expect(h.core.sessions.findByChatId('leaver')!.turns[0]!.status).toBe('cancelled'), { timeout: 5000, interval: 50 });
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
  });

  it('only the control token answers: the API key is refused', async () => {
    const h = await start(() => text('unused'));
    h.fake.setScript(asking(write(h.project)));
    const reply = chat(h, 'auth', 'Write');
    const [approval] = await pending(h);
    const refused = await control(h, 'approval:answer', [approval!.id, { decision: 'allow' }], 'sk-helix-test-key');
    expect(refused.ok).toBe(false);
    expect(h.core.approvals.list()).toHaveLength(1);
    await control(h, 'approval:answer', [approval!.id, { decision: 'stop' }]);
    await (await reply).text();
    expect(h.core.sessions.findByChatId('auth')!.turns[0]!.status).toBe('cancelled');
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
  });
});

function lastUserWord(req: FakeRequest): string {
  const first = req.body.messages?.find((m) => m.role === 'user');
  const content = typeof first?.content === 'string' ? first.content : ((first?.content as Array<{ text?: string }>) ?? []).map((p) => p.text ?? '').join(' ');
  return /\b(alpha|beta)\b/.exec(content)?.[1] ?? 'other';
}

describe('approvals answered in the chat (settings.approvals.in_chat)', () => {
  type Message = { role: string; content: string };
  async function say(h: Harness, chatId: string, messages: Message[], stream = false): Promise<string> {
    const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream, messages }) });
    expect(response.status).toBe(200);
    if (!stream) return ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
    return contentOf(parseSse(await response.text()).events);
  }

  it('the answer ends with the question; "allow" continues the same turn and the file is written; the chat then goes on in the same session', async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    in_chat: true\n');
    h.fake.setScript((req) => (lastUserText(req).includes('And now?') ? text('Still here.') : asking(write(h.project))(req)));
    const first = await say(h, 'inchat', [{ role: 'user', content: 'Write the file' }]);
    expect(first).toContain('**Claude Code asks:** Write written.txt');
    expect(first).toContain('written by fake');
    expect(first).toMatch(/Reply \*\*allow\*\*, \*\*always\*\* or \*\*deny\*\* — or say what to do instead\.$/);
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
    expect(h.core.approvals.list()).toHaveLength(1);

    const history: Message[] = [{ role: 'user', content: 'Write the file' }, { role: 'assistant', content: first }, { role: 'user', content: 'allow' }];
    const second = await say(h, 'inchat', history, true);
    expect(second).toMatch(/^Tool said: File created successfully/);
    expect(readFileSync(path.join(h.project, 'written.txt'), 'utf8')).toBe('written by fake\n');
    expect(approvalRecords(h, 'inchat').at(-1)).toMatchObject({ status: 'allowed', answer: { from: 'chat', decision: 'allow' } });
    const session = h.core.sessions.findByChatId('inchat')!;
    expect(session.turns).toHaveLength(1); // one Claude Code turn, two chat messages

    // The client's history (question, reply, continuation) is recognised: the next message continues the same session.
    const third = await say(h, 'inchat', [...history, { role: 'assistant', content: second }, { role: 'user', content: 'And now?' }]);
    expect(third).toBe('Still here.');
    expect(session.turns[1]!.claudeSessionId).toBe(session.turns[0]!.claudeSessionId);
    expect(lastUserText(h.fake.requests.at(-1)!)).not.toContain('<conversation>');
  });

  it('any other reply denies with the reply passed to Claude Code, streamed as the continuation', async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    in_chat: true\n');
    h.fake.setScript(asking(write(h.project)));
    const first = await say(h, 'inchat-deny', [{ role: 'user', content: 'Write the file' }], true);
    expect(first).toContain('Reply **allow**');
    // Another chat's "allow" (same API key) answers nothing of this one: it is a turn of its own, asking its own question.
    const waiting = h.core.approvals.list()[0]!;
    expect(await say(h, 'someone-else', [{ role: 'user', content: 'allow' }])).toContain('Reply **allow**');
    expect(h.core.approvals.get(waiting.id)?.status).toBe('pending');
    expect(h.core.approvals.list()).toHaveLength(2);
    const second = await say(h, 'inchat-deny', [{ role: 'user', content: 'Write the file' }, { role: 'assistant', content: first }, { role: 'user', content: 'No, put it in notes/ please' }]);
    expect(second).toBe('Tool said: The user said instead: No, put it in notes/ please');
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);
    expect(approvalRecords(h, 'inchat-deny').at(-1)).toMatchObject({ status: 'denied', answer: { from: 'chat' } });
  });

  it('through the Responses API: the question ends the response (the tool call closed as waiting); a reply naming it as previous_response_id answers it', async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    in_chat: true\n');
    h.fake.setScript((req) => (lastUserText(req).includes('And now?') ? text('Still here.') : asking(write(h.project))(req)));
    type Item = { type: string; content?: Array<{ text: string }>; output?: Array<{ text: string }> };
    const create = async (body: Record<string, unknown>): Promise<{ id: string; output: Item[] }> => {
      const response = await h.api('/v1/responses', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', ...body }) });
      expect(response.status).toBe(200);
      return (await response.json()) as { id: string; output: Item[] };
    };
    const said = (output: Item[]): string => output.filter((i) => i.type === 'message').map((i) => i.content![0]!.text).join('');
    const first = await create({ input: 'Write the file' });
    expect(said(first.output)).toMatch(/\*\*Claude Code asks:\*\* Write written\.txt[\s\S]*Reply \*\*allow\*\*/);
    expect(JSON.stringify(first.output)).toContain('waiting for your approval: reply in this chat');
    expect(existsSync(path.join(h.project, 'written.txt'))).toBe(false);

    const second = await create({ input: 'allow', previous_response_id: first.id });
    expect(said(second.output)).toMatch(/^Tool said: File created successfully/);
    expect(readFileSync(path.join(h.project, 'written.txt'), 'utf8')).toBe('written by fake\n');
    const session = h.core.sessions.list().find((s) => s.turns.some((t) => t.user === 'Write the file'))!;
    expect(approvalRecords(h, session.chatId ?? '', session.id).at(-1)).toMatchObject({ status: 'allowed', answer: { from: 'chat' } });

    // The next response continues the same Claude Code session.
    const third = await create({ input: 'And now?', previous_response_id: second.id });
    expect(said(third.output)).toBe('Still here.');
    expect(session.turns).toHaveLength(2);
    expect(session.turns[1]!.claudeSessionId).toBe(session.turns[0]!.claudeSessionId);
  });

  it("Claude Code's question asked in the chat is answered by the reply itself", async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    in_chat: true\n');
    const ask = { questions: [{ question: 'Which color should the button be?', header: 'Color', multiSelect: false, options: [{ label: 'Blue', description: 'calm' }, { label: 'Red', description: 'loud' }] }] };
    h.fake.setScript(asking(() => ({ kind: 'message', blocks: [{ type: 'tool_use', name: 'AskUserQuestion', input: ask }] })));
    const first = await say(h, 'chat-question', [{ role: 'user', content: 'Pick a color with me' }]);
    expect(first).toContain('**Claude Code asks:** Question: Which color should the button be?');
    expect(first).toMatch(/- Red\n```\n\nReply with your answer\.$/);
    const second = await say(h, 'chat-question', [{ role: 'user', content: 'Pick a color with me' }, { role: 'assistant', content: first }, { role: 'user', content: 'Red' }]);
    expect(second).toMatch(/^Tool said: .*"Which color should the button be\?"="Red"/);
  });

  it('without a chat id, the history that ends with the question finds the waiting turn', async () => {
    const h = await start(() => text('unused'), 'settings:\n  approvals:\n    in_chat: true\n');
    h.fake.setScript(asking(write(h.project)));
    const post = async (messages: Message[]): Promise<string> => {
      const response = await h.api('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', stream: false, messages }) });
      return ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
    };
    const first = await post([{ role: 'user', content: 'Write the file' }]);
    expect(first).toContain('Reply **allow**');
    const second = await post([{ role: 'user', content: 'Write the file' }, { role: 'assistant', content: first }, { role: 'user', content: 'yes' }]);
    expect(second).toMatch(/^Tool said: File created successfully/);
    expect(h.core.sessions.list()).toHaveLength(1);
  });
});

