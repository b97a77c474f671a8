/**
 * Warm Claude Code processes, one per active chat, with the real CLI against a fake upstream:
 * one process serves a whole linear chat, branches fork from the right message, the number of
 * warm processes is bounded, and a process that is gone (killed, evicted, Helix restarted) is
 * replaced by one that resumes the same conversation.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runTmpDir } from '../../main/platform/data-dir';
import { startHelixCore } from '../../main/app/helix-core';
import { readLog } from '../../main/sessions/event-log';
import { hasToolResults, lastUserText, text, type FakeRequest } from '../support/fake-anthropic';
import { processesAfter, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Message = { role: string; content: string };
const user = (content: string): Message => ({ role: 'user', content });
const assistant = (content: string): Message => ({ role: 'assistant', content });
const numbered = (req: FakeRequest) => text(`Answer ${req.index + 1}.`);

async function chat(h: Harness, chatId: string, messages: Message[]): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages }) });
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  expect(response.status).toBe(200);
  return body.choices[0]!.message.content;
}

/** The user/assistant texts the provider received on request `index`, without the CLI's own entries. */
function upstream(h: Harness, index: number): string[] {
  return (h.fake.requests[index]!.body.messages ?? [])
    .filter((m) => m.role === 'user' || m.role === 'assistant')
    .map((m) => `${m.role}: ${typeof m.content === 'string' ? m.content : (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').filter((t) => !t.startsWith('<system-reminder>')).join('')}`);
}

/** A linear chat: each new request carries the whole history the client shows. */
async function linear(h: Harness, chatId: string, messages: string[]): Promise<Message[]> {
  const history: Message[] = [];
  for (const message of messages) {
    history.push(user(message));
    history.push(assistant(await chat(h, chatId, history)));
  }
  return history;
}

function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readlinkSync(`/proc/${entry}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function transcripts(h: Harness): Array<{ file: string; bytes: number }> {
  const projects = path.join(String(h.env.HOME), '.claude', 'projects');
  return readdirSync(projects, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => ({ file: f, bytes: statSync(path.join(projects, f)).size }));
}

describe('a warm process per chat', () => {
  it('serves a 5-turn chat with one process: the provider sees each turn\'s history, the process only each new message', async () => {
    const h = (harness = await startHarness(numbered));
    const history: Message[] = [];
    const pids: number[][] = [];
    for (const [i, message] of ['one', 'two', 'three', 'four', 'five'].entries()) {
      history.push(user(message));
      const answer = await chat(h, 'five', history);
      expect(answer).toBe(`Answer ${i + 1}.`);
      history.push(assistant(answer));
      pids.push(h.processesInDataDir());
      // The whole conversation so far reached the provider, from Claude Code's own session.
      expect(upstream(h, i)).toEqual(history.slice(0, -1).map((m) => `${m.role}: ${m.content}`));
      expect(lastUserText(h.fake.requests[i]!)).not.toContain('<conversation>');
    }
    expect(pids[0]).toHaveLength(1);
    expect(new Set(pids.flat()).size).toBe(1); // the same process all along

    const session = h.core.sessions.findByChatId('five')!;
    expect(new Set(session.turns.map((t) => t.claudeSessionId)).size).toBe(1); // in place: no fork per turn
    const prompts = readLog(h.core.sessions.logFile(session.id)).filter((r) => r.type === 'prompt');
    expect(prompts.map((p) => [p.text, p.resumed])).toEqual([
      ['one', null],
      ...['two', 'three', 'four', 'five'].map((m) => [m, session.turns[0]!.claudeSessionId]),
    ]);
    // One transcript, grown in place.
    expect(transcripts(h)).toHaveLength(1);
    // The chat's log tells the process's life, each transition with its reason.
    const life = (): string[] => readLog(h.core.sessions.logFile(session.id)).filter((r) => r.type === 'live').map((r) => `${String(r.from)}>${String(r.to)}`);
    // Ready once the CLI says idle, a few ms after the last answer.
    await vi.waitFor(() => expect(life()).toEqual(['starting>running', ...Array.from({ length: 4 }, () => ['running>ready', 'ready>running']).flat(), 'running>ready']), { timeout: 3000, interval: 20 });
  });

  it('a regenerate forks from the message before the answer it replaces; an edit from the message before it', async () => {
    const h = (harness = await startHarness(numbered));
    const history = await linear(h, 'branches', ['one', 'two', 'three']);
    const session = h.core.sessions.findByChatId('branches')!;
    const original = session.turns[0]!.claudeSessionId;

    // Regenerate the third answer: the same history and message again.
    const regenerated = await chat(h, 'branches', history.slice(0, 5));
    expect(regenerated).toBe('Answer 4.');
    expect(upstream(h, 3)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two', 'assistant: Answer 2.', 'user: three']);
    expect(session.turns[3]!.claudeSessionId).not.toBe(original); // a branch of its own
    // The branch continues in its new process.
    await chat(h, 'branches', [...history.slice(0, 5), assistant(regenerated), user('four')]);
    expect(upstream(h, 4)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two', 'assistant: Answer 2.', 'user: three', 'assistant: Answer 4.', 'user: four']);
    expect(session.turns[4]!.claudeSessionId).toBe(session.turns[3]!.claudeSessionId);

    // Edit the second message: the history before it, and the edited message.
    await chat(h, 'branches', [user('one'), assistant('Answer 1.'), user('two, edited')]);
    expect(upstream(h, 5)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two, edited']);

    // Back on the original branch, after its third answer: that session resumes where it was.
    await chat(h, 'branches', [...history, user('after three')]);
    expect(upstream(h, 6)).toEqual([...history.map((m) => `${m.role}: ${m.content}`), 'user: after three']);
    expect(session.turns[6]!.claudeSessionId).toBe(original);
    expect(h.processesInDataDir()).toHaveLength(1); // still one process for the chat
  });

  it('a model and provider change mid-chat is made on the live process (its proxy token re-pointed, set_model), without a new one', async () => {
    const h = (harness = await startHarness(numbered));
    const history = await linear(h, 'switch', ['one']);
    const [pid] = h.processesInDataDir();
    h.core.config.setProvider('other', { type: 'anthropic', base_url: h.fake.url, api_key_env: 'LOCAL_KEY', models: ['my-model-x'] });
    h.core.config.setRoleModel('consultant', 'other:my-model-x');
    expect(await chat(h, 'switch', [...history, user('two')])).toMatch(/^Answer \d\.$/);
    expect(h.fake.requests[0]!.body.model).toBe('claude-sonnet-4-5');
    expect(h.fake.requests.at(-1)!.body.model).toBe('my-model-x');
    expect(upstream(h, h.fake.requests.length - 1)).toEqual(expect.arrayContaining(['user: one', 'assistant: Answer 1.']));
    expect(h.processesInDataDir()).toEqual([pid]);
    const turns = h.core.sessions.findByChatId('switch')!.turns;
    expect(turns.map((t) => [t.target, t.model])).toEqual([
      ['local:claude-sonnet-4-5', 'claude-sonnet-4-5'],
      ['other:my-model-x', 'my-model-x'],
    ]);
    // The proxy counted the second turn's requests under the new provider and that turn.
    expect(h.core.proxyRequests.latest(10).filter((r) => r.turnId === turns[1]!.id).map((r) => r.provider)).toEqual(expect.arrayContaining(['other']));
    expect(h.core.proxyRequests.latest(10).filter((r) => r.turnId === turns[1]!.id && r.provider !== 'other')).toEqual([]);
  });
});

describe('a spare process (spare_session)', () => {
  it('is parked after a new chat, and the next new chat claims it for its folder; the chat then goes on in it', async () => {
    const h = (harness = await startHarness(numbered, { extraYaml: 'settings:\n  spare_session: true\n' }));
    await linear(h, 'first', ['a one']);
    const [first] = h.processesInDataDir();
    // Parked in Helix's temporary folder, outside any chat's.
    const parked = (): number[] => processesIn(runTmpDir(h.dataDir));
    await vi.waitFor(() => expect(parked()).toHaveLength(1), { timeout: 10_000, interval: 50 });
    const [spare] = parked();
    expect(spare).not.toBe(first);

    const history = await linear(h, 'second', ['b one']);
    expect(upstream(h, 1)).toEqual(['user: b one']); // a new conversation, nothing of the first
    const session = h.core.sessions.findByChatId('second')!;
    const live = h.core.control.snapshot().live.find((l) => l.sessionId === session.id)!;
    expect(live.pid).toBe(spare);
    expect(readlinkSync(`/proc/${spare}/cwd`)).toBe(session.cwd); // claimed for the chat's folder

    await chat(h, 'second', [...history, user('b two')]);
    expect(upstream(h, 2)).toEqual(['user: b one', 'assistant: Answer 2.', 'user: b two']);
    expect(h.core.control.snapshot().live.find((l) => l.sessionId === session.id)!.pid).toBe(spare);
    expect(new Set(session.turns.map((t) => t.claudeSessionId)).size).toBe(1);
    // The next spare is parked already; quitting leaves none.
    await vi.waitFor(() => expect(parked()).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(parked()).not.toContain(spare);
    await h.core.close();
    expect([...h.processesInDataDir(), ...parked()]).toEqual([]);
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
  });
});

describe('permission prompts', () => {
  it('are refused at once for a role with approvals: deny, with a message the model reads, and the turn goes on', async () => {
    const h = (harness = await startHarness(
      (req) => (hasToolResults(req) ? text('I could not write it.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: 'notes.txt', content: 'hello' } }] }),
      { role: '{ model: "local:claude-sonnet-4-5", approvals: deny }' },
    ));
    expect(await chat(h, 'asks', [user('Write notes.txt')])).toBe('I could not write it.');
    const results = (h.fake.requests[1]!.body.messages!.at(-1)!.content as Array<{ type: string; content?: unknown; is_error?: boolean }>).filter((p) => p.type === 'tool_result');
    expect(results).toHaveLength(1);
    expect(results[0]!.is_error).toBe(true);
    expect(JSON.stringify(results[0]!.content)).toContain("haven't granted it yet");
    expect(JSON.stringify(results[0]!.content)).toContain('This role does not ask for approvals (approvals: deny)'); // Helix's answer to the CLI's prompt
    const session = h.core.sessions.findByChatId('asks')!;
    expect(existsSync(path.join(session.cwd, 'notes.txt'))).toBe(false);
    expect(session.turns[0]!.status).toBe('done');
  });
});

describe('cancel', () => {
  it('mid-tool interrupts the turn and ends the tool; the process stays warm and answers the next turn', async () => {
    const h = (harness = await startHarness(
      (req) => (lastUserText(req).includes('Sleep') && !hasToolResults(req) ? { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: "python3 -c 'import time; time.sleep(41)'" } }] } : text(`Answer ${req.index + 1}.`)),
      { role: '{ model: "local:claude-sonnet-4-5", allowed_tools: ["Bash"] }' },
    ));
    const history = await linear(h, 'tool', ['Hello']);
    const [pid] = h.processesInDataDir();
    const controller = new AbortController();
    const body = JSON.stringify({ model: 'helix-consultant', stream: true, messages: [...history, user('Sleep')] });
    const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': 'tool' }, body, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const cmdline = (p: number): string => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8');
      } catch {
        return ''; // gone meanwhile
      }
    };
    const sleeping = (): number[] => h.processesInDataDir().filter((p) => cmdline(p).includes('time.sleep(41)'));
    await vi.waitFor(async () => {
      await Promise.race([reader.read(), new Promise((r) => setTimeout(r, 50))]);
      expect(sleeping()).not.toEqual([]);
    }, { timeout: 10_000, interval: 50 });
    controller.abort();
    const session = h.core.sessions.findByChatId('tool')!;
    await vi.waitFor(() => expect(session.turns[1]!.status).toBe('cancelled'), { timeout: 5000, interval: 50 });
    await vi.waitFor(() => expect(sleeping()).toEqual([]), { timeout: 3000, interval: 50 });

    expect(await chat(h, 'tool', [...history, user('Still there?')])).toMatch(/^Answer \d\.$/);
    expect(h.processesInDataDir()).toEqual([pid]);
    expect(upstream(h, h.fake.requests.length - 1).slice(0, 2)).toEqual(['user: Hello', 'assistant: Answer 1.']);
  });
});

describe('bounds and recovery', () => {
  it('max_live_sessions: 1 with two chats: the idle one is evicted, and resumes cold with the same history', async () => {
    const h = (harness = await startHarness(numbered, { extraYaml: 'settings:\n  max_live_sessions: 1\n' }));
    const a = await linear(h, 'chat-a', ['a one']);
    const [first] = h.processesInDataDir();
    await linear(h, 'chat-b', ['b one']);
    await vi.waitFor(() => expect(h.processesInDataDir()).toHaveLength(1), { timeout: 5000, interval: 50 });
    expect(h.processesInDataDir()).not.toContain(first); // chat A's process was closed for chat B's

    await chat(h, 'chat-a', [...a, user('a two')]);
    expect(upstream(h, 2)).toEqual(['user: a one', 'assistant: Answer 1.', 'user: a two']);
    const session = h.core.sessions.findByChatId('chat-a')!;
    expect(session.turns[1]!.claudeSessionId).toBe(session.turns[0]!.claudeSessionId); // resumed in place
    await vi.waitFor(() => expect(h.processesInDataDir()).toHaveLength(1), { timeout: 5000, interval: 50 });
  });

  it('a turn that finds every warm slot busy runs in a process of its own, closed after it: it never waits', async () => {
    // The first chat's answer is held until the second chat has its own: however slow the machine, the first is in flight meanwhile.
    let secondAnswered!: () => void;
    const held = new Promise<void>((resolve) => (secondAnswered = resolve));
    const h = (harness = await startHarness((req) => text(`Slow answer ${req.index + 1}.`, { chunkSize: 2, until: req.index === 0 ? held : undefined }), { extraYaml: 'settings:\n  max_live_sessions: 1\n' }));
    const first = chat(h, 'busy-a', [user('a')]);
    await vi.waitFor(() => expect(h.fake.requests).toHaveLength(1), { timeout: 10_000, interval: 20 });
    const second = await chat(h, 'busy-b', [user('b')]).finally(secondAnswered);
    expect(second).toMatch(/^Slow answer \d\.$/);
    // It ran while the first chat's turn still did: it did not wait for the slot.
    expect(h.core.sessions.findByChatId('busy-a')!.turns[0]!.status).toBe('running');
    await first;
    // The first chat keeps its warm process; the second's was closed after its turn.
    await vi.waitFor(() => expect(h.processesInDataDir()).toHaveLength(1), { timeout: 5000, interval: 50 });
    expect(h.core.control.snapshot().live.map((l) => l.sessionId)).toEqual([h.core.sessions.findByChatId('busy-a')!.id]);
  });

  it('a process killed between turns is replaced on the next turn, which resumes the same session', async () => {
    const h = (harness = await startHarness(numbered));
    const history = await linear(h, 'killed', ['one']);
    const [pid] = h.processesInDataDir();
    process.kill(pid!, 'SIGKILL');
    await processesAfter(h, 3000);
    expect(await chat(h, 'killed', [...history, user('two')])).toBe('Answer 2.');
    expect(upstream(h, 1)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two']);
    const turns = h.core.sessions.findByChatId('killed')!.turns;
    expect(turns[1]!.claudeSessionId).toBe(turns[0]!.claudeSessionId);
    expect(h.processesInDataDir()).not.toContain(pid);
  });

  it('an idle process is closed after session_idle_seconds, and the chat goes on cold', async () => {
    const h = (harness = await startHarness(numbered, { extraYaml: 'settings:\n  session_idle_seconds: 0.5\n' }));
    const history = await linear(h, 'idle', ['one']);
    expect(await processesAfter(h, 5000)).toEqual([]);
    expect(await chat(h, 'idle', [...history, user('two')])).toBe('Answer 2.');
    expect(upstream(h, 1)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two']);
  });

  it('after a Helix restart the chat continues (cold, in place); quitting leaves no process', async () => {
    const h = (harness = await startHarness(numbered));
    const history = await linear(h, 'restart', ['one']);
    expect(h.processesInDataDir()).toHaveLength(1);
    await h.core.close();
    expect(h.processesInDataDir()).toEqual([]); // quit: no warm process outlives the core
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
    expect(await chat(h, 'restart', [...history, user('two')])).toBe('Answer 2.');
    expect(upstream(h, 1)).toEqual(['user: one', 'assistant: Answer 1.', 'user: two']);
    const turns = h.core.sessions.findByChatId('restart')!.turns;
    expect(turns[1]!.claudeSessionId).toBe(turns[0]!.claudeSessionId);
  });
});
