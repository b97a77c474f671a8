// Starts the built headless server (out/main/serve.js) for a benchmark, in a data dir of the
// benchmark's own, and waits until it prints its API and control-panel addresses.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'serve.js');

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
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
