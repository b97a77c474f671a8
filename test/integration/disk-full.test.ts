/**
 * The data dir filling up, with the real CLI. serve runs in a mount namespace of its own whose data
 * dir is a 1 MiB tmpfs, so the kernel itself answers "no space left on device"; the test reaches
 * that tmpfs through /proc/<pid>/root to fill it and free it.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog } from '../../main/sessions/event-log';
import { listDescendants } from '../../main/platform/process-tree';
import { FakeAnthropic, lastUserText } from '../support/fake-anthropic';
import { buildServeIfMissing, serveReady } from '../support/serve-process';

const root = mkdtempSync(path.join(os.tmpdir(), 'helix-full-'));
const DATA = path.join(root, 'data');
const LONG_ANSWER = 'All work and no play. '.repeat(20_000); // 440 KB

/** The command that gives serve its own mount namespace (a user namespace too when not root). */
function namespacePrefix(): string[] | undefined {
  const unshare = process.getuid?.() === 0 ? ['unshare', '--mount'] : ['unshare', '--user', '--map-root-user', '--mount'];
  try {
    execFileSync(unshare[0]!, [...unshare.slice(1), 'sh', '-c', `mount -t tmpfs -o size=64k helix-probe ${JSON.stringify(root)}`], { stdio: 'ignore' });
    return [...unshare, 'sh', '-c', 'mount -t tmpfs -o size=1m helix-full "$0" && exec "$@"', DATA];
  } catch {
    return undefined;
  }
}

const prefix = process.platform === 'linux' ? namespacePrefix() : undefined;
if (!prefix) console.warn('disk-full test skipped: this machine cannot give a process a mount namespace with a tmpfs of its own (unshare).');

let fake: FakeAnthropic;
beforeAll(async () => {
  await buildServeIfMissing();
  mkdirSync(DATA);
  fake = await new FakeAnthropic((req) => ({
    kind: 'message',
    blocks: [{ type: 'text', text: lastUserText(req).includes('long') ? LONG_ANSWER : 'Short answer.' }],
    chunkSize: 4000,
  })).start();
}, 120_000);
afterAll(async () => {
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Writes into the tmpfs until it is full, then gives `slack` bytes back. */
function fill(dataDir: string, slack: number): string {
  const filler = path.join(dataDir, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  const size = readFileSync(filler).length;
  writeFileSync(filler, Buffer.alloc(Math.max(0, size - slack), 1));
  return filler;
}

describe.skipIf(!prefix)('a full data dir', () => {
  it('fails the run it stops with a clear 507, refuses new chats the same way, keeps serving, and loses nothing recorded before', async () => {
    const config = path.join(root, 'llm-providers.yaml');
    writeFileSync(config, `providers:\n  local:\n    type: anthropic\n    base_url: ${fake.url}\n    api_key_env: LOCAL_KEY\ndefaults:\n  consultant: "local:m"\n`);
    const env = { HELIX_API_KEY: 'k', LOCAL_KEY: 'x', HOME: path.join(root, 'home') };
    const { url, proc } = await serveReady(['--port', '0', '--config', config, '--data-dir', DATA], env, prefix);
    const seen = `/proc/${proc.pid}/root${DATA}`; // the data dir as the server sees it
    const client = new OpenAI({ baseURL: url, apiKey: 'k', maxRetries: 0 });
    const chat = (chatId: string, content: string) =>
      client.chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content }] }, { headers: { 'X-Helix-Chat-Id': chatId } });
    try {
      expect(readdirSync(seen)).toContain('sessions'); // the tmpfs, not the folder under it
      const first = await chat('full', 'hello');
      expect(first.choices[0]?.message.content).toBe('Short answer.');

      // The disk fills while the answer is being written to the session's log.
      const filler = fill(seen, 32 * 1024);
      const stopped = await chat('full', 'a long one please').catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(OpenAI.APIError);
      expect((stopped as InstanceType<typeof OpenAI.APIError>).status).toBe(507);
      expect((stopped as Error).message).toContain('Helix could not write to its data dir');
      expect((stopped as Error).message).toContain('no space left on device');
      expect(listDescendants(proc.pid!)).toEqual([]); // its claude was stopped

      // Nothing is left at all now: a new chat is refused before anything runs, the same way.
      fill(seen, 0);
      for (const [chatId, content] of [['another', 'hello'], ['full', 'are you there?']]) {
        const refused = await chat(chatId!, content!).catch((error: unknown) => error);
        expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(507);
      }
      expect(fake.requests).toHaveLength(2); // two CLI calls of the first two turns; none for these
      const health = await fetch(`${url.replace(/\/v1$/, '')}/health`, { headers: { authorization: 'Bearer k' } });
      expect(health.status).toBe(200);
      expect(((await health.json()) as { data_dir: { free_bytes: number } }).data_dir.free_bytes).toBeLessThan(16 * 1024); // said, too

      // Space again: the chat goes on where it was, and everything recorded before is intact.
      rmSync(filler);
      const after = await chat('full', 'and now?');
      expect(after.choices[0]?.message.content).toBe('Short answer.');
      const [sessionId, ...others] = readdirSync(path.join(seen, 'sessions'));
      expect(others).toEqual([]); // the refused new chat left no session behind, the refused message no turn
      // The session's file is written off the event loop, just after the answer.
      const read = () => JSON.parse(readFileSync(path.join(seen, 'sessions', sessionId!, 'session.json'), 'utf8')) as { turns: Array<{ status: string; error?: string }> };
      await expect.poll(() => read().turns.map((t) => t.status)).toEqual(['done', 'failed', 'done']);
      const session = read();
      expect(session.turns[1]?.error).toContain('storage_failed');
      const log = readLog(path.join(seen, 'sessions', sessionId!, 'events.ndjson'));
      const prompts = log.filter((r) => r.type === 'prompt').map((r) => r.text);
      expect(prompts).toEqual(['hello', 'a long one please', 'and now?']);
    } finally {
      proc.kill('SIGTERM');
      await proc;
    }
  });
});
