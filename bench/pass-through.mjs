// What Helix's proxy adds in front of an anthropic provider, whose requests it passes on byte for
// byte with the provider's key (so no key reaches Claude Code): time to first token, latency per
// chunk and throughput, next to the same fake Anthropic upstream read directly, in the same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, stream } from './proxy.mjs';
import { replaceResultsSection, section } from './section.mjs';
import { median, p99 } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

export async function benchPassThrough(rows) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-pass-bench-'));
  const upstreamPort = 41000 + Math.floor(Math.random() * 500);
  const proxyPort = upstreamPort + 501;
  const children = [];
  try {
    children.push(await start('node', [path.join(here, 'fake-anthropic.mjs'), String(upstreamPort)], { BENCH_CHUNKS: '100', BENCH_GAP_MS: '2' }, /fake anthropic on/));
    const config = path.join(dir, 'llm-providers.yaml');
    writeFileSync(config, `providers:\n  fake:\n    type: anthropic\n    base_url: http://127.0.0.1:${upstreamPort}\n    api_key_env: FAKE_KEY\ndefaults:\n  bench: "fake:m"\n`);
    children.push(await start('node', [path.join(root, 'out/main/proxy.js'), '--config', config, '--port', String(proxyPort)], { HELIX_PROXY_KEY: 'k', FAKE_KEY: 'sk-real' }, /ready/));

    const body = { model: 'm', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'go' }] };
    const targets = {
      direct: { port: upstreamPort, path: '/v1/messages', headers: { 'x-api-key': 'sk-real' }, body },
      proxy: { port: proxyPort, path: '/p/fake/v1/messages', headers: { 'x-api-key': 'k' }, body },
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    for (const target of Object.values(targets)) for (let i = 0; i < 5; i++) await stream(target, agent); // warm-up

    const seq = { direct: [], proxy: [] };
    for (let i = 0; i < 30; i++) for (const [name, target] of Object.entries(targets)) seq[name].push(await stream(target, agent));
    const ttft = (name) => median(seq[name].map((r) => r.ttft));
    const chunk = (name, stat) => stat(seq[name].flatMap((r) => r.latencies));
    rows('pass-through: time to first token (median of 30)', `${ttft('proxy').toFixed(2)} ms`, `${ttft('direct').toFixed(2)} ms`, `added: ${(ttft('proxy') - ttft('direct')).toFixed(2)} ms`);
    rows('pass-through: latency per chunk, median', `${chunk('proxy', median).toFixed(3)} ms`, `${chunk('direct', median).toFixed(3)} ms`, `added: ${(chunk('proxy', median) - chunk('direct', median)).toFixed(3)} ms`);
    rows('pass-through: latency per chunk, p99', `${chunk('proxy', p99).toFixed(3)} ms`, `${chunk('direct', p99).toFixed(3)} ms`, '');
    for (const concurrency of [10, 50]) {
      const rate = async (target) => {
        const t0 = now();
        const results = await Promise.all(Array.from({ length: concurrency }, () => stream(target, agent)));
        const chunks = results.reduce((sum, r) => sum + r.latencies.length, 0);
        const failed = results.filter((r) => r.status !== 200 || r.latencies.length !== 100).length;
        return { perSecond: Math.round(chunks / (ms(now() - t0) / 1000)), failed };
      };
      const [d, p] = [await rate(targets.direct), await rate(targets.proxy)];
      rows(`pass-through: chunks per second, ${concurrency} concurrent streams`, `${p.perSecond.toLocaleString('en-US')} /s (${p.failed} failed)`, `${d.perSecond.toLocaleString('en-US')} /s`, '');
    }
    agent.destroy();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

export const PASS_THROUGH_COLUMNS = ['measure', 'through the proxy', 'baseline: upstream read directly', 'note'];
const HEADING = '## The proxy in front of an anthropic provider';

/** The section of RESULTS.md, around its table. */
export function passThroughSection(table) {
  return `${HEADING}

Every run reaches its provider through Helix's proxy, which holds the key (Claude Code gets a token that works
only while its run lasts). For an \`anthropic\` provider the proxy passes each request and answer through byte for
byte, swapping only the key. \`bench/pass-through.mjs\`: the same fake Anthropic upstream
(\`bench/fake-anthropic.mjs\`: 100 text deltas 2 ms apart, each stamped with the time it was written) read through
\`out/main/proxy.js\` and directly, alternating, in the same run.

${table}`;
}

// Run alone (after npm run build): measure, print, and replace this section of RESULTS.md.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = section(PASS_THROUGH_COLUMNS);
  await benchPassThrough(figures.row);
  replaceResultsSection(HEADING, passThroughSection(figures.table()), '\n## The control panel');
}
