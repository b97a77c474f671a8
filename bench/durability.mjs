// What keeping state and supervising services cost, against the built server with the fake claude:
// - many sessions on disk: start-up and per-turn time with 2,000 recorded sessions, next to the
//   same server with one;
// - a managed service that crashes the moment it starts: how often it is restarted and the CPU
//   that costs, next to the same server with no service, and to the same command restarted at once.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chat, startFakeServe } from './serve.mjs';
import { median } from './stats.mjs';

const ENV = { BENCH_EVENTS: '20' };
const CRASHING = ['node', '-e', 'process.exit(3)'];

/** A data dir holding `count` finished sessions of 10 turns each, as the app writes them. */
function dirWithSessions(count) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-'));
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const folder = path.join(dir, 'data', 'sessions', id);
    mkdirSync(path.join(folder, 'workspace'), { recursive: true });
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const turns = Array.from({ length: 10 }, (_, t) => ({
      id: randomUUID(), parentKey: `k${t}`, key: `k${t + 1}`, user: `question ${t}`, assistant: 'An answer of a few words. '.repeat(20),
      status: 'done', delivered: true, startedAt: at, endedAt: at, claudeSessionId: randomUUID(),
    }));
    const session = { id, chatId: `chat-${i}`, role: 'bench', title: `Chat ${i}`, cwd: path.join(folder, 'workspace'), createdAt: at, updatedAt: at };
    writeFileSync(path.join(folder, 'session.json'), `${JSON.stringify({ ...session, turns })}\n`);
    writeFileSync(path.join(folder, 'events.ndjson'), `${JSON.stringify({ at, type: 'session', session })}\n`);
  }
  return dir;
}

/** One turn, end to end, in ms. */
async function turn(port, chatId) {
  const started = process.hrtime.bigint();
  const { status } = await chat(port, { chatId });
  if (status !== 200) throw new Error(`HTTP ${status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function withSessions(count) {
  const dir = dirWithSessions(count);
  const t0 = process.hrtime.bigint();
  const server = await startFakeServe({ env: ENV, dir });
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const times = [];
  for (let i = 0; i < 40; i++) times.push(await turn(server.port, `chat-${i % Math.min(count, 10)}`));
  await server.stop();
  return { startMs, turnMs: median(times.slice(5)) };
}

/** CPU seconds a process and the children it waited for have used (Linux /proc). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0); // utime stime cutime cstime
  return ticks / 100; // USER_HZ
}

async function control(server, command) {
  const url = new URL(server.controlUrl); // …/#token=…
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  const response = await fetch(new URL(`/control/${command}`, url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"args":[]}' });
  return (await response.json()).data;
}

/** Server CPU over `seconds` of doing nothing but (maybe) supervising a crashing service. */
async function supervising(services, seconds) {
  const server = await startFakeServe({ env: ENV, extra: services });
  const before = cpuSeconds(server.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = cpuSeconds(server.pid) - before;
  const state = (await control(server, 'state:get')).services[0];
  await server.stop();
  return { cpuPercent: (used / seconds) * 100, state };
}

/** The same command restarted the moment it exits, for `seconds`: what no back-off would cost. */
async function tightLoop(seconds) {
  const until = Date.now() + seconds * 1000;
  const before = cpuSeconds(process.pid);
  let restarts = 0;
  while (Date.now() < until) {
    await new Promise((resolve) => spawn(CRASHING[0], CRASHING.slice(1)).on('exit', resolve));
    restarts += 1;
  }
  return { restarts, cpuPercent: ((cpuSeconds(process.pid) - before) / seconds) * 100 };
}

export async function benchDurability(rows) {
  const many = await withSessions(2000);
  const one = await withSessions(1);
  rows('sessions: start-up until serving', `${many.startMs.toFixed(0)} ms with 2,000 sessions`, `${one.startMs.toFixed(0)} ms with 1`, 'each session 10 turns; spawn of node included');
  rows('sessions: a turn, end to end (median of 35)', `${many.turnMs.toFixed(1)} ms with 2,000 sessions`, `${one.turnMs.toFixed(1)} ms with 1`, 'fake claude, 20 events; each turn saves its session 3 times');

  const SECONDS = 30;
  const crashing = await supervising(`services:\n  flaky:\n    command: ${JSON.stringify(CRASHING)}\n`, SECONDS);
  const idle = await supervising('', SECONDS);
  const loop = await tightLoop(5);
  rows(
    `services: a service crashing at start, ${SECONDS} s`,
    `${crashing.state.restarts} restarts, ${crashing.cpuPercent.toFixed(2)} % CPU`,
    `idle server: ${idle.cpuPercent.toFixed(2)} % CPU`,
    `back-off 1 s, 2 s, 4 s … 60 s; restarted at once it would be ${(loop.restarts / 5).toFixed(0)} restarts/s, ${loop.cpuPercent.toFixed(0)} % CPU`,
  );
  rows('services: what the panel shows', `${crashing.state.state}, last error "${crashing.state.lastError}"`, '—', 'state, restarts and last error of the service');
}
