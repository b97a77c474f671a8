/**
 * Web pages: refused by default; with settings.cors_origins, the listed pages (e.g. Open WebUI
 * calling from the browser) get their preflight answered and every response, streamed too, readable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../support/fake-anthropic';
import { API_KEY, chatBody, contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

const WEBUI = 'http://localhost:3000';
let h: Harness;
beforeAll(async () => {
  h = await startHarness(() => text('From the browser.'), { extraYaml: `settings:\n  cors_origins: ["${WEBUI}/"]\n` });
});
afterAll(() => h.close());

const base = (): string => h.core.apiBaseUrl.replace(/\/v1$/, '');
const preflight = (origin: string): Promise<Response> =>
  fetch(`${base()}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' } });

describe('CORS', () => {
  it('answers a listed page\'s preflight without the key, naming what it may send', async () => {
    const response = await preflight(WEBUI);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(WEBUI);
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os'); // SDKs add their own
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('lets a listed page read answers, streamed ones included', async () => {
    const models = await h.api('/v1/models', { headers: { origin: WEBUI } });
    expect(models.headers.get('access-control-allow-origin')).toBe(WEBUI);
    const stream = await h.api('/v1/chat/completions', { method: 'POST', headers: { origin: WEBUI }, body: chatBody('hi') });
    expect(stream.headers.get('access-control-allow-origin')).toBe(WEBUI);
    const answer = contentOf((await readSse(stream)).events);
    expect(answer).toBe('From the browser.');
  });

  it('refuses any other page, even with the key, and gives it no CORS header', async () => {
    const response = await preflight('http://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const models = await h.api('/v1/models', { headers: { origin: 'http://evil.example' } });
    expect(models.status).toBe(403);
    expect(((await models.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
    expect(models.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves clients that are not web pages as before', async () => {
    const models = await h.api('/v1/models');
    expect(models.status).toBe(200);
    expect(models.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses every page when no origin is configured', async () => {
    const plain = await startHarness(() => text('unused'));
    try {
      const response = await fetch(`${plain.core.apiBaseUrl}/models`, { headers: { origin: WEBUI, authorization: `Bearer ${API_KEY}` } });
      expect(response.status).toBe(403);
      expect([...response.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
