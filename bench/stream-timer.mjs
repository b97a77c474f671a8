// Timing of one streamed response as its lines arrive, shared by the relay benchmarks.
export const now = () => process.hrtime.bigint();
export const ms = (ns) => Number(ns) / 1e6;

/**
 * Follows one stream's lines as they arrive: when its first byte and its first and last answer
 * deltas came, and each delta's latency (arrival time minus the time the fake CLI stamped in it).
 * `deltaText(line)` gives a line's answer text, or nothing.
 */
export function streamTimer(started, deltaText) {
  const latencies = [];
  let first;
  let firstDelta;
  let lastDelta;
  let pending = '';
  return {
    feed(chunk) {
      const at = now();
      first ??= at;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        const text = deltaText(line);
        if (!text) continue;
        firstDelta ??= at;
        lastDelta = at;
        for (const match of text.matchAll(/<(\d+)>/g)) latencies.push(at - BigInt(match[1]));
      }
    },
    result: () => ({ ttfb: first - started, ttft: firstDelta - started, latencies, span: lastDelta - firstDelta }),
  };
}
