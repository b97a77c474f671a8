/**
 * The diagnostic log with the real core and the real claude CLI: what it records (requests, runs
 * started, stopped and ended, services restarted), what it never records (keys, tokens, headers,
 * prompts, a service's arguments), and its tail through the control panel's HTTP API.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagLogTail } from '../../common/control';
import { lastUserText, text } from '../support/fake-anthropic';
import { FakeOpenAi } from '../support/fake-openai';
import { filesUnder } from '../support/files-under';
import { API_KEY, chatBody, contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

const PROVIDER_KEY = 'sk-fake-upstream';
const ROUTER_KEY = 'sk-router-very-secret-key';
const WRONG_KEY = 'sk-wrong-but-secret-key-9f8e7d';
const WRONG_CONTROL_TOKEN = 'wrong-control-token-5c4b3a';
const SERVICE_ARG = 'sk-service-arg-secret-1a2b';
const PROMPT_SECRET = 'hunter2-prompt-secret';
const QUERY_SECRET = 'sk-in-query-secret-77';

let h: Harness;
let openai: FakeOpenAi;
let controlBase: string;

beforeAll(async () => {
  openai = await new FakeOpenAi(() => ({ kind: 'text', text: 'Hello through the proxy.', usage: { prompt: 10, completion: 3 } })).start();
  h = await startHarness((req) => (lastUserText(req).includes('Hang') ? { kind: 'hang' } : text('Logged answer.')), {
    extraProviders: `  router:\n    type: openai\n    base_url: ${openai.url}\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]`,
    // A second role through the translating proxy, and a service that crashes (its arguments hold a key).
    extraYaml: `  developer: "router:vendor/model-x"\nservices:\n  crasher:\n    command: [node, -e, "setTimeout(() => process.exit(3), 50)", --, --token=${SERVICE_ARG}]\n`,
    // Everything the app can log, so nothing is hidden from this test by the level.
    env: { ROUTER_KEY, HELIX_LOG_LEVEL: 'trace' },
  });
  controlBase = h.core.controlUrl.split('/#')[0]!;
}, 30_000);
afterAll(async () => {
  await h?.close();
  await openai?.close();
});

const control = (command: string, args: unknown[], token = h.core.controlToken): Promise<Response> =>
  fetch(`${controlBase}/control/${command}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });

/** Every record in the log files, oldest first (the rotated ones first). */
function records(): Array<Record<string, unknown>> {
  const files = filesUnder(path.join(h.dataDir, 'logs')).sort().reverse();
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

async function ask(model: string, content: string): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content }] }) });
  return contentOf((await readSse(response)).events);
}

describe('the diagnostic log', () => {
  it('records runs, requests and service restarts, and never a key, a token, a header, a prompt or a service argument', async () => {
    expect(await ask('helix-consultant', `Remember ${PROMPT_SECRET}`)).toBe('Logged answer.');
    expect(await ask('helix-developer', 'Through the proxy')).toBe('Hello through the proxy.');
    expect(openai.requests[0]!.headers.authorization).toBe(`Bearer ${ROUTER_KEY}`);
    // Failing requests carrying secrets: a wrong API key, a wrong control token, keys in queries.
    const apiBase = h.core.apiBaseUrl.replace(/\/v1$/, '');
    expect((await fetch(`${apiBase}/v1/models`, { headers: { authorization: `Bearer ${WRONG_KEY}`, 'x-api-key': WRONG_KEY } })).status).toBe(401);
    expect((await h.api(`/v1/models?api_key=${QUERY_SECRET}`)).status).toBe(200);
    expect((await h.api(`/v1/nothing-here?key=${QUERY_SECRET}`)).status).toBe(404);
    expect((await control('state:get', [], WRONG_CONTROL_TOKEN)).status).toBe(401);
    expect((await fetch(`${controlBase}/nothing-here?token=${QUERY_SECRET}`)).status).toBe(404);
    expect((await fetch(`${h.core.proxyUrl}/p/router/v1/messages?key=${QUERY_SECRET}`, { method: 'POST', headers: { 'x-api-key': WRONG_KEY } })).status).toBe(401);
    expect((await fetch(`${h.core.proxyUrl}/nothing-here?key=${QUERY_SECRET}`)).status).toBe(401);
    expect((await control('key:set', ['OTHER_KEY', 'sk-typed-into-the-panel-0000'])).status).toBe(200);
    const events = new AbortController();
    const stream = await fetch(`${controlBase}/control/events?token=${h.core.controlToken}`, { signal: events.signal });
    expect(stream.status).toBe(200);
    events.abort();
    // The crashing service is restarted at least once (after 1 s).
    await expect.poll(() => records().filter((r) => r.msg === 'service exited; restarting').length, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(2);

    const all = records();
    const runner = all.filter((r) => r.component === 'runner');
    const started = runner.filter((r) => r.msg === 'claude started');
    expect(started).toHaveLength(2);
    expect(started[0]).toMatchObject({ level: 'info', bin: h.core.claudeBin, args: expect.arrayContaining(['-p', '--model', 'claude-sonnet-4-5']) });
    expect(started[0]!.pid).toEqual(expect.any(Number));
    expect(started[0]).not.toHaveProperty('env');
    // Each chat's warm process served its turn and stays (no exit yet).
    const ended = runner.filter((r) => r.msg === 'turn ended');
    expect(ended.map((r) => [r.pid, r.outcome])).toEqual(started.map((r) => [r.pid, 'ok']));
    expect(runner.filter((r) => r.msg === 'live session state' && r.to === 'ready').map((r) => r.pid)).toEqual(started.map((r) => r.pid));
    expect(runner.filter((r) => r.msg === 'claude exited')).toEqual([]);

    const api = all.filter((r) => r.component === 'api' && r.msg === 'request');
    expect(api).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/v1/chat/completions', status: 200, ms: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', path: '/v1/models', status: 401 }),
        expect.objectContaining({ method: 'GET', path: '/v1/nothing-here', status: 404 }),
      ]),
    );
    // The allowlist: a request line has these fields and no others (no headers, no body, no address).
    for (const line of api) expect(Object.keys(line).sort()).toEqual(['component', 'level', 'method', 'ms', 'msg', 'path', 'reqId', 'status', 'time']);
    expect(all).toContainEqual(expect.objectContaining({ component: 'proxy', msg: 'request', method: 'POST', path: '/v1/messages', status: 200 }));
    expect(all).toContainEqual(expect.objectContaining({ component: 'control', msg: 'request', path: '/control/state:get', status: 401 }));
    expect(all).toContainEqual(expect.objectContaining({ component: 'services', msg: 'service started', service: 'crasher', executable: 'node', restarts: 1 }));
    expect(all).toContainEqual(expect.objectContaining({ component: 'services', msg: 'service exited; restarting', service: 'crasher', exitCode: 3, restartInMs: 1000 }));

    const secrets = [API_KEY, PROVIDER_KEY, ROUTER_KEY, h.core.controlToken, WRONG_KEY, WRONG_CONTROL_TOKEN, SERVICE_ARG, PROMPT_SECRET, QUERY_SECRET, 'sk-typed-into-the-panel-0000'];
    const files = filesUnder(path.join(h.dataDir, 'logs'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const content = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(content, `${file} holds ${secret}`).not.toContain(secret);
      // The runs' proxy tokens are never seen by the test: their shape is.
      expect(content).not.toMatch(/sk-helix-run-/);
      expect(content).not.toMatch(/authorization|x-api-key/i);
    }
  }, 60_000);

  it('records why a run was stopped and how it ended', async () => {
    const controller = new AbortController();
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hang here'), signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('Claude Code is working')) seen += new TextDecoder().decode((await reader.read()).value);
    while (!h.fake.requests.some((r) => lastUserText(r).includes('Hang'))) await sleep(20);
    controller.abort();
    await expect.poll(() => records().find((r) => r.msg === 'turn ended' && r.outcome === 'cancelled'), { timeout: 5000, interval: 50 }).toBeDefined();
    const stopping = records().find((r) => r.msg === 'interrupting the turn');
    expect(stopping).toMatchObject({ component: 'runner', reason: 'cancelled', pid: expect.any(Number) });
  }, 30_000);

  it('shows its tail through the control API, filtered by level', async () => {
    const tail = async (args: unknown[]): Promise<DiagLogTail> => {
      const response = await control('log:tail', args);
      expect(response.status).toBe(200);
      return ((await response.json()) as { data: DiagLogTail }).data;
    };
    const latest = await tail([5]);
    expect(latest.file).toBe(path.join(h.dataDir, 'logs', 'helix.log'));
    expect(latest.level).toBe('trace');
    expect(latest.entries).toHaveLength(5);
    const times = latest.entries.map((e) => e.time);
    expect([...times].sort()).toEqual(times);
    const warnings = await tail([1000, 'warn']);
    expect(warnings.entries.length).toBeGreaterThan(0);
    expect(new Set(warnings.entries.map((e) => e.level))).not.toContain('info');
    expect(warnings.entries).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'service exited; restarting', component: 'services', fields: expect.objectContaining({ service: 'crasher', exitCode: 3 }) }));
    expect((await tail([])).entries.length).toBeGreaterThan(5);
    expect((await control('log:tail', [0])).status).toBe(400);
    expect((await control('log:tail', [10, 'loud'])).status).toBe(400);
  });
});
