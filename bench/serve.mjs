// Starts the built headless server (out/main/serve.js) for a benchmark, in a data dir of the
// benchmark's own, and waits until it prints its API and control-panel addresses; or the same
// with bench/fake-claude.mjs as its `claude`, and sends it chat turns.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVE = path.join(here, '..', 'out', 'main', 'serve.js');
export const FAKE_CLAUDE = path.join(here, 'fake-claude.mjs');
export const KEY = 'sk-bench';
/** Role `bench` (model `helix-bench`); the provider is never called, as the fake claude answers. */
export const CONFIG = 'providers:\n  p:\n    type: anthropic\n    base_url: http://127.0.0.1:9\ndefaults:\n  bench: "p:m"\n';

/**
 * `config`: the llm-providers.yaml text; `dir`: an existing folder to use (its data/ and
 * llm-providers.yaml), else a new one, removed on stop.
 */
export async function startServe({ config, env = {}, dir = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-')) }) {
  const configFile = path.join(dir, 'llm-providers.yaml');
  if (config) writeFileSync(configFile, config);
  const child = spawn('node', [SERVE, '--port', '0', '--config', configFile, '--data-dir', path.join(dir, 'data')], { env: { ...process.env, ...env } });
  const { port, controlUrl } = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const api = /http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(out);
      const control = /control panel: (\S+)/.exec(out);
      if (api && control) resolve({ port: Number(api[1]), controlUrl: control[1] });
    });
    child.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  return {
    port,
    controlUrl,
    pid: child.pid,
    /** `keep`: the folder stays, for another start on it. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The server running bench/fake-claude.mjs as its `claude`. `maxRuns`: its run slots;
 * `extra`: more llm-providers.yaml.
 */
export function startFakeServe({ env = {}, dir, maxRuns, extra = '' } = {}) {
  const settings = maxRuns ? `settings:\n  max_concurrent_runs: ${maxRuns}\n` : '';
  return startServe({ config: `${CONFIG}${settings}${extra}`, env: { ...env, HELIX_API_KEY: KEY, HELIX_CLAUDE_BIN: FAKE_CLAUDE }, dir });
}

/** One chat turn to such a server (without a chat id if none is given); resolves when the response has ended, with its status and body. */
export function chat(port, { chatId, content = 'go', stream, agent }) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'helix-bench', stream, messages: [{ role: 'user', content }] });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(chatId === undefined ? {} : { 'x-helix-chat-id': chatId }) };
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
