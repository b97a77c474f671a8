/* global window, document, requestAnimationFrame -- the page.evaluate() callbacks run in the browser */
// Costs as history grows, against the built server with the fake claude; each figure next to a
// baseline measured in the same run:
// - 50,000 sessions on disk (10 turns each, as the app writes them) next to 1: start-up, a turn
//   end to end, the server's CPU per turn (with and without a chat id), the control channel's
//   share with a panel connected, and the first page of the sessions list;
// - the 500th turn of one chat next to its 2nd: time, server CPU, and bytes the server wrote;
// - a 100 KiB code-heavy answer streamed into the open timeline in Chromium, next to plain prose.
// Run alone after `npm run build`: node bench/scale.mjs [--sessions N] [--turns N] [--skip-ui | --ui-only]
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chat, CONFIG, FAKE_CLAUDE, KEY, startFakeServe, startServe } from './serve.mjs';
import { median, percentile } from './stats.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const SESSIONS = arg('sessions', 50_000);
const LONG_CHAT = arg('turns', 500);
const TURNS = 30;
const STARTS = 5;

/** A data dir holding `count` finished sessions of `turns` turns each, in the files the app writes. */
export function dirWithSessions(count, turns = 10) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-scale-'));
  const answer = 'An answer of a few words. '.repeat(20);
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const folder = path.join(dir, 'data', 'sessions', id);
    mkdirSync(path.join(folder, 'workspace'), { recursive: true });
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString();
    const session = { id, chatId: `chat-${i}`, role: 'bench', title: `Chat ${i}`, cwd: path.join(folder, 'workspace'), createdAt: at, updatedAt: at };
    const lines = [{ at, type: 'session', session }];
    const records = [];
    for (let t = 0; t < turns; t++) {
      const turn = { id: randomUUID(), parentKey: `k${i}-${t}`, key: `k${i}-${t + 1}`, status: 'done', delivered: true, startedAt: at, endedAt: at, claudeSessionId: randomUUID(), target: 'p:m' };
      records.push(turn);
      lines.push({ at, type: 'turn', turn: { ...turn, status: 'queued', user: `question ${t}` } });
      lines.push({ at, type: 'prompt', turnId: turn.id, text: `question ${t}`, images: [], resumed: null });
      lines.push({ at, type: 'event', turnId: turn.id, seq: 1, event: { type: 'text', text: answer } });
      lines.push({ at, type: 'turn', turn });
    }
    const log = `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
    writeFileSync(path.join(folder, 'events.ndjson'), log);
    writeFileSync(path.join(folder, 'session.json'), `${JSON.stringify({ ...session, turns: records, logBytes: Buffer.byteLength(log) })}\n`);
  }
  return dir;
}

/** CPU ms the server process itself used (not the fake CLIs it ran). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1000; // utime + stime, USER_HZ
}

/** Bytes the server process has written with write calls (files and sockets). */
const writtenBytes = (pid) => Number(/wchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))[1]);

/** Each turn's wall time, server CPU and bytes written, for `count` turns made by `send(i)`. */
async function turns(server, count, send) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const cpu = cpuMs(server.pid);
    const bytes = writtenBytes(server.pid);
    const started = process.hrtime.bigint();
    const { status } = await send(i);
    if (status !== 200) throw new Error(`HTTP ${status}`);
    out.push({ ms: Number(process.hrtime.bigint() - started) / 1e6, cpu: cpuMs(server.pid) - cpu, bytes: writtenBytes(server.pid) - bytes });
  }
  return out;
}

const summary = (samples) => ({ ms: median(samples.map((s) => s.ms)), cpu: samples.reduce((a, s) => a + s.cpu, 0) / samples.length, bytes: median(samples.map((s) => s.bytes)) });

function controlOf(server) {
  const url = new URL(server.controlUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  return {
    async call(command, args = []) {
      const started = process.hrtime.bigint();
      const response = await fetch(new URL(`/control/${command}`, url), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ args }) });
      const body = await response.text();
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: body.length, data: JSON.parse(body).data };
    },
    /** A panel's event stream, as the panel follows it: it counts the events and asks nothing. */
    listen() {
      const counts = {};
      const req = http.get(new URL(`/control/events?token=${token}`, url), (res) => {
        let pending = '';
        res.on('data', (chunk) => {
          pending += chunk;
          const parts = pending.split('\n\n');
          pending = parts.pop();
          for (const part of parts) if (part.startsWith('data: ')) {
            const type = JSON.parse(part.slice(6)).type;
            counts[type] = (counts[type] ?? 0) + 1;
          }
        });
      });
      return { counts, close: () => req.destroy() };
    },
  };
}

/** Resolves once the data dir's sessions index lists `count` sessions (the first start writes it in the background). */
async function indexed(dir, count) {
  const file = path.join(dir, 'data', 'sessions-index.ndjson');
  for (let i = 0; i < 6000; i++) {
    try {
      if (readFileSync(file, 'utf8').split('\n').length - 2 >= count) return;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the sessions index was not written');
}

/** Resolves once a file has not changed for 3 s. */
async function settledFile(file) {
  let last = '';
  for (let i = 0, still = 0; i < 600 && still < 6; i++) {
    const { mtimeMs, size } = statSync(file);
    still = `${mtimeMs} ${size}` === last ? still + 1 : 0;
    last = `${mtimeMs} ${size}`;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A data dir of `count` sessions, started once on as the previous version left it (no index): how long until serving, and until indexed. */
async function prepared(count) {
  const dir = dirWithSessions(count);
  // What was just generated goes to disk first, not while the server is measured.
  execSync('sync');
  const t0 = process.hrtime.bigint();
  const first = await startFakeServe({ dir });
  const firstStartMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await indexed(dir, count);
  const indexedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // As a user's app runs on: its index checked against the folders and rewritten in order.
  await sessionsChecked(first);
  await settledFile(path.join(dir, 'data', 'sessions-index.ndjson'));
  await first.stop({ keep: true });
  return { dir, count, firstStartMs, indexedMs };
}

/** Time until serving, from the spawn of node, and the CPU the server used until then. */
async function timedStart(dir) {
  const t0 = process.hrtime.bigint();
  const server = await startFakeServe({ dir });
  return { server, ms: Number(process.hrtime.bigint() - t0) / 1e6, cpu: cpuMs(server.pid) };
}

/** Resolves once the server has checked its sessions' index against the folders (in the background after a start); how long after the call. */
async function sessionsChecked(server) {
  const control = controlOf(server);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 6000; i++) {
    if (!(await control.call('state:get')).data.storage.checkingSessions) return Number(process.hrtime.bigint() - t0) / 1e6;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the sessions index was not checked');
}

async function withSessions({ dir, count }) {
  const { server } = await timedStart(dir);
  // The turns are measured once the background check is over (its own cost is a row of its own).
  const checkMs = await sessionsChecked(server);
  const chats = Math.min(count, 10);
  await turns(server, 3, (i) => chat(server.port, { chatId: `chat-${i % chats}` })); // warm-up
  const withId = summary(await turns(server, TURNS, (i) => chat(server.port, { chatId: `chat-${i % chats}` })));
  // A first message without a chat id: looked up among the turns no client received.
  const noId = summary(await turns(server, TURNS, (i) => chat(server.port, { content: `first message ${i}` })));
  const control = controlOf(server);
  const panel = control.listen();
  await new Promise((r) => setTimeout(r, 200));
  const withPanel = summary(await turns(server, TURNS, (i) => chat(server.port, { chatId: `chat-${i % chats}` })));
  panel.close();
  // Each asked 5 times: the median.
  const timed = async (command, args) => {
    const calls = [];
    for (let i = 0; i < 5; i++) calls.push(await control.call(command, args));
    return { ...calls[0], ms: median(calls.map((c) => c.ms)) };
  };
  const list = await timed('sessions:list', [{ limit: 100 }]);
  const search = await timed('sessions:list', [{ query: 'chat 4999', limit: 100 }]);
  const state = await timed('state:get');
  await server.stop();
  return { checkMs, withId, noId, withPanel, events: panel.counts, list, search, state };
}

async function longChat(count) {
  const server = await startFakeServe({});
  const samples = await turns(server, count, () => chat(server.port, { chatId: 'long' }));
  await server.stop();
  // Turns 2–11, 51–60 (the chat holds 50 turns in memory from there on) and the last 10.
  return { early: summary(samples.slice(1, 11)), full: summary(samples.slice(50, 60)), late: summary(samples.slice(-10)) };
}

export const launchChromium = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });

/**
 * The control panel on a data dir (indexed, checked): from a click on "Sessions" to its first
 * rows, and from typing a search to the one session it matches; rows in the page.
 */
export async function panelOn(browser, dir, count) {
  const server = await startFakeServe({ dir });
  await sessionsChecked(server);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.controlUrl);
  await page.getByRole('navigation', { name: 'Screens' }).waitFor();
  await page.waitForLoadState('networkidle');
  // Timed in the page, frame by frame (a locator's wait polls at up to 500 ms apart): from the action to the first frame showing `title`.
  const timed = async (act, title) => {
    const shown = page.evaluate((wanted) => {
      const t0 = performance.now();
      return new Promise((resolve) => {
        const titles = () => [...document.querySelectorAll('ul[aria-label="Sessions"] .title')].map((t) => t.textContent);
        const tick = () => {
          const now = titles();
          if (wanted === null ? now.length > 0 : now.length === 1 && now[0] === wanted) resolve(performance.now() - t0);
          else requestAnimationFrame(tick);
        };
        tick();
      });
    }, title);
    await act();
    return shown;
  };
  const firstMs = await timed(() => page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Sessions\b/ }).click(), null);
  // From a search that matches nothing (so that the one match is a change to the list, with one session too).
  const search = page.getByRole('searchbox', { name: 'Search sessions' });
  await search.fill('no such chat');
  await page.getByText('No session matches.').waitFor();
  const wanted = `Chat ${count - 1}`;
  const searchMs = await timed(() => search.fill(wanted), wanted);
  await page.close();
  await server.stop({ keep: true });
  return { firstMs, searchMs };
}

/** About 100 KiB of answer: prose and fenced code blocks (with blank lines inside them), or prose alone. */
function answerText(codeHeavy) {
  const parts = [];
  let size = 0;
  for (let n = 1; size < 100 * 1024; n++) {
    const prose = `Step ${n}: the function below reads the configuration, checks each entry and returns the ones that are valid, so the caller never sees a half-read file.\n\n`;
    const code = codeHeavy
      ? `\`\`\`ts\nexport function step${n}(entries: Entry[]): Entry[] {\n  const valid: Entry[] = [];\n${Array.from({ length: 12 }, (_, i) => `  if (entries[${i}]?.name) valid.push({ ...entries[${i}], checked: true });`).join('\n')}\n\n  // **not bold**, _not italic_: inside code\n  return valid.filter((e) => e.checked);\n}\n\`\`\`\n\n- a list item about step ${n}\n- another with \`inline code\` and a [link](http://example.com/${n})\n\n`
      : `The same explanation goes on in plain words for step ${n}, with no code and no markup at all, only sentences one after the other, as a long answer in prose would be written by the model for a reader.\n\n`;
    parts.push(prose, code);
    size += prose.length + code.length;
  }
  return parts.join('');
}

async function streamIntoTimeline(browser, codeHeavy) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-scale-ui-'));
  const textFile = path.join(dir, 'answer.md');
  writeFileSync(textFile, answerText(codeHeavy));
  const config = `${CONFIG.replace('  bench: "p:m"\n', '')}  bench:\n    model: "p:m"\n    env:\n      BENCH_TEXT_FILE: ${JSON.stringify(textFile)}\n      BENCH_CHUNK: "64"\n      BENCH_GAP_US: "2000"\n`;
  const server = await startServe({ config, dir, env: { HELIX_API_KEY: KEY, HELIX_CLAUDE_BIN: FAKE_CLAUDE } });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(server.controlUrl);
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: /^Sessions\b/ }).click();
  await page.getByText('No sessions yet').waitFor();
  await page.evaluate(() => {
    window.__gaps = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__gaps.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await busy();
  const started = Date.now();
  const done = chat(server.port, { chatId: 'stream', stream: true });
  await page.locator('.item.prompt').waitFor();
  const { status } = await done;
  if (status !== 200) throw new Error(`HTTP ${status}`);
  // The answer's end, rendered as Markdown once the turn is over.
  await page.locator('.item.turn-end').waitFor({ timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const gaps = await page.evaluate(() => {
    window.__recording = false;
    return window.__gaps.slice(1);
  });
  const busySeconds = (await busy()) - before;
  const shown = await page.locator('.item.answer').last().textContent();
  await page.close();
  await server.stop();
  return { p95: percentile(gaps, 0.95), median: median(gaps), max: Math.max(...gaps), busyPercent: (busySeconds / seconds) * 100, busyMs: busySeconds * 1000, seconds, shownKiB: (shown?.length ?? 0) / 1024 };
}

/** What the figures are, for bench/RESULTS.md. */
export const SCALE_INTRO = `\`bench/scale.mjs\` (runnable alone after \`npm run build\`): the built server with the fake CLI, started on a data
dir holding ${SESSIONS.toLocaleString('en-US')} finished sessions of 10 turns each (in the files the app writes), next to a data dir holding
one. Each is first started as the previous version left it (no sessions index: serving at once, the index written in
the background, then checked and rewritten in order, as a running app leaves it), then started ${STARTS} times more, alternating between the two (the median start, wall time and the
server's CPU until serving); then, once the server has checked its index against the folders, ${TURNS} turns with a chat id, ${TURNS} first messages without one, and ${TURNS} turns with a panel's event stream
connected (counting events, asking nothing, as the panel does). Server CPU is the server process's own (user +
system, 10 ms ticks, averaged), not the fake CLI's. Before the turns, the control panel in Debian's Chromium on each
data dir: from a click on Sessions to the first frame showing a row, and from typing a title to its row alone (timed
in the page). Then one chat of ${LONG_CHAT} turns: its turns 2–11 next to its last ten.
Then the control panel in Debian's Chromium following a turn whose answer is about 100 KiB (64-character deltas
every 2 ms), code-heavy (fenced code with blank lines inside, lists, links) next to plain prose: the time between
animation frames while it streams and until the turn is over, and the main thread's busy time (CDP TaskDuration).`;

export async function benchScale(rows) {
  if (!process.argv.includes('--ui-only')) await benchSessions(rows);
  if (!process.argv.includes('--skip-ui')) await benchTimeline(rows);
}

async function benchSessions(rows) {
  const manyDir = await prepared(SESSIONS);
  const oneDir = await prepared(1);
  // Start-up, alternating between the two data dirs (indexed now): the median of each.
  const starts = { many: [], one: [] };
  const cpus = { many: [], one: [] };
  for (let i = 0; i < STARTS; i++) {
    for (const [name, prep] of [['many', manyDir], ['one', oneDir]]) {
      const { server, ms, cpu } = await timedStart(prep.dir);
      starts[name].push(ms);
      cpus[name].push(cpu);
      await server.stop({ keep: true });
    }
  }
  // The panel before the turns (withSessions removes the data dirs when it is done).
  const browser = await launchChromium();
  let panelMany, panelOne;
  try {
    await panelOn(browser, oneDir.dir, 1); // a first page warms the browser up (its processes, fonts): not counted
    [panelMany, panelOne] = [await panelOn(browser, manyDir.dir, SESSIONS), await panelOn(browser, oneDir.dir, 1)];
  } finally {
    await browser.close();
  }
  const many = { ...manyDir, ...(await withSessions(manyDir)), startMs: median(starts.many), startCpu: median(cpus.many) };
  const one = { ...oneDir, ...(await withSessions(oneDir)), startMs: median(starts.one), startCpu: median(cpus.one) };
  const n = SESSIONS.toLocaleString('en-US');
  rows('sessions: start-up until serving', `${many.startMs.toFixed(0)} ms with ${n}`, `${one.startMs.toFixed(0)} ms with 1`, `each session 10 turns; spawn of node included (${(many.startMs / one.startMs).toFixed(2)}×); median of ${STARTS} starts each, alternating`);
  rows('sessions: server CPU until serving', `${many.startCpu.toFixed(0)} ms with ${n}`, `${one.startCpu.toFixed(0)} ms with 1`, `user + system of the server process (${(many.startCpu / one.startCpu).toFixed(2)}×); median of ${STARTS} starts each`);
  rows('sessions: index checked against the folders, after serving', `${(many.checkMs / 1000).toFixed(1)} s with ${n}`, `${(one.checkMs / 1000).toFixed(1)} s with 1`, 'in the background, in slices of 8 ms; a look-up that needs it meanwhile finishes it first');
  rows('sessions: first start on a data dir without an index', `${many.firstStartMs.toFixed(0)} ms with ${n}`, `${one.firstStartMs.toFixed(0)} ms with 1`, `serving at once; the index of all ${n} written in the background ${(many.indexedMs / 1000).toFixed(1)} s after the start`);
  rows('sessions: a turn with a chat id, end to end (median)', `${many.withId.ms.toFixed(1)} ms with ${n}`, `${one.withId.ms.toFixed(1)} ms with 1`, `fake claude; ${TURNS} turns`);
  rows('sessions: server CPU per turn, with a chat id', `${many.withId.cpu.toFixed(1)} ms with ${n}`, `${one.withId.cpu.toFixed(1)} ms with 1`, 'the server process alone: request, session look-up, log, relay');
  rows('sessions: server CPU per turn, first message without a chat id', `${many.noId.cpu.toFixed(1)} ms with ${n}`, `${one.noId.cpu.toFixed(1)} ms with 1`, `end to end ${many.noId.ms.toFixed(1)} ms vs ${one.noId.ms.toFixed(1)} ms`);
  rows('control: server CPU per turn with a panel connected', `${many.withPanel.cpu.toFixed(1)} ms with ${n}`, `${one.withPanel.cpu.toFixed(1)} ms with 1`, `events per turn: ${Object.entries(many.events).map(([k, v]) => `${k} ${(v / TURNS).toFixed(1)}`).join(', ')}; no command per event`);
  rows('control: sessions:list, first page of 100', `${many.list.ms.toFixed(1)} ms, ${(many.list.bytes / 1024).toFixed(0)} KiB with ${n}`, `${one.list.ms.toFixed(1)} ms, ${(one.list.bytes / 1024).toFixed(1)} KiB with 1`, `a search through all: ${many.search.ms.toFixed(1)} ms; asked when the list is opened, searched or scrolled, never per turn`);
  rows('control: state:get', `${many.state.ms.toFixed(1)} ms, ${(many.state.bytes / 1024).toFixed(1)} KiB with ${n}`, `${one.state.ms.toFixed(1)} ms, ${(one.state.bytes / 1024).toFixed(1)} KiB with 1`, 'holds no sessions, requests or service output; asked on a change of state only');
  rows('control: the panel\'s Sessions screen, first rows shown', `${panelMany.firstMs.toFixed(0)} ms with ${n}`, `${panelOne.firstMs.toFixed(0)} ms with 1`, `Chromium, from the click on Sessions (its code fetched) to the first frame showing a row; timed in the page`);
  rows('control: the panel\'s search, the one match shown', `${panelMany.searchMs.toFixed(0)} ms with ${n}`, `${panelOne.searchMs.toFixed(0)} ms with 1`, 'Chromium, from typing a title (after a search matching none) to the first frame showing its row alone; searched on the server');

  const long = await longChat(LONG_CHAT);
  rows(`one chat: turn ${LONG_CHAT - 9}–${LONG_CHAT}, end to end (median)`, `${long.late.ms.toFixed(1)} ms`, `${long.early.ms.toFixed(1)} ms at turns 2–11`, '');
  rows(`one chat: server CPU per turn at turn ~${LONG_CHAT}`, `${long.late.cpu.toFixed(1)} ms`, `${long.early.cpu.toFixed(1)} ms at turns 2–11`, '');
  rows(`one chat: bytes the server wrote per turn at turn ~${LONG_CHAT}`, `${(long.late.bytes / 1024).toFixed(1)} KiB`, `${(long.early.bytes / 1024).toFixed(1)} KiB at turns 2–11`, `${(long.full.bytes / 1024).toFixed(1)} KiB at turns 51–60; log, session file, index and the HTTP response (wchar)`);

}

async function benchTimeline(rows) {
  const browser = await launchChromium();
  try {
    const plain = await streamIntoTimeline(browser, false);
    const code = await streamIntoTimeline(browser, true);
    rows('UI: streaming 100 KiB into the open timeline, frame time p95', `${code.p95.toFixed(1)} ms code-heavy`, `${plain.p95.toFixed(1)} ms prose`, `median ${code.median.toFixed(1)} / ${plain.median.toFixed(1)} ms, longest ${code.max.toFixed(0)} / ${plain.max.toFixed(0)} ms`);
    rows('UI: main-thread busy while streaming', `${code.busyPercent.toFixed(0)} % (${code.busyMs.toFixed(0)} ms) code-heavy`, `${plain.busyPercent.toFixed(0)} % (${plain.busyMs.toFixed(0)} ms) prose`, `over ${code.seconds.toFixed(1)} / ${plain.seconds.toFixed(1)} s; 64-character deltas every 2 ms`);
  } finally {
    await browser.close();
  }
}

// Run alone: prints the rows as a Markdown table.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log('| measure | measured | baseline | note |\n|---|---|---|---|');
  await benchScale((...cells) => console.log(`| ${cells.join(' | ')} |`));
}
