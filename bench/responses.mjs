#!/usr/bin/env node
// /v1/responses next to /v1/chat/completions, in the same run and on the same server (the built
// out/main/serve.js running bench/fake-claude.mjs): time to first byte, to the first answer
// token, relay latency per event and events per second. Part of `npm run bench`; run alone
// (`npm run build && node bench/responses.mjs`) it replaces its own section of bench/RESULTS.md.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { replaceResultsSection } from './section.mjs';
import { KEY, startFakeServe } from './serve.mjs';
import { median, p99 } from './stats.mjs';
import { ms, now, streamTimer } from './stream-timer.mjs';

export const RESPONSES_COLUMNS = ['measure', '/v1/chat/completions', '/v1/responses', 'note'];
const HEADING = '## /v1/responses next to /v1/chat/completions';

/** The endpoints as a client streams them: the path, the body, and how a line carries answer text. */
const ENDPOINTS = {
  chat: {
    path: '/v1/chat/completions',
    body: { model: 'helix-bench', stream: true, messages: [{ role: 'user', content: 'go' }] },
    text: (data) => data.choices?.[0]?.delta?.content,
  },
  responses: {
    path: '/v1/responses',
    body: { model: 'helix-bench', stream: true, input: 'go' },
    text: (data) => (data.type === 'response.output_text.delta' ? data.delta : undefined),
  },
};

/** One streamed turn through the server; `openWebUi` adds the header that makes it Open WebUI's shape. */
function stream(port, agent, endpoint) {
  const { path: urlPath, body, text } = ENDPOINTS[endpoint];
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-helix-progress': 'none', 'x-openwebui-user-id': 'bench' };
    let error = null;
    const timer = streamTimer(now(), (line) => {
      if (!line.startsWith('data: {')) return undefined;
      const data = JSON.parse(line.slice(6));
      if (data.error || data.type === 'response.failed') error = JSON.stringify(data.error ?? data.response.error);
      return text(data);
    });
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', agent, headers }, (res) => {
      if (res.statusCode !== 200) error = `HTTP ${res.statusCode}`;
      res.on('data', timer.feed);
      res.on('end', () => resolve({ ...timer.result(), error }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const f = (v, unit = 'ms', digits = 2) => `${v.toFixed(digits)} ${unit}`;

/** Alternates the two endpoints, so both see the same machine state. */
async function alternate(times, port, agent) {
  const out = { chat: [], responses: [] };
  for (let i = 0; i < times; i++) {
    for (const endpoint of i % 2 ? ['responses', 'chat'] : ['chat', 'responses']) {
      const result = await stream(port, agent, endpoint);
      if (result.error) throw new Error(`${endpoint}: ${result.error}`);
      out[endpoint].push(result);
    }
  }
  return out;
}

export async function benchResponses(row) {
  const agent = new http.Agent({ keepAlive: false });
  {
    const server = await startFakeServe({ env: { BENCH_EVENTS: '20', BENCH_GAP_US: '500' }, maxRuns: 8 });
    await alternate(1, server.port, agent); // warm-up
    const runs = await alternate(15, server.port, agent);
    const at = (endpoint, key) => f(median(runs[endpoint].map((r) => ms(r[key]))));
    row('time to first byte (median of 15)', at('chat', 'ttfb'), at('responses', 'ttfb'), 'response.created and in_progress are sent before the CLI starts');
    row('time to first answer token (median of 15)', at('chat', 'ttft'), at('responses', 'ttft'), 'spawn + first delta');
    await server.stop();
  }
  {
    const server = await startFakeServe({ env: { BENCH_EVENTS: '500', BENCH_GAP_US: '2000' }, maxRuns: 8 });
    const runs = await alternate(2, server.port, agent);
    const lat = (endpoint) => runs[endpoint].flatMap((r) => r.latencies.map(ms));
    row(`relay latency, median (${lat('chat').length} events)`, f(median(lat('chat')), 'ms', 3), f(median(lat('responses')), 'ms', 3), 'CLI line written → event received; 2 paced turns each');
    row(`relay latency, p99 (${lat('chat').length} events)`, f(p99(lat('chat')), 'ms', 3), f(p99(lat('responses')), 'ms', 3), 'ten samples each: one scheduler pause on the 2 shared cores moves it');
    await server.stop();
  }
  {
    const server = await startFakeServe({ env: { BENCH_EVENTS: '20000' }, maxRuns: 8 });
    const runs = await alternate(1, server.port, agent);
    const rate = (r) => `${Math.round(r.latencies.length / (Number(r.span) / 1e9)).toLocaleString('en-US')} /s`;
    row('events per second, one stream (20,000 events)', rate(runs.chat[0]), rate(runs.responses[0]), runs.responses[0].latencies.length === 20000 ? 'all events relayed' : `only ${runs.responses[0].latencies.length} relayed`);
    await server.stop();
  }
}

/** The section of RESULTS.md, around its table. */
export function responsesSection(table) {
  return `${HEADING}

\`bench/responses.mjs\`: the same server streams the same fake run as a chat completion and as a Responses
stream, alternately, with Open WebUI's shape (an \`X-OpenWebUI-*\` header: tool calls as paired
function_call/function_call_output items). A Responses stream opens with two lifecycle events instead of one role
chunk, wraps each text delta in an \`output_text.delta\` event with its item id and sequence number, and ends with
the whole response (every item, usage) in \`response.completed\`.

${table}`;
}

// Run alone: measure, print, and replace this section of RESULTS.md (or add it before the proxy's).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = [];
  await benchResponses((...cells) => {
    rows.push(cells);
    console.log(cells.join(' | '));
  });
  const table = [`| ${RESPONSES_COLUMNS.join(' | ')} |`, `|${RESPONSES_COLUMNS.map(() => '---|').join('')}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  replaceResultsSection(HEADING, responsesSection(table));
  process.exit(0);
}
