/**
 * Providers with the real claude CLI: an OpenAI-compatible upstream through the translating
 * proxy, switching a role between turns without a restart, hand edits of the YAML.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLog } from '../../main/sessions/event-log';
import { text } from '../support/fake-anthropic';
import { FakeOpenAi, type OpenAiReply, type OpenAiRequestSeen } from '../support/fake-openai';
import { filesUnder } from '../support/files-under';
import { contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
let openai: FakeOpenAi | undefined;
afterEach(async () => {
  await harness?.close();
  await openai?.close();
  harness = undefined;
  openai = undefined;
});

async function withOpenAi(script: (req: OpenAiRequestSeen) => OpenAiReply, role = '"router:vendor/model-x"', env: Record<string, string> = { ROUTER_KEY: 'sk-router-very-secret' }): Promise<Harness> {
  openai = await new FakeOpenAi(script).start();
  harness = await startHarness(() => text('From the anthropic provider.'), {
    extraProviders: `  router:\n    type: openai\n    base_url: ${openai.url}\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]`,
    role,
    env,
  });
  return harness;
}

/** How long a hand edit may take to be picked up. */
const POLL = { timeout: 5000, interval: 50 };

async function ask(h: Harness, messages: Array<{ role: string; content: string }>, headers: Record<string, string> = {}): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'helix-consultant', stream: true, messages }) });
  const { events } = await readSse(response);
  const error = events.find((e) => e !== '[DONE]' && 'error' in e);
  if (error) throw new Error(JSON.stringify(error));
  return contentOf(events);
}

describe('an OpenAI-compatible provider through the proxy', () => {
  it('answers a plain question', async () => {
    const h = await withOpenAi(() => ({ kind: 'text', text: 'Hello through the proxy.', usage: { prompt: 77, completion: 5 } }));
    expect(await ask(h, [{ role: 'user', content: 'Hi' }])).toBe('Hello through the proxy.');
    expect(h.fake.requests).toHaveLength(0);
    const request = openai!.requests[0]!;
    expect(request.body.model).toBe('vendor/model-x');
    expect(request.headers.authorization).toBe('Bearer sk-router-very-secret');
    const turn = h.core.sessions.list()[0]!.turns[0]!;
    expect(turn).toMatchObject({ status: 'done', target: 'router:vendor/model-x', usage: { inputTokens: 77, outputTokens: 5 } });
  });

  it('runs a tool the upstream calls in streamed fragments, then answers with its result', async () => {
    const h = await withOpenAi((req) => {
      const last = req.body.messages.at(-1)!;
      if (last.role === 'tool') return { kind: 'text', text: `The command printed: ${String(last.content).trim()}` };
      return { kind: 'tool', name: 'Bash', fragments: ['{"comm', 'and": "echo proxied', '-tool"', ', "description": "echo"}'] };
    });
    const answer = await ask(h, [{ role: 'user', content: 'Run echo' }]);
    expect(answer).toBe('The command printed: proxied-tool');
    expect(openai!.requests).toHaveLength(2);
    expect(openai!.requests[1]!.body.messages.some((m) => m.role === 'assistant' && Array.isArray(m.tool_calls))).toBe(true);

    // The proxy's requests are in the session log, joined to the turn that caused them.
    const session = h.core.sessions.list()[0]!;
    const proxied = readLog(path.join(h.dataDir, 'sessions', session.id, 'events.ndjson')).filter((r) => r.type === 'proxy_request');
    expect(proxied).toHaveLength(2);
    expect(proxied[0]).toMatchObject({ provider: 'router', model: 'vendor/model-x', status: 200, turnId: session.turns[0]!.id });
  });

  it('reports a missing key as a status and a clear error, and uses a key stored in the app', async () => {
    const h = await withOpenAi(() => ({ kind: 'text', text: 'Keyed.' }), undefined, {});
    const router = async (): Promise<unknown> => ((await (await h.api('/health')).json()) as { providers: Array<{ name: string; key: string }> }).providers.find((p) => p.name === 'router')?.key;
    expect(await router()).toBe('missing');
    await expect(ask(h, [{ role: 'user', content: 'Hi' }])).rejects.toThrow(/has no API key: set the environment variable ROUTER_KEY/);
    h.core.keys.set('ROUTER_KEY', 'sk-stored-in-app');
    expect(await router()).toBe('set');
    expect(await ask(h, [{ role: 'user', content: 'Hi again' }])).toBe('Keyed.');
    expect(openai!.requests[0]!.headers.authorization).toBe('Bearer sk-stored-in-app');
  });

  it('surfaces an upstream error with the provider message', async () => {
    const h = await withOpenAi(() => ({ kind: 'error', status: 401, message: 'No auth credentials found' }));
    await expect(ask(h, [{ role: 'user', content: 'Hi' }])).rejects.toThrow(/No auth credentials found/);
  });
});

describe('switching providers', () => {
  it('moves a role to another provider between two turns, without a restart, keeping the comments', async () => {
    const h = await withOpenAi(() => ({ kind: 'text', text: 'Now from the router.' }), '"local:claude-sonnet-4-5"  # the consultant role');
    const before = readFileSync(h.core.configPath, 'utf8');
    expect(await ask(h, [{ role: 'user', content: 'First' }], { 'x-helix-chat-id': 's' })).toBe('From the anthropic provider.');

    h.core.config.setRoleModel('consultant', 'router:vendor/model-x');
    const after = readFileSync(h.core.configPath, 'utf8');
    expect(after).toBe(before.replace('"local:claude-sonnet-4-5"  # the consultant role', '"router:vendor/model-x"  # the consultant role'));
    expect(await (await h.api('/v1/models/helix-consultant')).json()).toMatchObject({ name: 'Helix consultant (router:vendor/model-x)' });

    const answer = await ask(h, [{ role: 'user', content: 'First' }, { role: 'assistant', content: 'From the anthropic provider.' }, { role: 'user', content: 'Second' }], { 'x-helix-chat-id': 's' });
    expect(answer).toBe('Now from the router.');
    expect(h.fake.requests).toHaveLength(1);
    // The chat's warm process was re-pointed at the router; the CLI checks a model it does not
    // know, when it is changed live, with one 1-token request before the turn.
    expect(openai!.requests.length).toBeGreaterThanOrEqual(1);
    expect(openai!.requests.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(openai!.requests.at(-1)!.body)).toContain('Second');
    expect(h.core.sessions.list()[0]!.turns.map((t) => t.target)).toEqual(['local:claude-sonnet-4-5', 'router:vendor/model-x']);
  });

  it('picks up hand edits live, and keeps the last good config when an edit is invalid', async () => {
    const h = await withOpenAi(() => ({ kind: 'text', text: 'Router here.' }));
    const file = h.core.configPath;
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('consultant: "router:vendor/model-x"', 'consultant: "local:claude-sonnet-4-5"'));
    await expect.poll(() => h.core.config.current.roles[0]!.provider, POLL).toBe('local');
    expect(await ask(h, [{ role: 'user', content: 'Hi' }])).toBe('From the anthropic provider.');

    writeFileSync(file, `${good}\ndefaults: [broken`);
    await expect.poll(() => h.core.config.error, POLL).not.toBeNull();
    expect(h.core.config.error!.line).toBeGreaterThan(1);
    expect(h.core.config.current.roles[0]!.provider).toBe('local');
    expect(await ask(h, [{ role: 'user', content: 'Still?' }])).toBe('From the anthropic provider.');
    expect(() => h.core.config.setRoleModel('consultant', 'router:vendor/model-x')).toThrow(/invalid YAML/);
  });

  it('never writes a key into the config, the session logs or the index', async () => {
    const h = await withOpenAi(() => ({ kind: 'text', text: 'ok' }));
    await ask(h, [{ role: 'user', content: 'Hi' }]);
    h.core.config.setProvider('other', { type: 'openai', base_url: 'https://example.com/v1', api_key_env: 'OTHER_KEY', models: [] });
    // The app's own key files are where keys belong; everything else must not hold one.
    const written = filesUnder(h.dataDir).filter((file) => !file.includes(`${path.sep}workspace${path.sep}`) && !/(api-key|keys\.json)$/.test(file));
    for (const file of written.concat(h.core.configPath)) {
      const content = readFileSync(file, 'utf8');
      expect(content, file).not.toContain('sk-router-very-secret');
      expect(content, file).not.toContain('sk-fake-upstream');
    }
    expect(readFileSync(h.core.configPath, 'utf8')).toContain('api_key_env: OTHER_KEY');
  });
});
