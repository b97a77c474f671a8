/**
 * Bad input never crashes the server or reaches a shell: huge and malformed bodies, fuzzed
 * requests, hostile headers, prompts full of shell metacharacters, foreign Host headers.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliEventMapper } from '../../main/runner/event-mapper';
import { StreamJsonParser } from '../../main/runner/stream-json';
import { hostAllowed } from '../../main/server/api-server';
import { lastUserText, text } from '../support/fake-anthropic';
import { API_KEY, chatBody, readSse, startHarness, type Harness } from '../support/helix-harness';
import { statusWithHost } from '../support/host-request';
import { fuzzStatuses, junk, random } from '../support/fuzz';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(() => text('Fine.'));
});
afterAll(() => h.close());

const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${h.core.apiBaseUrl}/chat/completions`, { method: 'POST', body, headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', ...headers } });

describe('bad input', () => {
  it('refuses a body over the limit with 413, and keeps serving', async () => {
    const huge = 'a'.repeat(33 * 1024 * 1024);
    const response = await post(huge);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('larger than 32 MB');
    expect((await h.api('/v1/models')).status).toBe(200);
  });

  it('answers 2,000 fuzzed request bodies with 4xx, never 5xx or a crash, and starts no run', async () => {
    const keys = ['model', 'messages', 'stream', 'role', 'content', 'stream_options', 'type', 'text', 'image_url', 'url'];
    const statuses = await fuzzStatuses(2000, random(42), keys, (body) => post(body));
    expect([...statuses.keys()].filter((status) => !(status >= 400 && status < 500))).toEqual([]);
    expect(h.fake.requests).toHaveLength(0);
    expect((await h.api('/health')).status).toBe(200);
  }, 120_000);

  it('survives deep nesting, and a hostile chat id never becomes a path', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect((await post(`{"model":"helix-consultant","messages":${deep}}`)).status).toBe(400);
    const response = await post(chatBody('hi', { stream: false }), { 'x-helix-chat-id': '../../../etc/passwd\t$(id);%00' });
    expect(response.status).toBe(200);
    const session = h.core.sessions.findByChatId('../../../etc/passwd\t$(id);%00')!;
    expect(session.cwd.startsWith(h.dataDir)).toBe(true);
  });

  it('passes a prompt full of shell metacharacters to Claude Code as text: no shell runs it', async () => {
    const marker = `/tmp/helix-pwned-${process.pid}`;
    const prompt = `$(touch ${marker}) \`touch ${marker}\` ; touch ${marker} | && > ${marker} 'quote" \\`;
    const { events } = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody(prompt) }));
    expect(events.at(-1)).toBe('[DONE]');
    expect(existsSync(marker)).toBe(false);
    expect(lastUserText(h.fake.requests.at(-1)!)).toContain(prompt);
  });

  it('refuses a foreign Host on loopback (DNS rebinding), and allows loopback names', async () => {
    const url = new URL(h.core.apiBaseUrl);
    const status = (host: string): Promise<number> => statusWithHost(`${h.core.apiBaseUrl}/models`, host, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(await status(`127.0.0.1:${url.port}`)).toBe(200);
    expect(await status(`localhost:${url.port}`)).toBe(200);
    expect(await status('attacker.example:80')).toBe(403);
    expect(hostAllowed('host.docker.internal:8765', '172.17.0.1', 8765)).toBe(true);
  });
});

describe('stream-json fuzz', () => {
  it('parses and maps 5,000 generated lines without throwing', () => {
    const next = random(7);
    const parser = new StreamJsonParser();
    const mapper = new CliEventMapper('/w');
    const types = ['system', 'assistant', 'user', 'stream_event', 'result', 'unknown'];
    const keys = ['type', 'subtype', 'message', 'event', 'content', 'delta', 'text', 'index', 'usage', 'session_id'];
    for (let i = 0; i < 5000; i++) {
      const event = { type: types[Math.floor(next() * types.length)], ...(junk(next, keys) as object), message: junk(next, keys), event: junk(next, keys), subtype: junk(next, keys) };
      const line = next() < 0.1 ? JSON.stringify(event).slice(0, Math.floor(next() * 40)) : JSON.stringify(event);
      for (const parsed of parser.push(`${line}\n`)) if (parsed.kind === 'event') mapper.map(parsed.event);
    }
    expect(parser.end()).toEqual([]);
  });
});
