import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../common/run-event';
import { ChunkBuilder, MAX_TEXT_PER_CHUNK, splitText, toOpenAiUsage } from '../../main/server/chunks';
import { MAX_SSE_LINE } from '../../main/server/sse';

const result: RunResult = {
  isError: false,
  subtype: 'success',
  text: 'ok',
  errors: [],
  sessionId: 's',
  usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheCreationTokens: 20, thinkingTokens: 3 },
  costUsd: 0.0123,
  durationMs: 1000,
  numTurns: 1,
  apiErrorStatus: null,
  apiFailed: false,
};

describe('ChunkBuilder', () => {
  const chunks = new ChunkBuilder('helix-consultant', 'chatcmpl-1');

  it('opens with the assistant role and keeps one id and model across chunks', () => {
    expect(chunks.role()).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      model: 'helix-consultant',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(chunks.text('content', 'hi')[0]).toMatchObject({ id: 'chatcmpl-1', choices: [{ delta: { content: 'hi' } }] });
    expect(chunks.text('reasoning_content', 'hmm')[0]).toMatchObject({ choices: [{ delta: { reasoning_content: 'hmm' } }] });
  });

  it('builds Open WebUI status events alongside an empty delta, so every client accepts the chunk, with long descriptions cut', () => {
    expect(chunks.status('Read a.ts', false)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: 'helix-consultant',
      choices: [{ index: 0, delta: {}, finish_reason: null }],
      event: { type: 'status', data: { description: 'Read a.ts', done: false } },
    });
    const long = chunks.status('x'.repeat(1000), true) as { event: { data: { description: string } } };
    expect(long.event.data.description.length).toBeLessThanOrEqual(300);
  });

  it('ends with finish_reason, then (as OpenAI does) a usage chunk with cost and no choices', () => {
    expect(chunks.finish('stop')).toMatchObject({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    expect(chunks.finish('stop')).not.toHaveProperty('usage');
    expect(chunks.usage(toOpenAiUsage(result))).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 130, completion_tokens: 5, total_tokens: 135, cost: 0.0123, prompt_tokens_details: { cached_tokens: 100 } },
    });
  });

  it('puts reasoning beside a whole answer only when there is some', () => {
    const usage = toOpenAiUsage(result);
    expect(chunks.completion('Hi.', 'stop', usage, '▸ Read a.ts\n\n')).toMatchObject({ choices: [{ message: { role: 'assistant', content: 'Hi.', reasoning_content: '▸ Read a.ts\n\n' } }] });
    expect((chunks.completion('Hi.', 'stop', usage) as unknown as { choices: Array<{ message: object }> }).choices[0]!.message).not.toHaveProperty('reasoning_content');
  });

  it('splits long text so that no SSE line can exceed 64 KB, even fully escaped', () => {
    const worst = '\u0001'.repeat(MAX_TEXT_PER_CHUNK * 3 + 5);
    const pieces = chunks.text('content', worst);
    expect(pieces).toHaveLength(4);
    for (const piece of pieces) expect(Buffer.byteLength(`data: ${JSON.stringify(piece)}`)).toBeLessThan(MAX_SSE_LINE);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(9)}🚀🚀`;
    const pieces = splitText(text, 10);
    expect(pieces.join('')).toBe(text);
    expect(pieces[0]).toBe('a'.repeat(9));
  });
});
