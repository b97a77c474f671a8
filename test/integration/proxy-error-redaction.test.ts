/**
 * The proxy's handling of a provider's error answer that echoes the key: whatever its content
 * coding, the answer passed on to Claude Code and the one logged have the key cut out; the status
 * and the provider's other headers pass unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../main/providers/load-config';
import { RunTokens } from '../../main/proxy/proxy-access';
import { buildProxyServer } from '../../main/proxy/proxy-server';
import { RequestLog } from '../../main/proxy/request-log';

const KEY = 'sk-ant-echoed-by-the-provider-4242';
let providerUrl = '';
let provider: http.Server;
let proxyUrl = '';
let close: () => Promise<void>;
const tokens = new RunTokens();
const requests = new RequestLog();

beforeAll(async () => {
  // Answers 401 quoting the key it was sent, gzipped when asked by the path.
  provider = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${String(req.headers['x-api-key'])}` }, echo: { headers: req.headers } });
      const gzip = req.url?.includes('gzip');
      res.writeHead(401, { 'content-type': 'application/json', 'x-provider-header': 'kept', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(body) : body);
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const config = parseConfig(`providers:\n  plain:\n    type: anthropic\n    base_url: ${providerUrl}/plain\n    api_key_env: KEY\n  zipped:\n    type: anthropic\n    base_url: ${providerUrl}/gzip\n    api_key_env: KEY\ndefaults:\n  consultant: "plain:m"\n`, 'cfg.yaml');
  const proxy = buildProxyServer({ authorize: tokens.authorize, getConfig: () => config, keys: (name) => (name === 'KEY' ? KEY : undefined), requests });
  await proxy.listen({ host: '127.0.0.1', port: 0 });
  proxyUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  close = async () => {
    await proxy.close();
    provider.close();
  };
});
afterAll(() => close());

describe.each(['plain', 'zipped'])('a %s error answer echoing the key', (name) => {
  it('reaches Claude Code and the request log with the key cut out', async () => {
    const grant = tokens.grant({ provider: name, turnId: `turn-${name}` });
    const response = await fetch(`${proxyUrl}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': grant.token, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('x-provider-header')).toBe('kept');
    expect(response.headers.get('content-encoding')).toBeNull();
    const body = await response.text();
    expect(body).not.toContain(KEY);
    expect(JSON.parse(body).error).toEqual({ type: 'authentication_error', message: 'invalid x-api-key: [redacted]' });
    const entry = requests.list().findLast((r) => r.turnId === `turn-${name}`)!;
    expect(entry).toMatchObject({ provider: name, model: 'claude-sonnet-4-5', status: 401, providerError: { status: 401, type: 'authentication_error', message: 'invalid x-api-key: [redacted]' } });
    expect(JSON.stringify(entry)).not.toContain(KEY);
  });
});
