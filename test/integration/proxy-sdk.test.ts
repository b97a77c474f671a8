/** The translating proxy driven by the official @anthropic-ai/sdk client, against a fake OpenAI-compatible upstream. */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../main/providers/load-config';
import { staticKeyAuthorizer } from '../../main/proxy/proxy-access';
import { buildProxyServer } from '../../main/proxy/proxy-server';
import { RequestLog } from '../../main/proxy/request-log';
import { FakeOpenAi, type OpenAiReply } from '../support/fake-openai';

const KEY = 'sk-proxy-test';
let fake: FakeOpenAi;
let proxyUrl: string;
let close: () => Promise<void>;
const requests = new RequestLog();
let reply: OpenAiReply = { kind: 'text', text: 'unset' };

beforeAll(async () => {
  fake = await new FakeOpenAi(() => reply).start();
  const config = parseConfig(
    `providers:\n  router:\n    type: openai\n    base_url: ${fake.url}\n    api_key_env: ROUTER_KEY\n    headers: { HTTP-Referer: "https://helix.local", X-Title: Helix }\ndefaults:\n  consultant: "router:vendor/model-x"\n`,
    'cfg.yaml',
  );
  const proxy = buildProxyServer({ authorize: staticKeyAuthorizer(KEY), getConfig: () => config, keys: (name) => (name === 'ROUTER_KEY' ? 'sk-router-secret' : undefined), requests });
  await proxy.listen({ host: '127.0.0.1', port: 0 });
  proxyUrl = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
  close = async () => {
    await proxy.close();
    await fake.close();
  };
});
afterAll(() => close());

const client = (key = KEY): Anthropic => new Anthropic({ baseURL: `${proxyUrl}/p/router`, apiKey: key, maxRetries: 0 });
const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

describe('proxy with @anthropic-ai/sdk', () => {
  it('answers a whole message: text, stop reason and the upstream usage; the upstream sees an OpenAI request', async () => {
    reply = { kind: 'text', text: 'Bonjour!', usage: { prompt: 31, completion: 7 } };
    const message = await client().messages.create({
      model: 'vendor/model-x',
      max_tokens: 100,
      system: 'Answer in French.',
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 31, output_tokens: 7 });
    const seen = fake.requests.at(-1)!;
    expect(seen.body.messages).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'Say hello.' },
    ]);
    expect(seen.headers.authorization).toBe('Bearer sk-router-secret');
    expect(seen.headers['http-referer']).toBe('https://helix.local');
    expect(seen.headers['x-title']).toBe('Helix');
  });

  it('streams a valid event sequence with the text reassembled exactly and the real usage', async () => {
    const text = 'A streamed answer, cut into many small pieces by the upstream.';
    reply = { kind: 'text', text, reasoning: 'Thinking it over.', chunkSize: 3, usage: { prompt: 40, completion: 17 } };
    const stream = client().messages.stream({ model: 'vendor/model-x', max_tokens: 100, messages: [{ role: 'user', content: 'Stream please.' }] });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Thinking it over.', signature: '' },
      { type: 'text', text },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 17 });
    assertValidSequence(events);
    expect(fake.requests.at(-1)!.body.stream_options).toEqual({ include_usage: true });
  });

  it('turns streamed tool-call fragments into a tool_use block with the exact input', async () => {
    reply = { kind: 'tool', name: 'get_weather', id: 'call_42', fragments: ['{"ci', 'ty": "Par', 'is, ', 'France"}'] };
    const stream = client().messages.stream({ model: 'vendor/model-x', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const events: Anthropic.RawMessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_42', name: 'get_weather', input: { city: 'Paris, France' } }]);
    expect(events.filter((e) => e.type === 'content_block_delta').map((e) => (e.delta as { partial_json?: string }).partial_json)).toEqual(['{"ci', 'ty": "Par', 'is, ', 'France"}']);
    assertValidSequence(events);
    expect(fake.requests.at(-1)!.body.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: tools[0]!.input_schema } }]);
  });

  it('sends tool results back as tool messages after the assistant tool call', async () => {
    reply = { kind: 'text', text: 'It is sunny.' };
    await client().messages.create({
      model: 'vendor/model-x',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_42', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_42', content: 'Sunny, 24°C' }, { type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(fake.requests.at(-1)!.body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_42', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_42', content: 'Sunny, 24°C' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('passes images as image_url parts', async () => {
    reply = { kind: 'text', text: 'A dot.' };
    await client().messages.create({
      model: 'vendor/model-x',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0=' } }] }],
    });
    expect(fake.requests.at(-1)!.body.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0=' } },
      ],
    });
  });

  it('maps upstream errors to Anthropic errors, keeping the provider message', async () => {
    reply = { kind: 'error', status: 429, message: 'Rate limit exceeded: free-models-per-day' };
    const failing = client().messages.create({ model: 'vendor/model-x', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    await expect(failing).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(client().messages.create({ model: 'vendor/model-x', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      /Rate limit exceeded: free-models-per-day/,
    );
    const entry = requests.list().at(-1)!;
    expect(entry).toMatchObject({ provider: 'router', model: 'vendor/model-x', status: 429 });
  });

  it('refuses a wrong key, and counts tokens', async () => {
    await expect(client('sk-wrong').messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const count = await client().messages.countTokens({ model: 'vendor/model-x', messages: [{ role: 'user', content: 'Count these words please.' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it('logs each request with provider, model, status, latency and tokens, and never a key', () => {
    const ok = requests.list().find((e) => e.status === 200)!;
    expect(ok).toMatchObject({ provider: 'router', model: 'vendor/model-x', inputTokens: 31, outputTokens: 7 });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(requests.list())).not.toMatch(/sk-router-secret|sk-proxy-test/);
  });
});

/** message_start first; blocks opened, filled and closed in index order; message_delta; message_stop last. */
function assertValidSequence(events: Anthropic.RawMessageStreamEvent[]): void {
  expect(events[0]?.type).toBe('message_start');
  expect(events.at(-1)?.type).toBe('message_stop');
  expect(events.at(-2)?.type).toBe('message_delta');
  let open: number | undefined;
  let next = 0;
  for (const event of events.slice(1, -2)) {
    if (event.type === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(event.index).toBe(next);
      open = event.index;
    } else if (event.type === 'content_block_delta') {
      expect(event.index).toBe(open);
    } else if (event.type === 'content_block_stop') {
      expect(event.index).toBe(open);
      open = undefined;
      next += 1;
    } else {
      throw new Error(`unexpected ${event.type} inside the message`);
    }
  }
  expect(open).toBeUndefined();
}
