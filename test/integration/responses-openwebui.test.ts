/**
 * Open WebUI with API type "Responses" (emulated from its source, test/support/open-webui-responses.ts)
 * against the real claude CLI: the request it builds, the cards it gets, its background tasks, a
 * follow-up that replays the earlier items and resumes the Claude Code session, and the rule that
 * matters most — no function_call is ever left without its output (Open WebUI would run it as one
 * of its own tools), whether a tool fails, the run is cancelled, times out or the CLI crashes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { hasToolResults, lastUserText, text, type Script } from '../support/fake-anthropic';
import { processesAfter, harnessPerTest, type Harness } from '../support/helix-harness';
import { callsOpenWebUiWouldRun, OpenWebUiChat } from '../support/open-webui-responses';
import { outputText, toolOutputText, type Item } from '../support/responses-checks';

const start = harnessPerTest();

function project(): string {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
  writeFileSync(`${workspace}/notes.txt`, 'hello\nworld\n');
  return workspace;
}

const types = (output: Item[]): string[] => output.map((item) => item.type);
const error = (result: { error?: unknown }): { code?: string; message?: string } => result.error as { code?: string; message?: string };

/** A Bash tool that runs for a long time, so a turn can be stopped while it runs. */
const longBash: Script = (req) =>
  hasToolResults(req) ? text('Slept.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: "python3 -c 'import time; time.sleep(37)'" } }] };
const bashRole = '{ model: "local:claude-sonnet-4-5", allowed_tools: ["Bash"] }';

describe('Open WebUI, Responses API type', () => {
  it('gets tool cards interleaved with text, and a follow-up that replays them resumes the same Claude Code session', async () => {
    const workspace = project();
    const h = await start(
      (req) => {
        if (req.index === 0) return { kind: 'message', blocks: [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/notes.txt` } }] };
        if (req.index === 1) return text('The file says hello.', { usage: { input: 60, output: 8 } });
        return text('You asked about notes.txt.');
      },
      { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` },
    );
    const chat = new OpenWebUiChat(h, 'owui-chat-1', 'You are helpful.');
    const first = await chat.send('What is in notes.txt?');

    // The request Open WebUI built: system prompt as instructions, its own tools flattened, no chat-only fields.
    expect(first.request).toMatchObject({ model: 'helix-consultant', stream: true, instructions: 'You are helpful.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is in notes.txt?' }] }] });
    expect(first.request).not.toHaveProperty('stream_options');
    expect((first.request.tools as Array<Record<string, unknown>>)[0]).toMatchObject({ type: 'function', name: 'get_current_timestamp' });

    expect(first.status).toBe(200);
    expect(first.ended).toBe(true);
    expect(types(first.output)).toEqual(['message', 'function_call', 'function_call_output', 'message']);
    expect(callsOpenWebUiWouldRun(first.output)).toEqual([]);
    expect(first.output[1]).toMatchObject({ name: 'Read', status: 'completed' });
    expect(toolOutputText(first.output[2]!)).toContain('world');
    expect(outputText(first.output)).toBe('Let me look.\n\nThe file says hello.');
    expect(first.usage).toMatchObject({ input_tokens: 160, output_tokens: 28 });
    expect(first.statuses.at(-1)).toMatchObject({ done: true, description: expect.stringMatching(/^Done in .* 1 tool call /) });

    // The follow-up replays the stored items (messages, the call, its output) and resumes.
    const second = await chat.send('What did I ask?');
    expect(types(second.request.input as Item[])).toEqual(['message', 'message', 'function_call', 'function_call_output', 'message', 'message']);
    expect(outputText(second.output)).toBe('You asked about notes.txt.');
    const resumed = h.fake.requests[2]!;
    expect(lastUserText(resumed)).toContain('What did I ask?');
    expect(lastUserText(resumed)).not.toContain('What is in notes.txt?');
    // The history came from Claude Code's own session: the real tool result is in it.
    expect(JSON.stringify(resumed.body.messages)).toContain('tool_result');
    const session = h.core.sessions.findByChatId('owui-chat-1')!;
    expect(session.turns.map((t) => t.status)).toEqual(['done', 'done']);
    expect(session.turns[1]!.parentKey).toBe(session.turns[0]!.key);
  });

  it('answers its title, tags and follow-up tasks from output_text without starting Claude Code', async () => {
    // Were the provider asked (tasks may go to it directly), it answers in the JSON asked for.
    const h = await start((req) => text(`{"${/JSON format: \{ "(\w+)"/.exec(lastUserText(req))?.[1] ?? 'text'}": []}`));
    const chat = new OpenWebUiChat(h, 'owui-tasks');
    const fromCli = (): number => h.fake.requests.filter((r) => String(r.headers['user-agent']).startsWith('claude-cli')).length;
    const title = await chat.task('title_generation', '### Task:\nGenerate a concise title summarizing the chat history.\nJSON format: { "title": "your concise title here" }\n<chat_history>\nUSER: Parse YAML in Rust\n</chat_history>');
    const tags = await chat.task('tags_generation', '### Task:\nGenerate 1-3 broad tags categorizing the main themes of the chat history.\nJSON format: { "tags": [...] }\n<chat_history>\nUSER: hi\n</chat_history>');
    const followUps = await chat.task('follow_up_generation', '### Task:\nSuggest 3-5 relevant follow-up questions\nJSON format: { "follow_ups": [...] }\n<chat_history>\nUSER: hi\n</chat_history>');
    for (const [answer, key] of [[title, 'title'], [tags, 'tags'], [followUps, 'follow_ups']] as const) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.content.slice(answer.content.indexOf('{'), answer.content.lastIndexOf('}') + 1))).toHaveProperty(key);
    }
    expect(fromCli()).toBe(0);
    expect(h.core.sessions.findByChatId('owui-tasks')?.turns ?? []).toHaveLength(0);
  });

  it('shows retries, and a place in the queue, on its status line', async () => {
    const h = await start(() => ({ kind: 'error', status: 500, message: 'Internal server error (fake)' }), {
      role: bashRole,
      extraYaml: 'settings:\n  max_retries: 1\n  max_concurrent_runs: 1\n',
    });
    const retried = await new OpenWebUiChat(h, 'owui-retry').send('Hello');
    expect(retried.statuses.some((s) => s.description.startsWith('Provider error (HTTP 500), retry 1 of 1 in '))).toBe(true);
    expect(error(retried)).toMatchObject({ code: 'upstream_unavailable' });

    // One run slot: a second chat waits for the first one's tool, and is told its place.
    const before = h.fake.requests.length;
    h.fake.setScript((req) => (hasToolResults(req) ? text('Done.') : req.index === before ? { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'sleep 2' } }] } : text('Second.')));
    let second: Promise<Awaited<ReturnType<OpenWebUiChat['send']>>> | undefined;
    const first = new OpenWebUiChat(h, 'owui-busy').send('Sleep', {
      onEvent: (data) => {
        if (!second && data.type === 'response.output_item.added' && (data.item as Item).type === 'function_call') second = new OpenWebUiChat(h, 'owui-queued').send('Hello');
      },
    });
    expect(outputText((await first).output)).toBe('Done.');
    const queued = await second!;
    expect(queued.statuses.map((s) => s.description)).toContain('Queued: 1 of 1 waiting for a free run slot');
    expect(outputText(queued.output)).toBe('Second.');
  });

  it('a tool that fails still gets its output: the error, on the card', async () => {
    const workspace = project();
    const h = await start((req) => (hasToolResults(req) ? text('No such file.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/missing.txt` } }] }), {
      role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }`,
    });
    const result = await new OpenWebUiChat(h, 'owui-tool-error').send('Read missing.txt');
    expect(callsOpenWebUiWouldRun(result.output)).toEqual([]);
    expect(types(result.output)).toEqual(['function_call', 'function_call_output', 'message']);
    expect(result.output[1]!.status).toBe('incomplete');
    expect(toolOutputText(result.output[1]!)).toMatch(/^Error: /);
  });

  it('a run cancelled from the panel while a tool runs: the call gets its output, then response.failed', async () => {
    const h = await start(longBash, { role: bashRole });
    const chat = new OpenWebUiChat(h, 'owui-cancelled');
    const result = await chat.send('Sleep', {
      onEvent: (data) => {
        if (data.type === 'response.output_item.added' && (data.item as Item).type === 'function_call') {
          const turn = h.core.sessions.findByChatId('owui-cancelled')!.turns.at(-1)!;
          // After the tool has started, cancel as the panel's button does.
          setTimeout(() => void h.core.control.handlers['turn:cancel'](turn.id), 300);
        }
      },
    });
    expect(result.ended).toBe(true);
    expect(error(result)).toMatchObject({ code: 'cancelled' });
    expect(types(result.output)).toEqual(['function_call', 'function_call_output']);
    expect(callsOpenWebUiWouldRun(result.output)).toEqual([]);
    // Claude Code's own report of the killed tool, or Helix's "Not finished" if it gave none.
    expect(result.output[1]).toMatchObject({ status: 'incomplete', output: [{ type: 'input_text', text: expect.stringMatching(/^(Error|Not finished)/) }] });
    // The turn was interrupted: the tool is gone, the chat's claude process stays warm.
    await onlyClaudeLeft(h);
  });

  it('the stop button (client leaves) ends the run; the follow-up replaying the cut-short output is answered normally', async () => {
    const h = await start(longBash, { role: bashRole });
    const chat = new OpenWebUiChat(h, 'owui-stopped');
    const controller = new AbortController();
    const sleeping = (): boolean => h.processesInDataDir().some((pid) => cmdline(pid).includes('time.sleep(37)'));
    const stopped = await chat.send('Sleep', {
      signal: controller.signal,
      onEvent: (data) => {
        if (data.type === 'response.output_item.added' && (data.item as Item).type === 'function_call') {
          void vi.waitFor(() => expect(sleeping()).toBe(true), { timeout: 5000, interval: 50 }).then(() => controller.abort());
        }
      },
    });
    // Open WebUI cancels its own task on stop, so it runs nothing; Helix interrupts the turn, which ends the tool.
    expect(stopped.ended).toBe(false);
    await onlyClaudeLeft(h);
    await expect.poll(() => h.core.sessions.findByChatId('owui-stopped')!.turns[0]!.status, { timeout: 3000 }).toBe('cancelled');

    h.fake.setScript(() => text('Back again.'));
    const next = await chat.send('Try something else');
    expect(types(next.request.input as Item[])).toEqual(['message', 'function_call', 'message']);
    expect(next.status).toBe(200);
    expect(outputText(next.output)).toBe('Back again.');
    expect(callsOpenWebUiWouldRun(next.output)).toEqual([]);
  });

  it('a run over the time limit during a tool: the call gets its output, then response.failed with the advice', async () => {
    const h = await start(longBash, { role: bashRole, extraYaml: 'settings:\n  run_timeout_seconds: 3\n' });
    const result = await new OpenWebUiChat(h, 'owui-timeout').send('Sleep');
    expect(result.ended).toBe(true);
    expect(error(result)).toMatchObject({ code: 'timeout', message: expect.stringContaining('run_timeout_seconds') });
    expect(callsOpenWebUiWouldRun(result.output)).toEqual([]);
    expect(types(result.output)).toEqual(['function_call', 'function_call_output']);
    expect(result.statuses.at(-1)).toMatchObject({ done: true });
    expect(await processesAfter(h, 3000)).toEqual([]);
  });

  it('a CLI that crashes after starting a tool: the call gets its output, then response.failed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-crash-'));
    // A real run's lines up to its first tool call, then a segfault.
    const lines = readFileSync(path.join(import.meta.dirname, '../fixtures/claude/tools.jsonl'), 'utf8').split('\n');
    const upToTool = lines.slice(0, lines.findIndex((l) => l.startsWith('{"type":"assistant"') && l.includes('"tool_use"')) + 1);
    writeFileSync(path.join(dir, 'start.jsonl'), `${upToTool.join('\n')}\n`);
    const bin = path.join(dir, 'claude');
    writeFileSync(bin, `#!/bin/sh\ncat ${JSON.stringify(path.join(dir, 'start.jsonl'))}\necho "assertion failed: heap corrupted" >&2\nkill -SEGV $$\n`, { mode: 0o755 });
    const h = await start(() => text('unused'), { env: { HELIX_CLAUDE_BIN: bin } });
    const result = await new OpenWebUiChat(h, 'owui-crash').send('Read and run');
    expect(result.ended).toBe(true);
    expect(error(result)).toMatchObject({ code: 'cli_crashed' });
    expect(types(result.output)).toContain('function_call');
    expect(callsOpenWebUiWouldRun(result.output)).toEqual([]);
    expect((await h.api('/health')).status).toBe(200);
  });
});

/** Waits until the only process left in the data dir is the chat's warm claude. */
async function onlyClaudeLeft(h: Harness): Promise<void> {
  await vi.waitFor(() => expect(h.processesInDataDir().map(cmdline)).toEqual([expect.stringContaining('claude')]), { timeout: 3000, interval: 50 });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
