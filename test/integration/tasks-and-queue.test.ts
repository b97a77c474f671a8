/**
 * Open WebUI's background tasks (never a Claude Code run), the run queue, one turn at a time per
 * chat, and runs that finish after their client left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestEntry } from '../../common/control';
import { text, type FakeRequest } from '../support/fake-anthropic';
import { chatBody, contentOf, parseSse, readSse, startHarness, type Harness } from '../support/helix-harness';
import { defaultTemplate, renderTaskPrompt } from '../support/open-webui-prompts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const TITLE_PROMPT = `### Task:
Generate a concise title summarizing the chat history.
### Output:
JSON format: { "title": "your concise title here" }
<chat_history>
USER: How do I reverse a linked list in Rust?
ASSISTANT: Use an iterative approach.
</chat_history>`;

const fromCli = (req: FakeRequest): boolean => String(req.headers['user-agent']).startsWith('claude-cli');

async function task(h: Harness, prompt: string, headers: Record<string, string> = {}, stream = false): Promise<{ status: number; content: string }> {
  const response = await h.api('/v1/chat/completions', {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'helix-consultant', stream, max_tokens: 1000, messages: [{ role: 'user', content: prompt }] }),
  });
  if (stream) {
    const { events } = await readSse(response);
    return { status: response.status, content: contentOf(events) };
  }
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  return { status: response.status, content: body.choices[0]!.message.content };
}

describe('background tasks', () => {
  it('a title task (X-Helix-Task) is one short direct request to the provider, logged as a task of the chat', async () => {
    const h = (harness = await startHarness(() => text('{"title": "Reversing Linked Lists in Rust"}')));
    const { status, content } = await task(h, TITLE_PROMPT, { 'x-helix-task': 'title_generation', 'x-helix-chat-id': 'c1' });
    expect(status).toBe(200);
    expect(JSON.parse(content)).toEqual({ title: 'Reversing Linked Lists in Rust' });
    expect(h.fake.requests).toHaveLength(1);
    const request = h.fake.requests[0]!;
    expect(fromCli(request)).toBe(false);
    expect(request.body.model).toBe('claude-sonnet-4-5');
    expect(request.body.stream).toBeUndefined();
    expect(request.headers['x-api-key']).toBe('sk-fake-upstream');
    expect(h.processesInDataDir()).toEqual([]);

    const session = h.core.sessions.findByChatId('c1')!;
    expect(session.title).toBe('Reversing Linked Lists in Rust');
    expect(session.turns).toEqual([]); // a task, not a run
    // The panel lists it with the other requests.
    expect((h.core.control.handlers['requests:list']() as RequestEntry[]).filter((r) => r.path === '/v1/chat/completions')).toMatchObject([{ source: 'api', status: 200, model: 'helix-consultant' }]);
  });

  it('is recognised from its prompt without the header', async () => {
    const h = (harness = await startHarness(() => text('{"tags": ["Programming", "Rust"]}')));
    const tagsPrompt = '### Task:\nGenerate 1-3 broad tags categorizing the main themes of the chat history.\n<chat_history>\nUSER: hi\n</chat_history>';
    expect(JSON.parse((await task(h, tagsPrompt)).content)).toEqual({ tags: ['Programming', 'Rust'] });
    expect(h.fake.requests.every((r) => !fromCli(r))).toBe(true);
  });

  it('with a dead provider, is answered locally in the shape Open WebUI parses', async () => {
    const h = (harness = await startHarness(() => ({ kind: 'error', status: 500 })));
    expect(JSON.parse((await task(h, TITLE_PROMPT, { 'x-helix-task': 'title_generation' })).content)).toEqual({
      title: 'How do I reverse a linked list in Rust?',
    });
    expect(JSON.parse((await task(h, 'anything', { 'x-helix-task': 'follow_up_generation' })).content)).toEqual({ follow_ups: [] });
    expect(JSON.parse((await task(h, 'anything', { 'x-helix-task': 'tags_generation' }, true)).content)).toEqual({ tags: [] });
    expect(h.fake.requests.every((r) => !fromCli(r))).toBe(true);
  });

  it('a provider answer without the JSON Open WebUI needs is replaced by a local one', async () => {
    const h = (harness = await startHarness(() => text('Sure! Here is a title: Rust lists')));
    expect(JSON.parse((await task(h, TITLE_PROMPT, { 'x-helix-task': 'title_generation' })).content)).toEqual({
      title: 'How do I reverse a linked list in Rust?',
    });
  });
});

describe('background tasks of other Open WebUI releases and custom templates', () => {
  const prompt = (release: Parameters<typeof defaultTemplate>[0], task: Parameters<typeof defaultTemplate>[1]): string => renderTaskPrompt(defaultTemplate(release, task) as string);

  it('the 0.5–0.10 title prompt (no header) is a title task: one direct request, no Claude Code run, and it names the session', async () => {
    const h = (harness = await startHarness(() => text('{"title": "🦀 Rust Linked Lists"}')));
    const { content } = await task(h, prompt('0.6.30', 'title'), { 'x-helix-chat-id': 'old-owui' });
    expect(JSON.parse(content)).toEqual({ title: '🦀 Rust Linked Lists' });
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.requests.every((r) => !fromCli(r))).toBe(true);
    const session = h.core.sessions.findByChatId('old-owui')!;
    expect(session.turns).toEqual([]);
    expect(session.title).toBe('🦀 Rust Linked Lists');
  });

  it('the title prompt of Open WebUI before 0.5.9 asks for plain text, and gets plain text (from the provider, or locally)', async () => {
    const h = (harness = await startHarness(() => text('  🦀 Rust Linked Lists\n')));
    expect((await task(h, prompt('0.5.3', 'title'))).content).toBe('🦀 Rust Linked Lists');
    expect(h.fake.requests.every((r) => !fromCli(r))).toBe(true);

    const dead = await startHarness(() => ({ kind: 'error', status: 500 }));
    try {
      expect((await task(dead, prompt('0.5.3', 'title'))).content).toBe("How do I reverse a linked list in Rust? It's for…");
      expect(dead.fake.requests.every((r) => !fromCli(r))).toBe(true);
    } finally {
      await dead.close();
    }
  });

  it('a valid provider answer to the 0.10 follow-ups prompt is passed on, as the JSON Open WebUI reads from it', async () => {
    const h = (harness = await startHarness(() => text('```json\n{ "follow_ups": ["Is recursion better?", "What about doubly linked lists?"] }\n```')));
    expect(JSON.parse((await task(h, prompt('0.10.2', 'follow_ups'))).content)).toEqual({ follow_ups: ['Is recursion better?', 'What about doubly linked lists?'] });
  });

  it('provider answers Open WebUI would not accept are replaced by the local answer', async () => {
    const answers: Record<string, string> = {
      tags: '{"tags": "Rust"}', // not a list
      follow_ups: 'Here are some follow-ups: 1. Why? 2. How?', // no JSON
      queries: '{"queries": "rust linked list"}', // not a list
    };
    const h = (harness = await startHarness((req) => text(answers[Object.keys(answers).find((k) => JSON.stringify(req.body).includes(`\\"${k}\\"`))!]!)));
    expect(JSON.parse((await task(h, prompt('0.5.20', 'tags'))).content)).toEqual({ tags: [] });
    expect(JSON.parse((await task(h, prompt('0.6.30', 'follow_ups'))).content)).toEqual({ follow_ups: [] });
    expect(JSON.parse((await task(h, prompt('0.10.2', 'queries'))).content)).toEqual({ queries: [] });
    expect(h.fake.requests).toHaveLength(3);
    expect(h.fake.requests.every((r) => !fromCli(r))).toBe(true);
  });

  it('a custom template asking for {"title": …} gets a title even when the provider answers in prose', async () => {
    const h = (harness = await startHarness(() => text('Rust lists')));
    const custom = renderTaskPrompt('### Task:\nName this chat.\n### Output:\nReturn only {"title": "…"}\n<chat_history>\n{{MESSAGES:END:2}}\n</chat_history>');
    expect(JSON.parse((await task(h, custom, { 'x-helix-chat-id': 'custom' })).content)).toEqual({ title: "How do I reverse a linked list in Rust? It's for…" });
    expect(h.core.sessions.findByChatId('custom')!.title).toBe("How do I reverse a linked list in Rust? It's for…");
  });

  it('a streamed chat whose message merely contains a task prompt is a Claude Code run', async () => {
    const h = (harness = await startHarness(() => text('Here is my review.')));
    const { content } = await task(h, `### Task:\nReview this template:\n${prompt('0.10.2', 'title')}`, { 'x-helix-chat-id': 'real-chat' }, true);
    expect(content).toBe('Here is my review.');
    expect(h.fake.requests.some(fromCli)).toBe(true);
    expect(h.core.sessions.findByChatId('real-chat')!.turns).toHaveLength(1);
  });
});

describe('the run queue', () => {
  it('runs at most max_concurrent_runs at once and shows the others their place in the queue', async () => {
    const h = (harness = await startHarness(() => text('Slow answer.', { delayMs: 150, chunkSize: 3 }), {
      extraYaml: 'settings:\n  max_concurrent_runs: 1\n',
    }));
    const start = (chat: string): Promise<string> =>
      h
        .api('/v1/chat/completions', {
          method: 'POST',
          headers: { 'x-helix-chat-id': chat },
          body: chatBody(chat),
        })
        .then((r) => r.text());
    const first = start('first');
    await sleep(100);
    const second = start('second');
    const [a, b] = await Promise.all([first, second]);
    expect(a).not.toContain('Queued');
    expect(b).toContain('Queued: 1 of 1 waiting for a free run slot');
    expect(b).toContain('Slow answer.'.slice(0, 3));
    expect(contentOf(parseSse(b).events)).toBe('Slow answer.');
    // One after the other: the second run reached the provider after the first one finished.
    const times = h.fake.requests.map((r) => r.receivedAt);
    expect(times[1]! - times[0]!).toBeGreaterThan(4 * 150);
  });

  it('a second turn for a busy chat waits for the first, and says so', async () => {
    const h = (harness = await startHarness(() => text('Done.', { delayMs: 150, chunkSize: 2 })));
    const send = (content: string): Promise<string> =>
      h
        .api('/v1/chat/completions', {
          method: 'POST',
          headers: { 'x-helix-chat-id': 'busy' },
          body: chatBody(content),
        })
        .then((r) => r.text());
    const first = send('one');
    await sleep(100);
    const second = await send('two');
    await first;
    expect(second).toContain("Waiting for this chat's previous turn to finish");
    const session = h.core.sessions.findByChatId('busy')!;
    expect(session.turns.map((t) => t.status)).toEqual(['done', 'done']);
    expect(h.fake.requests[1]!.receivedAt).toBeGreaterThan(Date.parse(session.turns[0]!.endedAt!) - 50);
  });
});

describe('concurrent chats', () => {
  it('two clients sending the same first message at once get a session each, and neither waits', async () => {
    const h = (harness = await startHarness(() => text('Same answer.', { delayMs: 100, chunkSize: 4 })));
    const body = chatBody('hello');
    const [a, b] = await Promise.all([1, 2].map(() => h.api('/v1/chat/completions', { method: 'POST', body }).then((r) => r.text())));
    expect(a).not.toContain('Waiting');
    expect(b).not.toContain('Waiting');
    // Two sessions, neither queued behind the other's session lock.
    expect(h.core.sessions.list()).toHaveLength(2);
    expect(h.core.sessions.list().every((s) => s.turns.length === 1 && s.turns[0]!.status === 'done')).toBe(true);
  });
});

describe('on_disconnect', () => {
  it('finish: the run completes after the client leaves, and the retry gets the recorded answer without a new run', async () => {
    const h = (harness = await startHarness(() => text('The full answer, finished without you.', { delayMs: 60, chunkSize: 4 }), {
      extraYaml: 'settings:\n  on_disconnect: finish\n',
    }));
    const body = chatBody('Long task');
    const controller = new AbortController();
    const response = await h.api('/v1/chat/completions', { method: 'POST', body, headers: { 'x-helix-chat-id': 'leaver' }, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('"content":"The ')) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();

    const session = h.core.sessions.findByChatId('leaver')!;
    await expect.poll(() => session.turns[0]!.status, { timeout: 10_000, interval: 50 }).toBe('done');
    expect(session.turns[0]).toMatchObject({ status: 'done', delivered: false, assistant: 'The full answer, finished without you.' });

    const retry = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body, headers: { 'x-helix-chat-id': 'leaver' } }));
    expect(contentOf(retry.events)).toBe('The full answer, finished without you.');
    expect(h.fake.requests.filter(fromCli)).toHaveLength(1);
    expect(session.turns).toHaveLength(1);
    expect(session.turns[0]!.delivered).toBe(true);
  });

  it('finish: a retry while the run still goes on joins it', async () => {
    const h = (harness = await startHarness(() => text('Joined answer arrives slowly.', { delayMs: 80, chunkSize: 3 }), {
      extraYaml: 'settings:\n  on_disconnect: finish\n',
    }));
    const body = chatBody('Join me');
    const controller = new AbortController();
    const response = await h.api('/v1/chat/completions', { method: 'POST', body, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('"content":"Joi')) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await sleep(50);
    const retry = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body }));
    expect(contentOf(retry.events)).toBe('Joined answer arrives slowly.');
    expect(h.fake.requests.filter(fromCli)).toHaveLength(1);
  });

  it('cancel (the default): leaving ends the run, and the turn is recorded as cancelled', async () => {
    const h = (harness = await startHarness(() => ({ kind: 'hang' })));
    const controller = new AbortController();
    const response = await h.api('/v1/chat/completions', {
      method: 'POST',
      headers: { 'x-helix-chat-id': 'stopper' },
      body: chatBody('x'),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (h.fake.requests.length === 0) await Promise.race([reader.read(), sleep(50)]);
    controller.abort();
    const session = h.core.sessions.findByChatId('stopper')!;
    // A turn ends once: after 'running' its status no longer changes, so waiting for 'cancelled' is waiting for it to end.
    await expect.poll(() => session.turns[0]!.status, { timeout: 5000, interval: 50 }).toBe('cancelled');
  });
});
