/**
 * Real clients of /v1/responses against the real claude CLI running Read and Bash: the `openai`
 * SDK (responses.create, responses.stream, create with stream) and the Vercel AI SDK, whose
 * `openai('…')` model is a Responses model. Each must parse the stream, show the tool calls as
 * run by the server (never ask the caller to execute one), and get the answer and the usage.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasToolResults, text, type Script } from '../support/fake-anthropic';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';

let h: Harness;
let client: OpenAI;
let workspace: string;

const toolScript = (): Script => (req) =>
  hasToolResults(req)
    ? text('The file says hello.', { usage: { input: 50, output: 7 } })
    : {
        kind: 'message',
        blocks: [
          { type: 'thinking', thinking: 'Read it, then echo.' },
          { type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/notes.txt` } },
          { type: 'tool_use', name: 'Bash', input: { command: 'echo from-bash', description: 'echo' } },
        ],
      };

beforeAll(async () => {
  workspace = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
  writeFileSync(`${workspace}/notes.txt`, 'hello\nworld\n');
  h = await startHarness(toolScript(), { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
  client = new OpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(() => h.close());

type McpCall = { type: 'mcp_call'; name: string; output?: string | null; status?: string };
const mcpCalls = (output: Array<{ type: string }>): McpCall[] => output.filter((item): item is McpCall => item.type === 'mcp_call');

describe('openai SDK, Responses API', () => {
  it('responses.create: output_text, the tool calls with their outputs, usage', async () => {
    const response = await client.responses.create({ model: 'helix-consultant', input: 'Read notes.txt and run echo', instructions: 'Be brief.' });
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('The file says hello.');
    const calls = mcpCalls(response.output);
    expect(calls.map((c) => c.name)).toEqual(['Read', 'Bash']);
    expect(calls[0]!.output).toContain('world');
    expect(calls[1]!.output).toContain('from-bash');
    expect(response.output.some((item) => item.type === 'function_call')).toBe(false);
    expect(response.usage).toMatchObject({ input_tokens: 150, output_tokens: 27, total_tokens: 177, input_tokens_details: { cached_tokens: 0 } });
  });

  it('responses.stream: text deltas, tool items as they finish, and the final response', async () => {
    const stream = client.responses.stream({ model: 'helix-consultant', input: 'Read notes.txt and run echo' });
    let deltas = '';
    const toolsDone: string[] = [];
    let reasoning = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.reasoning_summary_text.delta') reasoning += event.delta;
      if (event.type === 'response.output_item.done' && event.item.type === 'mcp_call') toolsDone.push(`${event.item.name}: ${event.item.status}`);
    }
    const final = await stream.finalResponse();
    expect(deltas).toBe('The file says hello.');
    expect(reasoning).toBe('Read it, then echo.');
    expect(toolsDone).toEqual(['Read: completed', 'Bash: completed']);
    expect(final.output_text).toBe('The file says hello.');
    expect(final.usage?.total_tokens).toBe(177);
  });

  it('responses.create({ stream: true }): every event typed, numbered, ending in response.completed', async () => {
    const stream = await client.responses.create({ model: 'helix-consultant', input: 'Read notes.txt and run echo', stream: true });
    const types: string[] = [];
    const numbers: number[] = [];
    let usage: OpenAI.Responses.ResponseUsage | null | undefined;
    for await (const event of stream) {
      types.push(event.type);
      numbers.push(event.sequence_number);
      if (event.type === 'response.completed') usage = event.response.usage;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.mcp_call.completed');
    expect(numbers).toEqual(numbers.map((_, i) => i));
    expect(usage?.output_tokens).toBe(27);
  });

  it('a failed run: 502 APIError one-shot, response.failed with the advice streamed', async () => {
    h.fake.setScript(() => ({ kind: 'error', status: 403, message: 'forbidden' }));
    try {
      await expect(client.responses.create({ model: 'helix-consultant', input: 'Hi' })).rejects.toMatchObject({ status: 502, message: expect.stringContaining('rejected the API key') });
      const stream = await client.responses.create({ model: 'helix-consultant', input: 'Hi', stream: true });
      let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
      for await (const event of stream) if (event.type === 'response.failed') failed = event;
      expect(failed?.response.error).toMatchObject({ code: 'upstream_auth', message: expect.stringContaining('rejected the API key') });
    } finally {
      h.fake.setScript(toolScript());
    }
  });
});

describe('Vercel AI SDK, openai(…) Responses model', () => {
  const model = () => createOpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY })('helix-consultant');

  it('generateText: the answer, the tool calls as provider-executed with their results, usage', async () => {
    const result = await generateText({ model: model(), prompt: 'Read notes.txt and run echo', maxRetries: 0 });
    expect(result.text).toBe('The file says hello.');
    expect(result.finishReason).toBe('stop');
    // Run by the server: nothing for the caller to execute.
    expect(result.toolCalls.map((c) => [c.toolName, c.providerExecuted])).toEqual([
      ['mcp.Read', true],
      ['mcp.Bash', true],
    ]);
    expect(JSON.stringify(result.toolResults.map((r) => r.output))).toContain('from-bash');
    expect(result.reasoningText).toBe('Read it, then echo.');
    expect(result.usage).toMatchObject({ inputTokens: 150, outputTokens: 27, totalTokens: 177 });
  });

  it('streamText: text deltas, tool calls and results in the full stream, usage', async () => {
    const result = streamText({ model: model(), prompt: 'Read notes.txt and run echo', maxRetries: 0 });
    const parts: string[] = [];
    let textSeen = '';
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      if (part.type === 'tool-call' || part.type === 'tool-result') parts.push(`${part.type} ${part.toolName}`);
      if (part.type === 'text-delta') textSeen += part.text;
    }
    expect(textSeen).toBe('The file says hello.');
    expect(parts).toEqual(['tool-call mcp.Read', 'tool-result mcp.Read', 'tool-call mcp.Bash', 'tool-result mcp.Bash']);
    expect(await result.usage).toMatchObject({ inputTokens: 150, outputTokens: 27 });
    expect(await result.finishReason).toBe('stop');
  });

  it("cannot parse Open WebUI's shape (function_call_output is not an output item to it): why other clients get mcp_call", async () => {
    const openWebUiShape = createOpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, headers: { 'x-helix-tool-items': 'function_call' } })('helix-consultant');
    await expect(generateText({ model: openWebUiShape, prompt: 'Read notes.txt and run echo', maxRetries: 0 })).rejects.toThrow(/Invalid JSON response/);
  });
});
