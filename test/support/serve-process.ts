/** The built `npm run serve` entry (out/main/serve.js), run as a separate process the way a user runs it. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { execa, type ResultPromise } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SERVE = path.join(ROOT, 'out/main/serve.js');

export async function buildServeIfMissing(): Promise<void> {
  if (!existsSync(SERVE)) await execa('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: ROOT });
}

export type ServeProcess = ResultPromise<{ reject: false; env: Record<string, string> }>;

/**
 * `env` is added to this process's own, without HELIX_API_KEY unless given; `prefix` runs serve
 * under another command (e.g. in a mount namespace of its own).
 */
export function serve(args: string[], env: Record<string, string> = {}, prefix: string[] = []): ServeProcess {
  const base = { ...process.env, ...env };
  if (!('HELIX_API_KEY' in env)) delete base.HELIX_API_KEY;
  const [command, ...rest] = [...prefix, 'node', SERVE, ...args];
  return execa(command!, rest, { reject: false, env: base as Record<string, string>, extendEnv: false });
}

/** Starts serve and resolves once it prints its API base URL. */
export async function serveReady(
  args: string[],
  env?: Record<string, string>,
  prefix?: string[],
): Promise<{ url: string; proc: ServeProcess; output: () => string }> {
  const proc = serve(args, env, prefix);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/[\d.]+:\d+\/v1/.exec(output);
      if (match) resolve(match[0]);
    });
    void proc.then((result) => reject(new Error(`serve exited: ${result.stderr}`)));
  });
  return { url, proc, output: () => output };
}

/**
 * A throwaway folder for a test file's serve processes, with a config whose only provider
 * listens nowhere (nothing runs against it); built before the file's tests, removed after.
 */
export function serveScratch(prefix: string): { root: string; config: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = path.join(root, 'llm-providers.yaml');
  beforeAll(async () => {
    await buildServeIfMissing();
    writeFileSync(config, 'providers:\n  local:\n    type: anthropic\n    base_url: http://127.0.0.1:9\n    models: [m]\ndefaults:\n  consultant: "local:m"\n');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return { root, config };
}
