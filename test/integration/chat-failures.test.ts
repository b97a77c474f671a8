/**
 * Failing runs with the real `claude` CLI: upstream errors, a missing or crashing CLI, a client
 * that leaves, a run that takes too long. Each gives a clear error and leaves no process behind
 * (a client that leaves interrupts its turn: the chat's warm process stays, nothing it started).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { text } from '../support/fake-anthropic';
import { serverStillServes, streamError, streamFailure, type ErrorBody } from '../support/chat-checks';
import { chatBody, contentOf, processesAfter, readSse, harnessPerTest, type Harness } from '../support/helix-harness';

const start = harnessPerTest();

async function nonStreamError(h: Harness): Promise<{ status: number; error: ErrorBody['error'] }> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hello', { stream: false }) });
  return { status: response.status, error: ((await response.json()) as ErrorBody).error };
}

describe('upstream errors', () => {
  it('a rejected key (401) fails at once with a message naming the key variable, instead of 3 minutes of retries', async () => {
    const h = await start(() => ({ kind: 'error', status: 401, message: 'invalid x-api-key' }));
    const error = await streamError(h);
    expect(error.code).toBe('upstream_auth');
    expect(error.message).toContain('rejected the API key (HTTP 401)');
    expect(error.message).toContain('LOCAL_KEY');
    expect(h.fake.requests.length).toBeLessThanOrEqual(2);

    const { status, error: again } = await nonStreamError(h);
    expect(status).toBe(502);
    expect(again.code).toBe('upstream_auth');
    await serverStillServes(h);
  });

  it('a failing provider (500) is retried as configured, shown as progress, then reported', async () => {
    const h = await start(() => ({ kind: 'error', status: 500, message: 'Internal server error (fake)' }), {
      extraYaml: 'settings:\n  max_retries: 1\n',
    });
    const { error, events } = await streamFailure(h);
    expect(JSON.stringify(events)).toContain('Provider error (HTTP 500), retry 1 of 1');
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toMatch(/Provider "local" \(http:\/\/127\.0\.0\.1:\d+\) failed \(HTTP 500\) after 1 retries/);
    expect(h.fake.requests).toHaveLength(2);

    const { status } = await nonStreamError(h);
    expect(status).toBe(502);
    await serverStillServes(h);
  });
});

describe('the CLI itself', () => {
  it('a missing CLI gives a 503 that says how to install it, and the server keeps serving', async () => {
    const h = await start(() => text('unused'), { env: { HELIX_CLAUDE_BIN: '/nonexistent/claude' } });
    const { status, error } = await nonStreamError(h);
    expect(status).toBe(503);
    expect(error.code).toBe('cli_not_found');
    expect(error.message).toContain('HELIX_CLAUDE_BIN');
    expect((await streamError(h)).code).toBe('cli_not_found');
    expect((await h.api('/health')).status).toBe(200);
  });

  it('a CLI file that is not executable is named as such', async () => {
    const bin = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-noexec-')), 'claude');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const h = await start(() => text('unused'), { env: { HELIX_CLAUDE_BIN: bin } });
    const { status, error } = await nonStreamError(h);
    expect(status).toBe(503);
    expect(error.message).toContain(`HELIX_CLAUDE_BIN=${bin} (not executable: chmod +x it)`);
  });

  it('a CLI crashing mid-answer: what was relayed stays, then the crash is reported, and the server keeps serving', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-crash-'));
    // A real run's opening lines up to its first words, then a segfault.
    const lines = readFileSync(path.join(import.meta.dirname, '../fixtures/claude/text.jsonl'), 'utf8').split('\n');
    const upToText = lines.slice(0, lines.findIndex((l) => l.includes('"text_delta"')) + 1);
    writeFileSync(path.join(dir, 'start.jsonl'), `${upToText.join('\n')}\n`);
    const bin = path.join(dir, 'claude');
    writeFileSync(bin, `#!/bin/sh\ncat ${JSON.stringify(path.join(dir, 'start.jsonl'))}\necho "assertion failed: heap corrupted" >&2\nkill -SEGV $$\n`, { mode: 0o755 });
    const h = await start(() => text('unused'), { env: { HELIX_CLAUDE_BIN: bin } });
    const { events } = await readSse(await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Hello') }));
    const chunks = events.filter((e) => e !== '[DONE]') as Array<{ choices?: Array<{ delta: { content?: string } }>; error?: ErrorBody['error'] }>;
    const firstWords = (JSON.parse(upToText.at(-1)!) as { event: { delta: { text: string } } }).event.delta.text;
    expect(contentOf(events)).toBe(firstWords);
    expect(chunks.find((c) => c.error)?.error).toMatchObject({ code: 'cli_crashed', message: expect.stringContaining('signal SIGSEGV: assertion failed: heap corrupted') });
    expect(events.at(-1)).toBe('[DONE]');
    expect((await h.api('/health')).status).toBe(200);
    expect(await processesAfter(h, 2000)).toEqual([]);
  });

  it('a crashing CLI is reported with what it said on stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-crash-'));
    const bin = path.join(dir, 'claude');
    writeFileSync(bin, '#!/bin/sh\necho "not json at all"\necho "fatal: segment of doom" >&2\nexit 3\n');
    chmodSync(bin, 0o755);
    const h = await start(() => text('unused'), { env: { HELIX_CLAUDE_BIN: bin } });
    const error = await streamError(h);
    expect(error.code).toBe('cli_crashed');
    expect(error.message).toContain('exit code 3');
    expect(error.message).toContain('fatal: segment of doom');
    expect((await nonStreamError(h)).status).toBe(502);
  });
});

describe('ending runs', () => {
  it('a client that disconnects mid-run interrupts the turn: the chat keeps its warm process, which answers the next turn', async () => {
    const h = await start((req) => (req.index === 0 ? text('Hello.') : req.index === 1 ? { kind: 'hang' } : text('Back again.')));
    const headers = { 'x-helix-chat-id': 'leaver' };
    const hi = { role: 'user', content: 'Hi' };
    await readSse(await h.api('/v1/chat/completions', { method: 'POST', headers, body: chatBody('Hi') }));
    const [claude, ...others] = h.processesInDataDir();
    expect(others).toEqual([]);
    const controller = new AbortController();
    const hang = chatBody('', { messages: [hi, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Hang' }] });
    const response = await h.api('/v1/chat/completions', { method: 'POST', headers, body: hang, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('Claude Code is working')) seen += new TextDecoder().decode((await reader.read()).value);
    while (h.fake.requests.length < 2) await sleep(20);
    controller.abort();
    const session = h.core.sessions.findByChatId('leaver')!;
    await vi.waitFor(() => expect(session.turns[1]!.status).toBe('cancelled'), { timeout: 5000, interval: 50 });
    expect(h.processesInDataDir()).toEqual([claude]);

    // The client sends the history it shows (without the stopped answer) and a new message.
    const again = chatBody('', { messages: [hi, { role: 'assistant', content: 'Hello.' }, { role: 'user', content: 'Are you there?' }] });
    const next = await readSse(await h.api('/v1/chat/completions', { method: 'POST', headers, body: again }));
    expect(contentOf(next.events)).toBe('Back again.');
    expect(h.processesInDataDir()).toEqual([claude]);
  });

  it('a disconnect during a long Bash tool ends the tool, which runs in its own process group; the process stays warm', async () => {
    const h = await start(() => ({ kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: "python3 -c 'import time; time.sleep(37)'" } }] }), {
      role: '{ model: "local:claude-sonnet-4-5", allowed_tools: ["Bash"] }',
    });
    const controller = new AbortController();
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Sleep'), signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('Bash: python3')) seen += new TextDecoder().decode((await reader.read()).value);
    const sleeping = (): boolean => h.processesInDataDir().some((pid) => procCmdline(pid).includes('time.sleep(37)'));
    await vi.waitFor(() => expect(sleeping()).toBe(true), { timeout: 5000, interval: 50 });
    controller.abort();
    await vi.waitFor(() => expect(h.processesInDataDir().map(procCmdline)).toEqual([expect.stringContaining('claude')]), { timeout: 3000, interval: 50 });
  });

  it('a run over the time limit is stopped and the client is told why', async () => {
    const h = await start(() => ({ kind: 'hang' }), { extraYaml: 'settings:\n  run_timeout_seconds: 1\n' });
    const error = await streamError(h);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('time limit of 1 s');
    expect(error.message).toContain('run_timeout_seconds');
    expect(await processesAfter(h, 2000)).toEqual([]);
  });
});

function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
