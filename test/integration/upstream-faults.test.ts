/**
 * More upstream faults with the real claude CLI (retries off or short, so each takes seconds):
 * rate limits with retry-after, overload (529), nothing listening, a stream cut mid-answer.
 * Each ends as a clear error, and the server keeps serving.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serverStillServes, streamError, streamFailure } from '../support/chat-checks';
import { text, type Script } from '../support/fake-anthropic';
import { startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Starts a harness with `retries` and streams one turn, which must end in exactly one error chunk. */
async function errorOf(script: Script, retries: number, extra = ''): Promise<{ h: Harness; error: { code: string; message: string }; text: string }> {
  const h = (harness = await startHarness(script, { extraYaml: `settings:\n  max_retries: ${retries}\n${extra}` }));
  const { error, events } = await streamFailure(h);
  return { h, error, text: JSON.stringify(events) };
}

describe('upstream faults', () => {
  it('429 with retry-after: retried as shown, then reported as a rate limit', async () => {
    const { h, error, text: stream } = await errorOf(() => ({ kind: 'error', status: 429, message: 'slow down (fake)', headers: { 'retry-after': '1' } }), 1);
    expect(stream).toContain('Provider error (HTTP 429), retry 1 of 1');
    expect(error.code).toBe('upstream_rate_limit');
    expect(error.message).toContain('rate-limiting');
    await serverStillServes(h);
  });

  it('529 overloaded: reported as the provider failing', async () => {
    const { h, error } = await errorOf(() => ({ kind: 'error', status: 529, message: 'Overloaded (fake)', headers: { 'retry-after': '0' } }), 1);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toMatch(/HTTP 529|Overloaded/);
    await serverStillServes(h);
  });

  it('nothing listening at the provider: a connection error, not a hang', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const h = (harness = await startHarness(() => text('unused'), {
      extraProviders: `  dead:\n    type: anthropic\n    base_url: http://127.0.0.1:${closed}\n    models: [m]`,
      role: '"dead:m"',
      extraYaml: 'settings:\n  max_retries: 0\n',
    }));
    const error = await streamError(h);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toContain(`Provider "dead" (http://127.0.0.1:${closed})`);
  });

  it('a stream cut mid-answer ends in a clear error', async () => {
    // Whether the CLI relays the half-answer before it notices the cut depends on timing; the error does not.
    const { h, error } = await errorOf(() => ({ kind: 'cut' }), 0);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toContain('Provider "local" cut its answer off mid-stream');
    await serverStillServes(h);
  });
});
