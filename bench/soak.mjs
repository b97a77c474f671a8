// Load and soak against the built server with the fake claude: 100 concurrent streaming clients,
// then a long run of sequential turns, sampling the server's memory and open file descriptors and
// counting leftover processes. Baseline: the same server idle, before the load.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { chat, startFakeServe } from './serve.mjs';
import { rssKiB } from './stats.mjs';

const rssMiB = (pid) => rssKiB(pid) / 1024;
const fds = (pid) => readdirSync(`/proc/${pid}/fd`).length;
function children(pid) {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((e) => {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  }).length;
}

/** Whether one streamed turn completed. */
const turn = (port, agent, chatId, content) =>
  chat(port, { chatId, content, stream: true, agent }).then(
    ({ status, text }) => status === 200 && text.includes('"finish_reason":"stop"') && !text.includes('"error"'),
    () => false,
  );

export async function benchSoak(rows, sequentialTurns) {
  const server = await startFakeServe({ env: { BENCH_EVENTS: '20' }, maxRuns: 64 });
  const { port } = server;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  try {
    await turn(port, agent, 'warm-up', 'hello');
    const idle = { rss: rssMiB(server.pid), fds: fds(server.pid) };

    const started = Date.now();
    const concurrent = await Promise.all(Array.from({ length: 100 }, (_, i) => turn(port, agent, `c${i}`, `hello ${i}`)));
    const concurrentMs = Date.now() - started;
    const afterConcurrent = { rss: rssMiB(server.pid), fds: fds(server.pid) };
    rows('soak: 100 concurrent streaming clients', `${concurrent.filter(Boolean).length} of 100 complete, ${(concurrentMs / 1000).toFixed(1)} s`, '—', 'fake claude, 20 events each, up to 64 runs at once, the rest queued');

    const samples = [];
    let ok = 0;
    const t0 = Date.now();
    for (let i = 0; i < sequentialTurns; i++) {
      if (await turn(port, agent, `s${i % 100}`, `turn ${i}`)) ok += 1;
      if (i % Math.floor(sequentialTurns / 4) === 0) samples.push({ rss: rssMiB(server.pid), fds: fds(server.pid) });
    }
    await new Promise((r) => setTimeout(r, 2500)); // idle session logs give their handles back
    const end = { rss: rssMiB(server.pid), fds: fds(server.pid) };
    const seconds = (Date.now() - t0) / 1000;
    rows(`soak: ${sequentialTurns.toLocaleString('en-US')} sequential turns`, `${ok.toLocaleString('en-US')} ok, ${(sequentialTurns / seconds).toFixed(1)} turns/s`, '—', `100 chats, ${sequentialTurns / 100} turns each`);
    rows('soak: server RSS', `${samples.map((s) => s.rss.toFixed(0)).join(' → ')} → ${end.rss.toFixed(0)} MiB`, `${idle.rss.toFixed(0)} MiB idle`, `after the 100 concurrent: ${afterConcurrent.rss.toFixed(0)} MiB`);
    rows('soak: open file descriptors', `${samples.map((s) => s.fds).join(' → ')} → ${end.fds}`, `${idle.fds} idle`, `after the 100 concurrent: ${afterConcurrent.fds}`);
    rows('soak: processes left under the server', String(children(server.pid)), '0 expected', '');
  } finally {
    agent.destroy();
    await server.stop();
  }
}
