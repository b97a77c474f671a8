/**
 * Client compatibility: the client libraries people use against an OpenAI-compatible server,
 * each with its default settings and no Helix headers, on a turn in which Claude Code calls Read
 * and Bash before answering — and Open WebUI, recognised by its headers. Each client must get the
 * exact answer text, the progress it can show, and the usage it exposes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessageChunk } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText, type LanguageModel } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasToolResults, text, type Script } from '../support/fake-anthropic';
import { API_KEY, chatBody, parseSse, startHarness, type Harness, type SseEvent } from '../support/helix-harness';

const ANSWER = 'The notes say hello and world; echo printed from-bash.';
const THINKING = 'I should read the notes first.';
// The fake provider's usage for each of the turn's two calls (tool calls, then the answer).
const TOOL_CALL_USAGE = { input: 200, output: 30 };
const ANSWER_USAGE = { input: 300, output: 12 };
// Progress lines every client that can show reasoning must receive.
const PROGRESS = ['Read notes.txt — 3 lines', 'Bash: echo from-bash — exit 0'];

// Claude Code reports the turn's usage as the sum of both calls.
const expectedUsage = { prompt: TOOL_CALL_USAGE.input + ANSWER_USAGE.input, completion: TOOL_CALL_USAGE.output + ANSWER_USAGE.output };

let h: Harness;
let workspace: string;
const baseURL = (): string => h.core.apiBaseUrl;

beforeAll(async () => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'helix-clients-'));
  writeFileSync(`${workspace}/notes.txt`, 'hello\nworld\n');
  const script: Script = (req) =>
    hasToolResults(req)
      ? text(ANSWER, { usage: ANSWER_USAGE, chunkSize: 7 })
      : {
          kind: 'message',
          usage: TOOL_CALL_USAGE,
          blocks: [
            { type: 'thinking', thinking: THINKING },
            { type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/notes.txt` } },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo from-bash', description: 'echo' } },
          ],
        };
  h = await startHarness(script, { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
});
afterAll(async () => {
  await h?.close();
  rmSync(workspace, { recursive: true, force: true });
});

function expectProgressIn(reasoning: string): void {
  expect(reasoning).toContain(THINKING);
  for (const line of PROGRESS) expect(reasoning).toContain(line);
}

const prompt = (client: string): string => `${client}: read notes.txt and run echo`;

describe('openai npm client, defaults', () => {
  const client = (): OpenAI => new OpenAI({ baseURL: baseURL(), apiKey: API_KEY, maxRetries: 0 });

  it('streams with the plain chunk.choices[0].delta.content pattern', async () => {
    const stream = await client().chat.completions.create({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content: prompt('openai plain') }] });
    let content = '';
    let reasoning = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      // The README example of the openai package, without optional chaining.
      content += chunk.choices[0]!.delta.content ?? '';
      reasoning += (chunk.choices[0]!.delta as { reasoning_content?: string }).reasoning_content ?? '';
      finish = chunk.choices[0]!.finish_reason ?? finish;
    }
    expect(content).toBe(ANSWER);
    expect(finish).toBe('stop');
    expectProgressIn(reasoning);
  });

  it('streams with optional chaining and include_usage: the answer, reasoning, and the usage chunk', async () => {
    const stream = await client().chat.completions.create({
      model: 'helix-consultant',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: prompt('openai chained') }],
    });
    let content = '';
    let reasoning = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let usageChunks = 0;
    for await (const chunk of stream) {
      content += chunk.choices?.[0]?.delta?.content ?? '';
      reasoning += (chunk.choices?.[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      if (chunk.usage) {
        usageChunks += 1;
        usage = chunk.usage;
        // As OpenAI sends it: the usage chunk is the last, with no choices.
        expect(chunk.choices).toEqual([]);
      }
    }
    expect(content).toBe(ANSWER);
    expectProgressIn(reasoning);
    expect(usageChunks).toBe(1);
    expect(usage).toMatchObject({ prompt_tokens: expectedUsage.prompt, completion_tokens: expectedUsage.completion, total_tokens: expectedUsage.prompt + expectedUsage.completion });
  });

  it('gets a whole completion: the answer in content, the progress in reasoning_content', async () => {
    const completion = await client().chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: prompt('openai whole') }] });
    const message = completion.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe(ANSWER);
    expectProgressIn(message.reasoning_content ?? '');
    expect(completion.usage).toMatchObject({ prompt_tokens: expectedUsage.prompt, completion_tokens: expectedUsage.completion });
  });
});

describe('Vercel AI SDK', () => {
  const compatible = (): LanguageModel =>
    createOpenAICompatible({ name: 'helix', baseURL: baseURL(), apiKey: API_KEY, includeUsage: true }).chatModel('helix-consultant');
  const openaiChat = (): LanguageModel => createOpenAI({ baseURL: baseURL(), apiKey: API_KEY }).chat('helix-consultant');

  /** Runs streamText to its end; stream errors are collected rather than swallowed. */
  async function streamed(model: LanguageModel, promptText: string): Promise<{ text: string; reasoning: string | undefined; usage: { inputTokens?: number; outputTokens?: number }; errors: unknown[] }> {
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: promptText, maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let streamedText = '';
    for await (const piece of result.textStream) streamedText += piece;
    const [reasoning, usage] = await Promise.all([result.reasoningText, result.usage]).catch(() => [undefined, {}] as const);
    return { text: streamedText, reasoning, usage, errors: errors.map(String) };
  }

  it('streamText with @ai-sdk/openai-compatible: answer, progress as reasoning, usage', async () => {
    const out = await streamed(compatible(), prompt('ai-sdk compatible stream'));
    expect(out.errors).toEqual([]);
    expect(out.text).toBe(ANSWER);
    expectProgressIn(out.reasoning ?? '');
    expect(out.usage).toMatchObject({ inputTokens: expectedUsage.prompt, outputTokens: expectedUsage.completion });
  });

  it('generateText with @ai-sdk/openai-compatible: answer, progress as reasoning, usage', async () => {
    const result = await generateText({ model: compatible(), prompt: prompt('ai-sdk compatible generate'), maxRetries: 0 });
    expect(result.text).toBe(ANSWER);
    expectProgressIn(result.reasoningText ?? '');
    expect(result.usage).toMatchObject({ inputTokens: expectedUsage.prompt, outputTokens: expectedUsage.completion });
  });

  it('streamText with @ai-sdk/openai .chat(): the answer and usage (it shows no reasoning)', async () => {
    const out = await streamed(openaiChat(), prompt('ai-sdk openai stream'));
    expect(out.errors).toEqual([]);
    expect(out.text).toBe(ANSWER);
    expect(out.usage).toMatchObject({ inputTokens: expectedUsage.prompt, outputTokens: expectedUsage.completion });
  });

  it('generateText with @ai-sdk/openai .chat(): the answer and usage', async () => {
    const result = await generateText({ model: openaiChat(), prompt: prompt('ai-sdk openai generate'), maxRetries: 0 });
    expect(result.text).toBe(ANSWER);
    expect(result.usage).toMatchObject({ inputTokens: expectedUsage.prompt, outputTokens: expectedUsage.completion });
  });
});

describe('LangChain ChatOpenAI', () => {
  const model = (): ChatOpenAI => new ChatOpenAI({ model: 'helix-consultant', apiKey: API_KEY, configuration: { baseURL: baseURL() }, maxRetries: 0 });

  it('streams: the answer, progress as reasoning_content, usage_metadata', async () => {
    let message: AIMessageChunk | undefined;
    for await (const chunk of await model().stream(prompt('langchain stream'))) message = message ? message.concat(chunk) : chunk;
    expect(message!.content).toBe(ANSWER);
    expectProgressIn(String(message!.additional_kwargs.reasoning_content ?? ''));
    expect(message!.usage_metadata).toMatchObject({ input_tokens: expectedUsage.prompt, output_tokens: expectedUsage.completion });
  });

  it('invokes: the answer, progress as reasoning_content, usage_metadata', async () => {
    const message = await model().invoke(prompt('langchain invoke'));
    expect(message.content).toBe(ANSWER);
    expectProgressIn(String(message.additional_kwargs.reasoning_content ?? ''));
    expect(message.usage_metadata).toMatchObject({ input_tokens: expectedUsage.prompt, output_tokens: expectedUsage.completion });
  });
});

type Chunk = { object?: string; choices?: Array<{ index: number; delta: { content?: string; reasoning_content?: string }; finish_reason: string | null }>; usage?: Record<string, number>; event?: { type: string; data: { description: string; done: boolean } }; error?: unknown };

async function rawStream(headers: Record<string, string>, content: string, extra: Record<string, unknown> = {}): Promise<Chunk[]> {
  const response = await fetch(`${baseURL()}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers },
    body: chatBody(content, extra),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const { events } = parseSse(await response.text());
  expect(events.at(-1)).toBe('[DONE]');
  return events.filter((e): e is Exclude<SseEvent, '[DONE]'> => e !== '[DONE]') as Chunk[];
}

/** Every chunk is a chat.completion.chunk with one choice, except a last usage chunk with none. */
function expectValidChunks(chunks: Chunk[], usageAsked: boolean): void {
  const lastIndex = chunks.length - 1;
  for (const [i, chunk] of chunks.entries()) {
    expect(chunk.object, JSON.stringify(chunk)).toBe('chat.completion.chunk');
    if (usageAsked && i === lastIndex) {
      expect(chunk.choices).toEqual([]);
      expect(chunk.usage).toBeDefined();
    } else {
      expect(chunk.choices, JSON.stringify(chunk)).toHaveLength(1);
      expect(chunk.choices![0]).toMatchObject({ index: 0, delta: expect.any(Object) });
      expect(chunk).not.toHaveProperty('usage');
    }
  }
}

const contentOf = (chunks: Chunk[]): string => chunks.map((c) => c.choices?.[0]?.delta.content ?? '').join('');
const reasoningOf = (chunks: Chunk[]): string => chunks.map((c) => c.choices?.[0]?.delta.reasoning_content ?? '').join('');

describe('raw fetch reading SSE', () => {
  it('gets valid chunks only: the answer in content, progress in reasoning_content, no status events', async () => {
    const chunks = await rawStream({}, prompt('fetch'), { stream_options: { include_usage: true } });
    expectValidChunks(chunks, true);
    expect(contentOf(chunks)).toBe(ANSWER);
    expectProgressIn(reasoningOf(chunks));
    expect(chunks.some((c) => c.event)).toBe(false);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: expectedUsage.prompt, completion_tokens: expectedUsage.completion });
    expect(JSON.stringify(chunks)).not.toContain('tool_calls');
  });

  it('still follows an explicit X-Helix-Progress', async () => {
    const markdown = await rawStream({ 'x-helix-progress': 'markdown' }, prompt('fetch markdown'));
    expectValidChunks(markdown, false);
    expect(contentOf(markdown)).toContain('▸ Bash: echo from-bash — exit 0');
    expect(contentOf(markdown).endsWith(ANSWER)).toBe(true);

    const status = await rawStream({ 'x-helix-progress': 'openwebui' }, prompt('fetch openwebui'));
    expectValidChunks(status, false);
    expect(status.some((c) => c.event?.type === 'status')).toBe(true);
    expect(contentOf(status)).toBe(ANSWER);
  });
});

/**
 * Open WebUI's stream handler (backend/open_webui/utils/middleware.py): for each `data:` line it
 * emits `event` if present, then reads usage, then skips chunks with no choices (surfacing
 * `error`), then takes `delta.content` and `delta.reasoning_content`.
 */
function openWebUiView(chunks: Chunk[]): { statuses: Array<{ description: string; done: boolean }>; content: string; reasoning: string; usage: Array<Record<string, number>> } {
  const view = { statuses: [] as Array<{ description: string; done: boolean }>, content: '', reasoning: '', usage: [] as Array<Record<string, number>> };
  for (const data of chunks) {
    if (data.event?.type === 'status') view.statuses.push(data.event.data);
    if (data.usage) view.usage.push(data.usage);
    const choices = data.choices ?? [];
    if (choices.length === 0) continue;
    const delta = choices[0]!.delta;
    view.reasoning += delta.reasoning_content ?? '';
    view.content += delta.content ?? '';
  }
  return view;
}

describe('Open WebUI, recognised by its headers', () => {
  it.each([
    ['its forwarded user-info headers', { 'x-openwebui-user-id': 'u-1', 'x-openwebui-chat-id': 'owui-chat-1' }],
    ['the recommended X-Helix-Chat-Id connection header', { 'x-helix-chat-id': 'owui-chat-2' }],
  ])('gets status events alongside valid choices, thinking as reasoning, the clean answer (%s)', async (_name, headers) => {
    const chunks = await rawStream(headers, prompt(`open webui ${_name}`), { stream_options: { include_usage: true } });
    expectValidChunks(chunks, true);
    const view = openWebUiView(chunks);
    expect(view.statuses.map((s) => s.description)).toEqual(expect.arrayContaining(['Read notes.txt', ...PROGRESS]));
    expect(view.statuses.at(-1)).toMatchObject({ done: true, description: expect.stringMatching(/^Done in/) });
    expect(view.content).toBe(ANSWER);
    expect(view.reasoning).toBe(THINKING);
    expect(view.usage).toHaveLength(1); // Open WebUI adds up every usage it sees
    expect(view.usage[0]).toMatchObject({ prompt_tokens: expectedUsage.prompt, completion_tokens: expectedUsage.completion });
  });
});

describe('a turn that fails mid-stream', () => {
  // Last in the file: it changes the shared fake provider's script.
  const REJECTED = /rejected the API key/;
  beforeAll(() => h.fake.setScript(() => ({ kind: 'error', status: 403, message: 'forbidden' })));

  it('reaches the openai client as an exception with the server message', async () => {
    const stream = await new OpenAI({ baseURL: baseURL(), apiKey: API_KEY, maxRetries: 0 }).chat.completions.create({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content: prompt('openai failing') }] });
    await expect(
      (async () => {
        for await (const chunk of stream) expect(chunk.choices[0]!.delta.content ?? '').toBe('');
      })(),
    ).rejects.toThrow(REJECTED);
  });

  it('reaches the Vercel AI SDK as a stream error with the server message', async () => {
    const errors: unknown[] = [];
    const model = createOpenAICompatible({ name: 'helix', baseURL: baseURL(), apiKey: API_KEY }).chatModel('helix-consultant');
    const result = streamText({ model, prompt: prompt('ai-sdk failing'), maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let streamedText = '';
    for await (const piece of result.textStream) streamedText += piece;
    expect(streamedText).toBe('');
    expect(errors).toHaveLength(1);
    // The error chunk's own error object: its message and code.
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(REJECTED), code: 'upstream_auth' });
  });

  it('reaches LangChain as an exception with the server message', async () => {
    const model = new ChatOpenAI({ model: 'helix-consultant', apiKey: API_KEY, configuration: { baseURL: baseURL() }, maxRetries: 0 });
    await expect(
      (async () => {
        for await (const _chunk of await model.stream(prompt('langchain failing'))) {
          // until the error chunk
        }
      })(),
    ).rejects.toThrow(REJECTED);
  });
});
