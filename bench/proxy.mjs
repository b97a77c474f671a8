// The translating proxy side by side with claude-code-router (@musistudio/claude-code-router,
// the npm package) on the same fake OpenAI upstream, in the same run: what each adds to the time
// to first token and to each chunk, and throughput at 1, 10 and 50 concurrent streams. The
// baseline is the upstream read directly.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, p99 } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

export function start(command, args, env, ready) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      if (ready.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited ${code}: ${out}`)));
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => http.get({ host: '127.0.0.1', port, path: '/' }, () => resolve(true)).on('error', () => resolve(false)));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** One streamed request; returns time to first token and each chunk's latency (ms). */
export function stream(target, agent) {
  return new Promise((resolve, reject) => {
    const started = now();
    const req = http.request({ host: '127.0.0.1', port: target.port, path: target.path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...target.headers } }, (res) => {
      let pending = '';
      let first;
      const latencies = [];
      res.on('data', (chunk) => {
        const at = now();
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          for (const match of line.matchAll(/<(\d+)>/g)) {
            first ??= at;
            latencies.push(ms(at - BigInt(match[1])));
          }
        }
      });
      res.on('end', () => resolve({ ttft: first ? ms(first - started) : NaN, latencies, status: res.statusCode }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(target.body));
  });
}

export async function benchProxy(rows) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-proxy-bench-'));
  const upstreamPort = 39000 + Math.floor(Math.random() * 500);
  const helixPort = upstreamPort + 501;
  const ccrPort = upstreamPort + 1002;
  const children = [];
  try {
    children.push(await start('node', [path.join(here, 'fake-openai.mjs'), String(upstreamPort)], { BENCH_CHUNKS: '100', BENCH_GAP_MS: '2' }, /fake openai on/));
    const config = path.join(dir, 'llm-providers.yaml');
    writeFileSync(config, `providers:\n  fake:\n    type: openai\n    base_url: http://127.0.0.1:${upstreamPort}/v1\ndefaults:\n  bench: "fake:m"\n`);
    children.push(await start('node', [path.join(root, 'out/main/proxy.js'), '--config', config, '--port', String(helixPort)], { HELIX_PROXY_KEY: 'k' }, /ready/));
    const ccrHome = path.join(dir, 'ccr-home');
    mkdirSync(path.join(ccrHome, '.claude-code-router'), { recursive: true });
    writeFileSync(
      path.join(ccrHome, '.claude-code-router', 'config.json'),
      JSON.stringify({ PORT: ccrPort, HOST: '127.0.0.1', LOG: false, Providers: [{ name: 'fake', api_base_url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`, api_key: 'x', models: ['m'] }], Router: { default: 'fake,m' } }),
    );
    const ccr = spawn('node', [path.join(root, 'node_modules/@musistudio/claude-code-router/dist/cli.js'), 'start'], { cwd: dir, env: { ...process.env, HOME: ccrHome }, stdio: 'ignore' });
    children.push(ccr);
    await waitForPort(ccrPort);

    const anthropic = { model: 'm', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'go' }] };
    const targets = {
      direct: { port: upstreamPort, path: '/v1/chat/completions', headers: {}, body: { model: 'm', stream: true, messages: [{ role: 'user', content: 'go' }] } },
      helix: { port: helixPort, path: '/p/fake/v1/messages', headers: { 'x-api-key': 'k' }, body: anthropic },
      ccr: { port: ccrPort, path: '/v1/messages', headers: { 'x-api-key': 'x' }, body: anthropic },
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    for (const target of Object.values(targets)) for (let i = 0; i < 5; i++) await stream(target, agent); // warm-up

    // Added latency: 30 sequential streams each, interleaved so drift hits all alike.
    const seq = { direct: [], helix: [], ccr: [] };
    for (let i = 0; i < 30; i++) for (const [name, target] of Object.entries(targets)) seq[name].push(await stream(target, agent));
    const ttft = (name) => median(seq[name].map((r) => r.ttft));
    const chunk = (name, stat) => stat(seq[name].flatMap((r) => r.latencies));
    const added = (name, f) => (f(name) - f('direct')).toFixed(3);
    rows('proxy: added time to first token (median of 30)', `${added('helix', ttft)} ms`, `${added('ccr', ttft)} ms`, `direct: ${ttft('direct').toFixed(2)} ms`);
    rows('proxy: added latency per chunk, median', `${added('helix', (n) => chunk(n, median))} ms`, `${added('ccr', (n) => chunk(n, median))} ms`, `direct: ${chunk('direct', median).toFixed(3)} ms`);
    rows('proxy: added latency per chunk, p99', `${added('helix', (n) => chunk(n, p99))} ms`, `${added('ccr', (n) => chunk(n, p99))} ms`, `direct: ${chunk('direct', p99).toFixed(3)} ms`);

    for (const concurrency of [1, 10, 50]) {
      const rate = async (target) => {
        const t0 = now();
        const results = await Promise.all(Array.from({ length: concurrency }, () => stream(target, agent)));
        const chunks = results.reduce((sum, r) => sum + r.latencies.length, 0);
        const failed = results.filter((r) => r.status !== 200 || r.latencies.length !== 100).length;
        return { perSecond: Math.round(chunks / (ms(now() - t0) / 1000)), failed };
      };
      const [d, h, c] = [await rate(targets.direct), await rate(targets.helix), await rate(targets.ccr)];
      rows(`proxy: chunks per second, ${concurrency} concurrent stream${concurrency > 1 ? 's' : ''}`, `${h.perSecond.toLocaleString('en-US')} /s (${h.failed} failed)`, `${c.perSecond.toLocaleString('en-US')} /s (${c.failed} failed)`, `direct: ${d.perSecond.toLocaleString('en-US')} /s`);
    }
    agent.destroy();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
