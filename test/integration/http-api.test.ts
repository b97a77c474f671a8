/**
 * The OpenAI surface apart from runs: models, health, auth and request errors.
 * No Claude Code run starts in this file (the fake upstream would record it).
 */
import { statfsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../support/fake-anthropic';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(() => text('unused'), {
    extraYaml: '  developer: "local:claude-opus-4-1"\n',
  });
});
afterAll(async () => {
  expect(h.fake.requests).toHaveLength(0);
  await h.close();
});

const base = (): string => h.core.apiBaseUrl.replace(/\/v1$/, '');
type ErrorBody = { error: { message: string; type: string; code: string | null; param: string | null } };

describe('models', () => {
  it('lists one model per role, with the provider:model it runs on', async () => {
    const response = await h.api('/v1/models');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['helix-consultant', 'helix-developer']);
    expect(body.data[1]).toMatchObject({
      object: 'model',
      owned_by: 'helix',
      name: 'Helix developer (local:claude-opus-4-1)',
      helix: { role: 'developer', target: 'local:claude-opus-4-1' },
    });
    expect(body.data.every((m) => !/^(o\d|gpt-5)/.test(String(m.id)) && !('pipeline' in m))).toBe(true);
  });

  it('answers a single model, and 404 for an unknown one', async () => {
    expect(await (await h.api('/v1/models/helix-consultant')).json()).toMatchObject({ id: 'helix-consultant' });
    const missing = await h.api('/v1/models/gpt-4o');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('model_not_found');
  });

  it('health reports the version, the models, the CLI in use and the room left for sessions', async () => {
    const body = (await (await h.api('/health')).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', active_runs: 0, models: ['helix-consultant', 'helix-developer'] });
    expect(String(body.claude_cli)).toMatch(/claude$/);
    expect(body.providers).toEqual([{ name: 'local', type: 'anthropic', baseUrl: h.fake.url, key: 'set', keyEnv: 'LOCAL_KEY', roles: ['consultant', 'developer'] }]);
    expect(body.configError).toBeNull();
    const { path: dataDir, free_bytes: free } = body.data_dir as { path: string; free_bytes: number };
    expect(dataDir).toBe(h.dataDir);
    const disk = statfsSync(h.dataDir);
    expect(Math.abs(free - disk.bavail * disk.bsize)).toBeLessThan(64 * 2 ** 20); // the same disk, give or take what others write meanwhile
    expect(JSON.stringify(body)).not.toContain('sk-fake-upstream');
  });
});

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong key', { authorization: 'Bearer sk-wrong' }],
    ['the key without Bearer', { authorization: API_KEY }],
  ])('refuses %s with an OpenAI-style 401', async (_, headers) => {
    for (const route of ['/v1/models', '/v1/chat/completions', '/health']) {
      const response = await fetch(`${base()}${route}`, { method: route.includes('chat') ? 'POST' : 'GET', headers });
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    }
  });
});

describe('request errors', () => {
  const post = (body: string, contentType = 'application/json'): Promise<Response> =>
    fetch(`${base()}/v1/chat/completions`, { method: 'POST', body, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': contentType } });

  it('malformed JSON is a 400', async () => {
    const response = await post('{"model": "helix-consultant", "messages": [');
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.type).toBe('invalid_request_error');
  });

  it('a body that is not JSON is refused with a message that says so', async () => {
    const xml = await post('<hello/>', 'application/xml');
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as ErrorBody).error.message).toContain('must be JSON');
    const plain = await post('hello', 'text/plain');
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as ErrorBody).error.message).toContain('JSON object');
  });

  it('an invalid request names the field', async () => {
    const response = await post(JSON.stringify({ model: 'helix-consultant', messages: [{ role: 'user' }, { role: 'robot', content: 'x' }] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.param).toBe('messages.1.role');
  });

  it('an unknown model is a 404 listing the models there are', async () => {
    const response = await post(JSON.stringify({ model: 'claude-3-opus', messages: [{ role: 'user', content: 'hi' }] }));
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as ErrorBody;
    expect(error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(error.message).toContain('helix-consultant, helix-developer');
  });

  it('an unknown route is an OpenAI-style 404', async () => {
    const response = await h.api('/v1/embeddings', { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('not_found');
  });
});
