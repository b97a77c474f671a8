/** The control panel's HTTP adapter: its token, its Host/Origin checks, commands and live events. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, ControlSnapshot } from '../../common/control';
import { text } from '../support/fake-anthropic';
import { chatBody, readSse, startHarness, type Harness } from '../support/helix-harness';
import { statusWithHost } from '../support/host-request';

let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness(() => text('Controlled.'));
  base = h.core.controlUrl.split('/#')[0]!;
});
afterAll(() => h.close());

const call = (command: string, args: unknown[] = [], token = h.core.controlToken, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${base}/control/${command}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ args }) });

/** state:get with a chosen Host header (fetch will not send a foreign one). */
const withHost = (host: string): Promise<number> =>
  statusWithHost(`${base}/control/state:get`, host, { method: 'POST', headers: { authorization: `Bearer ${h.core.controlToken}`, 'content-type': 'application/json' }, body: '{"args":[]}' });

describe('control panel over HTTP', () => {
  it('prints a URL with the token in its fragment, and serves the UI there', async () => {
    expect(h.core.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+$/);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('answers commands only with its own token (not the API key)', async () => {
    const state = (await (await call('state:get')).json()) as { ok: true; data: ControlSnapshot };
    expect(state.ok).toBe(true);
    expect(state.data.config.roles.map((r) => r.modelId)).toEqual(['helix-consultant']);
    expect(state.data.components.map((c) => `${c.name}:${c.state}`)).toEqual(['api:running', 'proxy:running']);
    expect(state.data.connection).toMatchObject({ baseUrl: h.core.apiBaseUrl, headers: { 'X-Helix-Chat-Id': '{{CHAT_ID}}', 'X-Helix-Task': '{{TASK}}' } });
    expect((await call('state:get', [], 'wrong')).status).toBe(401);
    expect((await call('state:get', [], h.core.apiKey)).status).toBe(401);
  });

  it('refuses foreign Host and Origin headers', async () => {
    expect(await withHost(new URL(base).host)).toBe(200);
    expect(await withHost(`localhost:${new URL(base).port}`)).toBe(200);
    expect(await withHost('evil.example:80')).toBe(403);
    expect((await call('state:get', [], h.core.controlToken, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await call('state:get', [], h.core.controlToken, { origin: base })).status).toBe(200);
  });

  it('checks command names and arguments', async () => {
    expect((await call('shell:exec', ['rm -rf /'])).status).toBe(404);
    expect((await call('role:set-model', ['consultant'])).status).toBe(400);
    expect((await call('component:restart', ['control'])).status).toBe(400);
    const refused = (await (await call('role:set-model', ['consultant', 'nowhere:x'])).json()) as { ok: false; error: { message: string } };
    expect(refused.error.message).toContain('unknown provider "nowhere"');
  });

  it('streams live run events and session changes while a chat runs, and gives the session log', async () => {
    const events: ControlEvent[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${base}/control/events?token=${h.core.controlToken}`, { signal: controller.signal });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const reading = (async () => {
      let pending = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        pending += new TextDecoder().decode(value);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)) as ControlEvent);
      }
    })();
    await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Watch me') }));
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await reading;
    const texts = events.flatMap((e) => (e.type === 'run-event' && e.event.type === 'text' ? [e.event.text] : []));
    expect(texts.join('')).toBe('Controlled.');
    expect(events.some((e) => e.type === 'session-changed' && e.session.status === 'done')).toBe(true);

    const sessionId = h.core.sessions.list()[0]!.id;
    const got = (await (await call('session:get', [sessionId])).json()) as { ok: true; data: { log: Array<{ type: string }> } };
    expect(got.data.log.map((r) => r.type)).toEqual(expect.arrayContaining(['session', 'prompt', 'event', 'turn']));
  });

  it('cancels a running turn from the panel (its process stays warm, listed), and closes the warm process', async () => {
    h.fake.setScript(() => ({ kind: 'hang' }));
    const stream = h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hang on', {}), headers: { 'x-helix-chat-id': 'to-cancel' } }).then(readSse);
    const turn = async (): Promise<{ id: string; status: string } | undefined> => h.core.sessions.findByChatId('to-cancel')?.turns[0];
    for (let i = 0; i < 200 && (await turn())?.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 25));
    for (let i = 0; i < 200 && h.fake.requests.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    const cancelled = (await (await call('turn:cancel', [(await turn())!.id])).json()) as { data: { cancelled: boolean } };
    expect(cancelled.data.cancelled).toBe(true);
    await stream;
    expect((await turn())!.status).toBe('cancelled');
    // Interrupted, not killed: the chat keeps its process, which the panel lists.
    const sessionId = h.core.sessions.findByChatId('to-cancel')!.id;
    type Live = { sessionId: string; pid: number; state: string; idleSeconds: number | null };
    const listed = async (): Promise<Live | undefined> => ((await (await call('state:get', [])).json()) as { data: { live: Live[] } }).data.live.find((l) => l.sessionId === sessionId);
    // Ready once the CLI says idle, a few ms after the turn's result.
    await vi.waitFor(async () => expect(await listed()).toMatchObject({ state: 'ready', idleSeconds: expect.any(Number) }), { timeout: 3000, interval: 20 });
    const live = (await listed())!;
    expect(h.processesInDataDir()).toContain(live.pid);
    const closed = (await (await call('live:close', [sessionId])).json()) as { data: { closed: boolean } };
    expect(closed.data.closed).toBe(true);
    await vi.waitFor(() => expect(h.processesInDataDir()).not.toContain(live.pid), { timeout: 5000, interval: 50 });
    const after = (await (await call('state:get', [])).json()) as { data: { live: Array<{ sessionId: string }> } };
    expect(after.data.live.map((l) => l.sessionId)).not.toContain(sessionId);
    h.fake.setScript(() => text('Controlled.'));
  });

  it('restarts the API server, which comes back on the same address', async () => {
    const result = (await (await call('component:restart', ['api'])).json()) as { ok: true; data: { state: string; url: string } };
    expect(result.data.state).toBe('running');
    expect(`${result.data.url}/v1`).toBe(h.core.apiBaseUrl);
    expect((await h.api('/v1/models')).status).toBe(200);
  });

  it('stops and starts the API server', async () => {
    const stopped = (await (await call('component:stop', ['api'])).json()) as { data: { state: string } };
    expect(stopped.data.state).toBe('stopped');
    await expect(h.api('/v1/models')).rejects.toThrow();
    const started = (await (await call('component:start', ['api'])).json()) as { data: { state: string } };
    expect(started.data.state).toBe('running');
    expect((await h.api('/v1/models')).status).toBe(200);
  });

  it('switches a role and stores a key from the panel, never returning a key', async () => {
    const switched = (await (await call('role:set-model', ['consultant', 'local:claude-opus-4-1'])).json()) as { ok: true; data: { roles: Array<{ model: string }> } };
    expect(switched.data.roles[0]!.model).toBe('claude-opus-4-1');
    expect(readFileSync(h.core.configPath, 'utf8')).toContain('local:claude-opus-4-1');
    const reply = await call('key:set', ['SOME_KEY', 'sk-secret-value']);
    const keyed = await reply.text();
    expect(keyed).not.toContain('sk-secret-value');
    expect(reply.status).toBe(200);
    expect(JSON.parse(keyed)).toMatchObject({ ok: true });
    expect(h.core.keys.lookup({})('SOME_KEY')).toBe('sk-secret-value'); // stored in the app, not taken from the environment
  });
});
