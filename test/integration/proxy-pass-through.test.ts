/**
 * The proxy in front of an anthropic provider, driven by the official @anthropic-ai/sdk client
 * with a run token: the request goes on byte for byte with the provider's key instead of the
 * token, the answer comes back unchanged, usage is logged with the turn, and a revoked token or
 * one for another provider opens nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../main/providers/load-config';
import { RunTokens } from '../../main/proxy/proxy-access';
import { buildProxyServer } from '../../main/proxy/proxy-server';
import { RequestLog } from '../../main/proxy/request-log';
import { FakeAnthropic, text } from '../support/fake-anthropic';

let fake: FakeAnthropic;
let proxyUrl: string;
let close: () => Promise<void>;
const tokens = new RunTokens();
const requests = new RequestLog();
/** The raw bytes of each request the provider received. */
const rawBodies: Buffer[] = [];
let rawUrl = '';
let rawProvider: http.Server;

beforeAll(async () => {
  fake = await new FakeAnthropic((req) => (req.body.stream ? text('Streamed through.', { usage: { input: 21, output: 4 } }) : text('Whole.', { usage: { input: 11, output: 2 } }))).start();
  // A provider that records bytes and echoes an error, to check nothing is re-encoded.
  rawProvider = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      rawBodies.push(Buffer.concat(chunks));
      res.writeHead(400, { 'content-type': 'application/json', 'x-provider-header': 'kept' });
      res.end(`{"type":"error","error":{"type":"invalid_request_error","message":"bad \\u00e9 request ${req.url}"}}`);
    });
  });
  await new Promise<void>((resolve) => rawProvider.listen(0, '127.0.0.1', resolve));
  rawUrl = `http://127.0.0.1:${(rawProvider.address() as AddressInfo).port}`;
  const config = parseConfig(
    `providers:
  local:
    type: anthropic
    base_url: ${fake.url}
    api_key_env: LOCAL_KEY
    headers: { X-Gateway: helix }
  raw:
    type: anthropic
    base_url: ${rawUrl}/prefix
  login:
    type: claude-login
defaults:
  consultant: "local:claude-sonnet-4-5"
`,
    'cfg.yaml',
  );
  const proxy = buildProxyServer({ authorize: tokens.authorize, getConfig: () => config, keys: (name) => (name === 'LOCAL_KEY' ? 'sk-local-real' : undefined), requests });
  await proxy.listen({ host: '127.0.0.1', port: 0 });
  proxyUrl = `http://127.0.0.1:${(proxy.server.address() as { port: number }).port}`;
  close = async () => {
    await proxy.close();
    await fake.close();
    rawProvider.close();
  };
});
afterAll(() => close());

const client = (token: string): Anthropic => new Anthropic({ baseURL: proxyUrl, apiKey: token, maxRetries: 0 });

describe('proxy pass-through for an anthropic provider', () => {
  it('streams the answer unchanged, with the real key and headers upstream and usage logged for the turn', async () => {
    const grant = tokens.grant({ provider: 'local', turnId: 'turn-1' });
    const stream = client(grant.token).messages.stream({ model: 'claude-test-model', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'Streamed through.' }]);
    const seen = fake.requests.at(-1)!;
    expect(seen.headers['x-api-key']).toBe('sk-local-real');
    expect(seen.headers['x-gateway']).toBe('helix');
    expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(seen.headers)).not.toContain(grant.token);
    expect(requests.list().at(-1)).toMatchObject({ provider: 'local', model: 'claude-test-model', status: 200, inputTokens: 21, outputTokens: 4, turnId: 'turn-1' });
  });

  it('answers a whole message, and logs its usage', async () => {
    const grant = tokens.grant({ provider: 'local', turnId: 'turn-2' });
    const message = await client(grant.token).messages.create({ model: 'claude-test-model', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Whole.' }]);
    expect(requests.list().at(-1)).toMatchObject({ provider: 'local', status: 200, inputTokens: 11, outputTokens: 2, turnId: 'turn-2' });
  });

  it('forwards the body, path and query byte for byte, and the error answer unchanged', async () => {
    const grant = tokens.grant({ provider: 'raw', turnId: 'turn-3' });
    const body = '{"model": "x",  "messages":[{"role":"user","content":"caf\u00e9 \\u00e9"}], "max_tokens": 1}';
    const response = await fetch(`${proxyUrl}/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': grant.token, 'content-type': 'application/json' }, body });
    expect(rawBodies.at(-1)!.equals(Buffer.from(body))).toBe(true);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-provider-header')).toBe('kept');
    expect(await response.text()).toBe('{"type":"error","error":{"type":"invalid_request_error","message":"bad \\u00e9 request /prefix/v1/messages?beta=true"}}');
    expect(requests.list().at(-1)).toMatchObject({ provider: 'raw', status: 400, turnId: 'turn-3', error: expect.stringContaining('bad é request') });
  });

  it('refuses a revoked token, a token used for another provider, and Claude Code login providers', async () => {
    const grant = tokens.grant({ provider: 'local' });
    grant.revoke();
    await expect(client(grant.token).messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 401 });

    const other = tokens.grant({ provider: 'local' });
    const elsewhere = await fetch(`${proxyUrl}/p/raw/v1/messages`, { method: 'POST', headers: { 'x-api-key': other.token }, body: '{}' });
    expect(elsewhere.status).toBe(401);

    const login = tokens.grant({ provider: 'login' });
    const refused = await fetch(`${proxyUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': login.token }, body: '{}' });
    expect(refused.status).toBe(404);
    expect(tokens.size).toBe(5);
  });
});
