/**
 * What /v1/responses refuses and what it accepts: OpenAI's 400 naming the `param` for malformed
 * or unsupported fields, replayed history it does not know ignored, the same auth and size limits
 * as chat completions, fuzzed bodies never a 5xx, and Open WebUI's background tasks answered
 * without Claude Code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text, type FakeRequest } from '../support/fake-anthropic';
import { fuzzStatuses, random } from '../support/fuzz';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';
import { outputText, type Item } from '../support/responses-checks';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(() => text('Fine.'));
});
afterAll(() => h.close());

const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${h.core.apiBaseUrl}/responses`, { method: 'POST', body, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers } });

/** Requests Claude Code made (a task may be answered by the provider's model directly, never by Claude Code). */
const fromCli = (req: FakeRequest): boolean => String(req.headers['user-agent']).startsWith('claude-cli');
const cliRequests = (): number => h.fake.requests.filter(fromCli).length;

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

async function refused(body: Record<string, unknown>): Promise<ErrorBody['error']> {
  const response = await post(JSON.stringify({ model: 'helix-consultant', ...body }));
  expect(response.status, JSON.stringify(body)).toBe(400);
  return ((await response.json()) as ErrorBody).error;
}

describe('/v1/responses refuses, naming the param', () => {
  it.each([
    ['no input', {}, 'input'],
    ['an empty input list', { input: [] }, 'input'],
    ['input of the wrong type', { input: 42 }, 'input'],
    ['a message with an unknown role', { input: [{ role: 'wizard', content: 'hi' }] }, 'input.0.role'],
    ['a message without content', { input: [{ type: 'message', role: 'user' }] }, 'input.0.content'],
    ['an item with neither type nor role', { input: [{ content: 'hi' }] }, 'input.0'],
    ['history ending with a tool output (Helix never asks a client to run a tool)', { input: [{ type: 'function_call_output', call_id: 'c1', output: 'x' }] }, 'input'],
    ['history ending with the assistant', { input: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, 'input'],
    ['an empty last user message', { input: [{ role: 'user', content: [{ type: 'input_text', text: '  ' }] }] }, 'input'],
    ['instructions that are not text', { input: 'hi', instructions: ['x'] }, 'instructions'],
    ['metadata values that are not strings', { input: 'hi', metadata: { a: 1 } }, 'metadata.a'],
    ['a negative max_output_tokens', { input: 'hi', max_output_tokens: -1 }, 'max_output_tokens'],
    ['a hosted tool Helix cannot run', { input: 'hi', tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }] }, 'tools.1.type'],
    ['a forced tool call', { input: 'hi', tools: [{ type: 'function', name: 'f' }], tool_choice: 'required' }, 'tool_choice'],
    ['a named tool call', { input: 'hi', tool_choice: { type: 'function', name: 'f' } }, 'tool_choice'],
    ['background mode', { input: 'hi', background: true }, 'background'],
    ['a stored conversation', { input: 'hi', conversation: 'conv_1' }, 'conversation'],
    ['a prompt template', { input: 'hi', prompt: { id: 'pmpt_1' } }, 'prompt'],
  ])('%s', async (_, body, param) => {
    const error = await refused(body);
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(error.message.length).toBeGreaterThan(10);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('says why client-side tools cannot be honoured', async () => {
    expect((await refused({ input: 'hi', tools: [{ type: 'file_search' }] })).message).toContain('Claude Code with its own tools');
    expect((await refused({ input: 'hi', tool_choice: 'required' })).message).toContain('never calls a client-side function');
  });

  it('needs the key, a JSON body and a body under the limit, like chat completions', async () => {
    const noKey = await fetch(`${h.core.apiBaseUrl}/responses`, { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', input: 'hi' }), headers: { 'content-type': 'application/json' } });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as ErrorBody).error.code).toBe('invalid_api_key');
    expect((await post('model=helix', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('{"model":')).status).toBe(400);
    expect((await post('a'.repeat(33 * 1024 * 1024))).status).toBe(413);
    expect((await post(JSON.stringify({ model: 'gpt-4o', input: 'hi' }))).status).toBe(404);
    expect((await post(JSON.stringify({ model: 'helix-consultant', input: 'hi' }), { 'x-helix-tool-items': 'cards' })).status).toBe(400);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('answers 1,500 fuzzed bodies with 4xx, never 5xx or a crash, and starts no run', async () => {
    const next = random(4242);
    const keys = ['model', 'input', 'instructions', 'stream', 'previous_response_id', 'tools', 'tool_choice', 'metadata', 'type', 'role', 'content', 'text', 'image_url', 'call_id', 'output'];
    const statuses = await fuzzStatuses(1500, next, keys, (body) => post(body));
    expect([...statuses.keys()].filter((status) => !(status >= 400 && status < 500))).toEqual([]);
    expect(h.fake.requests).toHaveLength(0);
    expect((await h.api('/health')).status).toBe(200);
  }, 120_000);
});

describe('/v1/responses accepts', () => {
  it('replayed items it does not know, ignoring them, and answers the last user message', async () => {
    const before = h.fake.requests.length;
    const response = await post(
      JSON.stringify({
        model: 'helix-consultant',
        input: [
          { role: 'user', content: 'First' },
          { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thought' }] },
          { type: 'web_search_call', id: 'ws_1', status: 'completed' },
          { type: 'some_future_item', payload: { x: 1 } },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Reply' }] },
          { role: 'user', content: [{ type: 'input_text', text: 'Second' }, { type: 'input_file', file_id: 'file_1' }] },
        ],
        tools: [{ type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } }],
        tool_choice: 'auto',
        temperature: 0.2,
        store: false,
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: Item[] };
    expect(outputText(body.output)).toBe('Fine.');
    expect(h.fake.requests).toHaveLength(before + 1);
    const prompt = JSON.stringify(h.fake.requests.at(-1)!.body.messages);
    // Not known, so not resumable: the transcript seeds the session, with the earlier reply.
    expect(prompt).toContain('Reply');
    expect(prompt).toContain('Second');
    expect(prompt).toContain('[input_file attached]');
  });
});

describe("Open WebUI's background tasks on /v1/responses", () => {
  it('answers a title task (non-streamed, output_text in a message item) without starting Claude Code', async () => {
    const before = cliRequests();
    const sessions = h.core.sessions.list().length;
    const prompt = '### Task:\nGenerate a concise title summarizing the chat history.\n### Output:\nJSON format: { "title": "your concise title here" }\n<chat_history>\nUSER: How do I parse YAML in Rust?\n</chat_history>';
    const response = await post(JSON.stringify({ model: 'helix-consultant', stream: false, input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }], max_output_tokens: 1000 }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; output: Item[] };
    expect(body.status).toBe('completed');
    // What Open WebUI's convert_responses_result reads: output_text parts of message items.
    const content = outputText(body.output);
    expect(JSON.parse(content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1))).toHaveProperty('title');
    expect(cliRequests()).toBe(before);
    expect(h.core.sessions.list()).toHaveLength(sessions);
  });

  it('recognises a task by the X-Helix-Task header, streamed or not', async () => {
    const before = cliRequests();
    const response = await post(JSON.stringify({ model: 'helix-consultant', stream: true, input: 'Suggest follow-ups' }), { 'x-helix-task': 'follow_up_generation' });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('response.completed');
    expect(body).toContain('follow_ups');
    expect(cliRequests()).toBe(before);
  });
});
