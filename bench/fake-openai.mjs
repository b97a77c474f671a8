#!/usr/bin/env node
// A stand-in OpenAI-compatible upstream for the proxy benchmark. Each streamed content delta is
// the monotonic time (ns) at which it was written, so a reader can measure what a proxy adds.
//   node bench/fake-openai.mjs <port>; BENCH_CHUNKS (default 100), BENCH_GAP_MS (default 2)
import http from 'node:http';

const chunks = Number(process.env.BENCH_CHUNKS ?? 100);
const gapMs = Number(process.env.BENCH_GAP_MS ?? 2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const server = http.createServer(async (req, res) => {
  for await (const _ of req) void _;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (choices, extra = {}) => res.write(`data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', model: 'm', choices, ...extra })}\n\n`);
  for (let i = 0; i < chunks; i++) {
    if (gapMs > 0) await sleep(gapMs);
    send([{ index: 0, delta: { content: `<${process.hrtime.bigint()}>` }, finish_reason: null }]);
  }
  send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  send([], { usage: { prompt_tokens: 10, completion_tokens: chunks, total_tokens: 10 + chunks } });
  res.end('data: [DONE]\n\n');
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`fake openai on ${server.address().port}`));
