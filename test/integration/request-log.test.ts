/**
 * The panel's request log with the real `claude` CLI: each chat turn's request carries what its
 * turn recorded (the model that answered, the provider, tokens, cost, the session), each of the
 * proxy's requests the model asked and answered; a provider that echoes its key in an error
 * answer gets it cut out of the request log, the session log, the chat's error and what Claude
 * Code receives; each new request is pushed to the panel as it is logged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ControlEvent, RequestEntry } from '../../common/control';
import { dispatch } from '../../main/control/control-service';
import { text } from '../support/fake-anthropic';
import { FakeOpenAi } from '../support/fake-openai';
import { filesUnder } from '../support/files-under';
import { chatBody, harnessPerTest, readSse, type Harness } from '../support/helix-harness';

const start = harnessPerTest();
const UPSTREAM_KEY = 'sk-fake-upstream'; // the harness's LOCAL_KEY
const ROUTER_KEY = 'sk-router-echoed-secret-0123456789';

async function requests(h: Harness, query: object = {}): Promise<RequestEntry[]> {
  const result = await dispatch(h.core.control, 'requests:list', [query]);
  if (!result.ok) throw new Error(result.error.message);
  return result.data as RequestEntry[];
}

function expectNoKey(where: string, text: string, key: string): void {
  expect(text.includes(key), `the key found in ${where}`).toBe(false);
}

describe('the request log', () => {
  it('gives a chat turn its answering model, provider, tokens, cost and session, and pushes each request as it is logged', async () => {
    const h = await start(() => text('Hello there.', { usage: { input: 30, output: 7 } }));
    const heard: RequestEntry[] = [];
    h.core.control.subscribe((event: ControlEvent) => {
      if (event.type === 'request-logged') heard.push(event.request);
    });
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hi', { stream: false }), headers: { 'user-agent': 'OpenAI/JS 6.49.0' } });
    expect(response.status).toBe(200);

    const list = await requests(h);
    const turn = list.find((r) => r.source === 'api')!;
    const session = h.core.sessions.list()[0]!;
    expect(turn).toMatchObject({ method: 'POST', path: '/v1/chat/completions', client: 'OpenAI/JS', model: 'helix-consultant', provider: 'local', status: 200, sessionId: session.id, turnId: session.turns[0]!.id });
    expect(turn.modelAnswered).toBe(session.turns[0]!.model);
    expect(turn.modelAnswered).toBeTruthy();
    expect(turn.inputTokens).toBeGreaterThan(0);
    expect(turn.outputTokens).toBeGreaterThan(0);
    expect(turn.costUsd).toBeGreaterThan(0);
    expect(turn.error).toBeUndefined();

    const upstream = list.filter((r) => r.source === 'proxy');
    expect(upstream.length).toBeGreaterThan(0);
    for (const call of upstream) {
      expect(call).toMatchObject({ client: 'Claude Code', provider: 'local', status: 200, turnId: turn.turnId, sessionId: session.id });
      expect(call.model).toMatch(/^claude-/); // what Claude Code asked the provider for
    }
    // Each one was pushed as it was logged, with the id the list gives it.
    expect(heard.map((r) => r.id).sort()).toEqual(list.map((r) => r.id).sort());
    expect(new Set(list.map((r) => r.id)).size).toBe(list.length);

    expect((await requests(h, { status: 'errors' })).length).toBe(0);
    expect((await requests(h, { query: 'openai/js' })).map((r) => r.id)).toEqual([turn.id]);
  });

  it('logs a turn that failed inside a stream as an error, with what the client was told', async () => {
    const h = await start(() => ({ kind: 'error', status: 401, message: 'invalid x-api-key' }));
    await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hi') }));
    const [turn] = (await requests(h, { status: 'errors' })).filter((r) => r.source === 'api');
    expect(turn).toMatchObject({ status: 502, provider: 'local' });
    expect(turn!.error).toContain('rejected the API key (HTTP 401)');
    expect(turn!.providerError).toMatchObject({ status: 401, type: 'authentication_error', message: 'invalid x-api-key' });
    expect((await requests(h, { status: 'ok' })).some((r) => r.id === turn!.id)).toBe(false);
  });

  it('logs /v1/responses turns the same way, streamed or whole', async () => {
    const h = await start(() => text('Hello there.', { usage: { input: 30, output: 7 } }));
    for (const stream of [true, false]) {
      const response = await h.api('/v1/responses', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', stream, input: `Hi ${stream}` }) });
      await response.text();
    }
    const turns = (await requests(h)).filter((r) => r.source === 'api');
    expect(turns).toHaveLength(2);
    for (const turn of turns) {
      expect(turn).toMatchObject({ path: '/v1/responses', status: 200, provider: 'local' });
      expect(turn.costUsd).toBeGreaterThan(0);
      expect(turn.sessionId).toBeTruthy();
    }
    h.fake.setScript(() => ({ kind: 'error', status: 401, message: 'invalid x-api-key' }));
    await (await h.api('/v1/responses', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', stream: true, input: 'This fails' }) })).text();
    const [failed] = await requests(h, { status: 'errors', query: '/v1/responses' });
    expect(failed).toMatchObject({ status: 502, providerError: { status: 401, message: 'invalid x-api-key' } });
    expect(failed!.error).toContain('rejected the API key');
  });
});

describe('a provider that echoes its key in an error answer', () => {
  it('(anthropic, passed through) has the key cut out of the request log, the session log, the chat error and what Claude Code got', async () => {
    const h = await start((req) => ({ kind: 'error', status: 401, message: `Invalid API key: ${String(req.headers['x-api-key'])} (sent as x-api-key)` }));
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hi', { stream: false }) });
    const body = await response.text();
    expect(h.fake.requests.length).toBeGreaterThan(0);
    expect(String(h.fake.requests[0]!.headers['x-api-key'])).toBe(UPSTREAM_KEY); // the provider did get (and echo) it
    expectNoKey('the chat error', body, UPSTREAM_KEY);

    const list = await requests(h, { status: 'errors' });
    expectNoKey('the request log', JSON.stringify(list), UPSTREAM_KEY);
    const call = list.find((r) => r.source === 'proxy')!;
    expect(call.providerError).toEqual({ status: 401, type: 'authentication_error', message: 'Invalid API key: [redacted] (sent as x-api-key)' });
    expect(list.find((r) => r.source === 'api')!.providerError?.message).toBe('Invalid API key: [redacted] (sent as x-api-key)');
    for (const file of filesUnder(h.dataDir)) expectNoKey(file, readFileSync(file, 'utf8'), UPSTREAM_KEY);
  });

  it('(openai, translated) echoing the Authorization header has it cut out the same way', async () => {
    const router = await new FakeOpenAi((req) => ({ kind: 'error', status: 401, message: `Bad credentials in header Authorization: ${String(req.headers.authorization)}` })).start();
    try {
      const h = await start(() => text('unused'), {
        extraProviders: `  router:\n    type: openai\n    base_url: ${router.url}\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]`,
        role: '"router:vendor/model-x"',
        env: { ROUTER_KEY },
      });
      const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hi', { stream: false }) });
      const body = await response.text();
      expect(router.requests[0]!.headers.authorization).toBe(`Bearer ${ROUTER_KEY}`);
      expectNoKey('the chat error', body, ROUTER_KEY);
      const list = await requests(h);
      expectNoKey('the request log', JSON.stringify(list), ROUTER_KEY);
      const call = list.find((r) => r.source === 'proxy' && r.providerError)!;
      expect(call).toMatchObject({ provider: 'router', model: 'vendor/model-x', status: 401 });
      expect(call.providerError).toEqual({ status: 401, type: 'fake_error', code: '401', message: 'Bad credentials in header Authorization: Bearer [redacted]' });
      for (const file of filesUnder(h.dataDir)) expectNoKey(file, readFileSync(file, 'utf8'), ROUTER_KEY);
    } finally {
      await router.close();
    }
  });
});
