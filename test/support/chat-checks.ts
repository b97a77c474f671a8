/** Checks shared by the failure tests: a stream that ends in one clean error, and a server that still answers. */
import { expect } from 'vitest';
import { text } from './fake-anthropic';
import { chatBody, readSse, type Harness, type SseEvent } from './helix-harness';

export type ErrorBody = { error: { message: string; type: string; code: string } };

/** Streams a turn that must fail: status 200, exactly one `{"error":…}` chunk (with no `choices`), then [DONE]. */
export async function streamFailure(h: Harness, body = chatBody('Hello')): Promise<{ error: ErrorBody['error']; events: SseEvent[] }> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', body });
  expect(response.status).toBe(200);
  const { events } = await readSse(response);
  expect(events.at(-1)).toBe('[DONE]');
  const errors = events.filter((e) => e !== '[DONE]' && 'error' in e) as unknown as ErrorBody[];
  expect(errors, JSON.stringify(events)).toHaveLength(1);
  expect(errors[0]).not.toHaveProperty('choices');
  return { error: errors[0]!.error, events };
}

/** The `{"error":…}` chunk of a stream that must fail (see streamFailure). */
export async function streamError(h: Harness, body = chatBody('Hello')): Promise<ErrorBody['error']> {
  return (await streamFailure(h, body)).error;
}

/** After a failure, the next (non-streamed) turn is answered normally. */
export async function serverStillServes(h: Harness): Promise<void> {
  h.fake.setScript(() => text('Still here.'));
  const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Again', { stream: false }) });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('Still here.');
}
