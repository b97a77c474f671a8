#!/usr/bin/env node
// A stand-in `claude` for the benchmarks: prints a recorded stream-json run at full speed for
// each user line on its stdin (a warm process serves many turns), and exits when stdin ends.
// Each text delta carries the monotonic time (ns) at which it was written, so a reader can
// measure relay latency; the clock is system-wide, so it compares across processes.
//   BENCH_EVENTS  number of text deltas (default 200)
//   BENCH_GAP_US  pause between deltas in microseconds (default 0: as fast as possible;
//                 from 1000 up a timer sleep, below it a spin)
//   BENCH_TEXT_FILE  a file whose text is the answer, in deltas of BENCH_CHUNK characters
//                 (default 64) instead of the stamped ones
import { readFileSync } from 'node:fs';
import readline from 'node:readline';

const fixture = readFileSync(new URL('../test/fixtures/claude/text.jsonl', import.meta.url), 'utf8').trim().split('\n');
const init = fixture.find((line) => line.includes('"subtype":"init"'));
const result = fixture.find((line) => line.includes('"type":"result"'));
const answer = process.env.BENCH_TEXT_FILE ? readFileSync(process.env.BENCH_TEXT_FILE, 'utf8') : null;
const chunk = Number(process.env.BENCH_CHUNK ?? 64);
const events = answer === null ? Number(process.env.BENCH_EVENTS ?? 200) : Math.ceil(answer.length / chunk);
const deltaText = (i) => (answer === null ? `<${process.hrtime.bigint()}>` : answer.slice(i * chunk, (i + 1) * chunk));
const gapNs = BigInt(Number(process.env.BENCH_GAP_US ?? 0) * 1000);

const write = (line) => new Promise((resolve) => (process.stdout.write(`${line}\n`) ? resolve() : process.stdout.once('drain', resolve)));
const wrap = (event) => JSON.stringify({ type: 'stream_event', event, session_id: 'bench', parent_tool_use_id: null });

let turns = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.includes('"type":"user"')) turns = turns.then(turn);
});

async function turn() {
  await write(init);
  await write(wrap({ type: 'message_start', message: { id: 'msg_bench', content: [] } }));
  await write(wrap({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
  for (let i = 0; i < events; i++) {
    if (gapNs >= 1_000_000n) await new Promise((r) => setTimeout(r, Number(gapNs / 1_000_000n)));
    else if (gapNs > 0n) {
      // Sub-millisecond pacing needs a spin; it is only used with one fake CLI at a time.
      const until = process.hrtime.bigint() + gapNs;
      while (process.hrtime.bigint() < until) await new Promise((r) => setImmediate(r));
    }
    await write(wrap({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: deltaText(i) } }));
  }
  await write(wrap({ type: 'content_block_stop', index: 0 }));
  await write(wrap({ type: 'message_stop' }));
  await write(result);
  await write(JSON.stringify({ type: 'system', subtype: 'session_state_changed', state: 'idle', session_id: 'bench' }));
}
