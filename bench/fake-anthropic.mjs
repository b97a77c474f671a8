#!/usr/bin/env node
// A stand-in Anthropic Messages upstream for the pass-through benchmark. Each streamed text delta
// is the monotonic time (ns) at which it was written, so a reader can measure what a proxy adds.
//   node bench/fake-anthropic.mjs <port>; BENCH_CHUNKS (default 100), BENCH_GAP_MS (default 2)
import http from 'node:http';

const chunks = Number(process.env.BENCH_CHUNKS ?? 100);
const gapMs = Number(process.env.BENCH_GAP_MS ?? 2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const server = http.createServer(async (req, res) => {
  for await (const _ of req) void _;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (data) => res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
  send({ type: 'message_start', message: { id: 'msg_bench', type: 'message', role: 'assistant', model: 'm', content: [], usage: { input_tokens: 10, output_tokens: 1 } } });
  send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  for (let i = 0; i < chunks; i++) {
    if (gapMs > 0) await sleep(gapMs);
    send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `<${process.hrtime.bigint()}>` } });
  }
  send({ type: 'content_block_stop', index: 0 });
  send({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: chunks } });
  res.end(`event: message_stop\ndata: ${JSON.stringify({ type: 'message_stop' })}\n\n`);
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`fake anthropic on ${server.address().port}`));
