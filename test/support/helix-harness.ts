/**
 * Starts the real core against a fake Anthropic upstream, with the real `claude` CLI, in a
 * throwaway data dir and HOME. Everything listens on 127.0.0.1 and is torn down by close().
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach } from 'vitest';
import { startHelixCore, type HelixCore } from '../../main/app/helix-core';
import { FakeAnthropic, type Script } from './fake-anthropic';

export interface Harness {
  /** Replaceable, to restart the core on the same data dir. */
  core: HelixCore;
  /** The environment the core runs with (throwaway HOME, keys). */
  env: NodeJS.ProcessEnv;
  fake: FakeAnthropic;
  dataDir: string;
  /** Fetch against the server with the API key. */
  api(pathname: string, init?: RequestInit & { progress?: string }): Promise<Response>;
  /** Pids of processes whose working directory is inside this harness's data dir. */
  processesInDataDir(): number[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra YAML appended to the config (settings, more roles). */
  extraYaml?: string;
  /** More providers (YAML, indented under `providers:`). */
  extraProviders?: string;
  /** Role definition for `consultant` (default: the local provider, model claude-sonnet-4-5). */
  role?: string;
  env?: Record<string, string>;
}

export const API_KEY = 'sk-helix-test-key';

/** A harness per test: `start` starts one, closed after the test that started it. */
export function harnessPerTest(): (script: Script, options?: HarnessOptions) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (script, options) => (current = await startHarness(script, options));
}

export async function startHarness(script: Script, options: HarnessOptions = {}): Promise<Harness> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'helix-test-'));
  const fake = await new FakeAnthropic(script).start();
  const configPath = path.join(root, 'llm-providers.yaml');
  writeFileSync(
    configPath,
    `providers:
  local:
    type: anthropic
    base_url: ${fake.url}
    api_key_env: LOCAL_KEY
    models: [claude-sonnet-4-5, claude-opus-4-1]
${options.extraProviders ?? ''}
defaults:
  consultant: ${options.role ?? '"local:claude-sonnet-4-5"'}
${options.extraYaml ?? ''}`,
  );
  const dataDir = path.join(root, 'data');
  const env = { ...process.env, HOME: path.join(root, 'home'), LOCAL_KEY: 'sk-fake-upstream', HELIX_API_KEY: API_KEY, ...options.env };
  const core = await startHelixCore({ dataDir, configPath, host: '127.0.0.1', port: 0, env });

  const harness: Harness = {
    core,
    env,
    fake,
    dataDir,
    api(pathname, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${API_KEY}`);
      if (init.body) headers.set('content-type', 'application/json');
      if (init.progress) headers.set('x-helix-progress', init.progress);
      return fetch(`${harness.core.apiBaseUrl.replace(/\/v1$/, '')}${pathname}`, { ...init, headers });
    },
    processesInDataDir: () => processesUnder(root),
    async close() {
      await harness.core.close();
      await fake.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return harness;
}

function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export type SseEvent = Record<string, unknown> | '[DONE]';

/** Reads an SSE body into its data payloads (parsed JSON or "[DONE]") and comment lines. */
export async function readSse(response: Response): Promise<{ events: SseEvent[]; comments: string[] }> {
  return parseSse(await response.text());
}

/** Splits SSE text into its data payloads (parsed JSON or "[DONE]") and comment lines. */
export function parseSse(body: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('data: ')) {
      const data = line.slice(6);
      events.push(data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>));
    } else if (line.startsWith(':')) comments.push(line);
  }
  return { events, comments };
}

/** The answer text of a stream: its chunks' `delta.content`, joined (status and other events add nothing). */
export function contentOf(events: SseEvent[]): string {
  return events.map((e) => (e === '[DONE]' ? '' : ((e.choices as Array<{ delta: { content?: string } }> | undefined)?.[0]?.delta.content ?? ''))).join('');
}

/** Waits up to `ms` for the data dir to hold no running process; returns what is left. */
export async function processesAfter(h: Harness, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = h.processesInDataDir();
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = h.processesInDataDir();
  }
  return left;
}

export const chatBody = (content: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content }], ...extra });
