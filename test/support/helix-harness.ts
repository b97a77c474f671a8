/**
 * Starts the real core against a fake Anthropic upstream, with the real `claude` CLI, in a
 * throwaway data dir and HOME. Everything listens on 127.0.0.1 and is torn down by close().
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHelixCore, type HelixCore } from '../../main/core/helix-core';
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

/** Reads an SSE body into its data payloads (parsed JSON or "[DONE]") and comment lines. */
export async function readSse(response: Response): Promise<{ events: Array<Record<string, unknown> | '[DONE]'>; comments: string[] }> {
  const events: Array<Record<string, unknown> | '[DONE]'> = [];
  const comments: string[] = [];
  const body = await response.text();
  for (const line of body.split('\n')) {
    if (line.startsWith('data: ')) {
      const data = line.slice(6);
      events.push(data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>));
    } else if (line.startsWith(':')) comments.push(line);
  }
  return { events, comments };
}

export const chatBody = (content: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content }], ...extra });
