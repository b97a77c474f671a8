/** The official `openai` npm client against our server and the real claude CLI. */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestEntry } from '../../common/control';
import { text } from '../support/fake-anthropic';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';

let h: Harness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness(() => text('Paris is the capital of France.', { usage: { input: 40, output: 9 } }));
  client = new OpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(() => h.close());

describe('openai client', () => {
  it('lists the models', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['helix-consultant']);
  });

  it('streams a completion, with usage in the last chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'helix-consultant',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      // Every chunk has a choice; the usage chunk (asked for here) has none, as OpenAI sends it.
      content += chunk.choices?.[0]?.delta?.content ?? '';
      finish = chunk.choices?.[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(content).toBe('Paris is the capital of France.');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 });
  });

  it('gets a whole completion without streaming', async () => {
    const chatLog = (): RequestEntry[] => (h.core.control.handlers['requests:list']() as RequestEntry[]).filter((r) => r.path === '/v1/chat/completions');
    const before = chatLog().length;
    const completion = await client.chat.completions.create({
      model: 'helix-consultant',
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'Capital of France?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Paris is the capital of France.' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 9 });
    // The request log has the turn once, with its tokens.
    const logged = chatLog();
    expect(logged).toHaveLength(before + 1);
    expect(logged[0]).toMatchObject({ source: 'api', status: 200, model: 'helix-consultant', tokens: 49 });
    // The system message reached Claude Code's system prompt.
    expect(JSON.stringify(h.fake.requests.at(-1)!.body)).toContain('Answer in one sentence.');
  });

  it('raises the server error as an APIError with its message', async () => {
    h.fake.setScript(() => ({ kind: 'error', status: 403, message: 'forbidden' }));
    const failing = client.chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: 'Hi' }] });
    await expect(failing).rejects.toMatchObject({ status: 502, message: expect.stringContaining('rejected the API key') });
    const stream = await client.chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // consume until the error chunk
        }
      })(),
    ).rejects.toThrow(/rejected the API key/);
  });

  it('gets a 404 for an unknown model', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 404 });
  });
});
