/**
 * The real `claude` CLI behind our server, against a scripted fake Anthropic API:
 * what an Open WebUI-style streaming client sees (other clients: clients.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasToolResults, lastUserText, text, type Script } from '../support/fake-anthropic';
import { chatBody, contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A header Open WebUI sends (with ENABLE_FORWARD_USER_INFO_HEADERS): its requests get status events. */
const OPEN_WEBUI = { 'x-openwebui-user-id': 'user-1' };

type Chunk = Record<string, unknown> & { choices?: Array<{ delta?: Record<string, unknown>; finish_reason?: string | null }> };

/** Reads the stream as it arrives, noting when each payload came. */
async function readTimed(response: Response): Promise<Array<{ at: number; data: Chunk | '[DONE]' }>> {
  const out: Array<{ at: number; data: Chunk | '[DONE]' }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('data: ')) out.push({ at: Date.now(), data: line === 'data: [DONE]' ? '[DONE]' : JSON.parse(line.slice(6)) });
    }
  }
  return out;
}

const statusesOf = (chunks: Array<Chunk | '[DONE]'>): Array<{ description: string; done: boolean }> =>
  chunks.flatMap((c) => (c !== '[DONE]' && c.event ? [(c.event as { data: { description: string; done: boolean } }).data] : []));

async function start(script: Script, options?: Parameters<typeof startHarness>[1]): Promise<Harness> {
  harness = await startHarness(script, options);
  return harness;
}

describe('streaming a turn through the real claude CLI', () => {
  it('sends the first chunk before Claude Code starts, then the answer token by token', async () => {
    const answer = 'Streaming works: each small piece of this sentence arrives on its own.';
    const h = await start(() => text(answer, { chunkSize: 6, delayMs: 40 }));
    const sent = Date.now();
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Say something'), headers: OPEN_WEBUI });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const chunks = await readTimed(response);

    const first = chunks[0]!;
    expect(first.data).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { role: 'assistant' } }] });
    expect(chunks[1]!.data).toMatchObject({ event: { type: 'status', data: { done: false } } });
    // Claude Code takes ~0.3 s to reach the provider; the client heard from us before that.
    expect(first.at).toBeLessThan(h.fake.requests[0]!.receivedAt);
    expect(first.at - sent).toBeLessThan(h.fake.requests[0]!.receivedAt - sent);

    const pieces = chunks.filter((c) => c.data !== '[DONE]' && c.data.choices?.[0]?.delta?.content);
    expect(contentOf(chunks.map((c) => c.data))).toBe(answer);
    expect(pieces.length).toBeGreaterThanOrEqual(answer.length / 6 - 1);
    // Relayed as it came, not buffered: the pieces arrive spread over the upstream's pacing.
    expect(pieces.at(-1)!.at - pieces[0]!.at).toBeGreaterThan(200);

    const data = chunks.map((c) => c.data);
    expect(data.at(-1)).toBe('[DONE]');
    const finish = data.at(-2) as Chunk;
    expect(finish.choices?.[0]?.finish_reason).toBe('stop');
    expect(finish).not.toHaveProperty('usage'); // not asked for
    expect(statusesOf(data).at(-1)).toMatchObject({ done: true, description: expect.stringMatching(/^Done in/) });
    // Claude Code received the user's message on stdin.
    expect(lastUserText(h.fake.requests[0]!)).toContain('Say something');
  });

  it('shows Read and Bash calls and their outcomes as progress before the answer, never as tool_calls', async () => {
    // A role with a fixed project directory: Claude Code runs there, and may read it.
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
    writeFileSync(`${workspace}/notes.txt`, 'hello\nworld\n');
    const h = await start(() => text('not used'), { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
    h.fake.setScript((req) =>
      hasToolResults(req)
        ? text('The file says hello.')
        : {
            kind: 'message',
            blocks: [
              { type: 'thinking', thinking: 'I should read the file first.' },
              { type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/notes.txt` } },
              { type: 'tool_use', name: 'Bash', input: { command: 'echo from-bash', description: 'echo' } },
            ],
          },
    );

    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Read notes.txt and run echo'), headers: OPEN_WEBUI });
    const { events } = await readSse(response);
    const statuses = statusesOf(events as Chunk[]).map((s) => s.description);
    expect(statuses).toEqual(
      expect.arrayContaining(['Read notes.txt', 'Read notes.txt — 3 lines', 'Bash: echo from-bash', 'Bash: echo from-bash — exit 0']),
    );
    // Both tool outcomes are shown before any of the answer.
    const firstAnswer = events.findIndex((e) => e !== '[DONE]' && (e as Chunk).choices?.[0]?.delta?.content);
    const lastTool = events.findLastIndex((e) => e !== '[DONE]' && JSON.stringify(e).includes('— exit 0'));
    expect(lastTool).toBeGreaterThan(0);
    expect(lastTool).toBeLessThan(firstAnswer);
    expect(contentOf(events as Chunk[])).toBe('The file says hello.');
    const reasoning = (events as Chunk[]).map((e) => String(e.choices?.[0]?.delta?.reasoning_content ?? '')).join('');
    expect(reasoning).toBe('I should read the file first.');
    expect(JSON.stringify(events)).not.toContain('tool_calls');
    // The tools really ran: their results went back upstream.
    const results = JSON.stringify(h.fake.requests[1]!.body.messages);
    expect(results).toContain('from-bash');
    expect(results).toContain('world');
  });

  it('puts the real usage and cost in the final chunk when include_usage is set', async () => {
    const h = await start(() => text('Counted.', { usage: { input: 321, output: 54 } }));
    const response = await h.api('/v1/chat/completions', {
      method: 'POST',
      body: chatBody('Count', { stream_options: { include_usage: true } }),
    });
    const { events } = await readSse(response);
    const withUsage = events.filter((e) => e !== '[DONE]' && 'usage' in e) as Array<{ usage: Record<string, number> }>;
    expect(withUsage).toHaveLength(1); // once: Open WebUI adds up repeated usage
    expect(withUsage[0]!.usage).toMatchObject({ prompt_tokens: 321, completion_tokens: 54, total_tokens: 375 });
    expect(withUsage[0]!.usage.cost).toBeGreaterThan(0);
  });

  it('follows X-Helix-Progress: markdown puts steps in the content, none sends the answer only', async () => {
    const script: Script = (req) =>
      hasToolResults(req) ? text('Answer.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo x' } }] };
    const h = await start(script);
    const markdown = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Go'), progress: 'markdown' }));
    expect(statusesOf(markdown.events as Chunk[])).toEqual([]);
    const md = contentOf(markdown.events as Chunk[]);
    expect(md).toContain('▸ Bash: echo x — exit 0');
    expect(md.endsWith('Answer.')).toBe(true);

    const none = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Go'), progress: 'none' }));
    expect(statusesOf(none.events as Chunk[])).toEqual([]);
    expect(contentOf(none.events as Chunk[])).toBe('Answer.');
    expect(JSON.stringify(none.events)).not.toContain('reasoning_content');

    const bad = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Go'), progress: 'fancy' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('X-Helix-Progress');
  });

  it('sends keep-alive comments while Claude Code is silent', async () => {
    const h = await start(() => text('Late answer.', { delayMs: 700, chunkSize: 100 }), {
      extraYaml: 'settings:\n  keepalive_seconds: 0.2\n',
    });
    const { comments, events } = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Wait') }));
    expect(comments.filter((c) => c === ': keepalive').length).toBeGreaterThanOrEqual(2);
    expect(contentOf(events as Chunk[])).toBe('Late answer.');
  });
});
