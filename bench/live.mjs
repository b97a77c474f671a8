#!/usr/bin/env node
// Live sessions with the real `claude` (from node_modules) behind the built server
// (out/main/serve.js), against an instant fake Anthropic upstream on loopback:
//  - time to the first answer token of a follow-up, warm (the chat's process) vs cold (a new
//    process resuming the session: the same server with max_live_sessions: 0), at turn 2 and 100;
//  - disk under HOME/.claude/projects after 100 turns vs the final transcript, next to forking
//    the session at every turn (what a fork-per-turn runner writes; the CLI run directly);
//  - RSS of an idle warm process;
//  - a cancelled turn, then the next turn's first token: interrupt (warm) vs a new process.
// Run alone after `npm run build`: node bench/live.mjs   (BENCH_TURNS, default 100)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY, startServe } from './serve.mjs';
import { median, rssKiB } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLAUDE = path.join(here, '..', 'node_modules', '@anthropic-ai', 'claude-code-linux-x64', 'claude');
const TURNS = Number(process.env.BENCH_TURNS ?? 100);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers at once, one text block; a user message starting "hang" gets message_start and then silence. */
function fakeUpstream() {
  let requests = 0;
  const hanging = new Set();
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST') return void res.writeHead(200).end();
    requests += 1;
    const body = JSON.parse(raw);
    const last = body.messages?.at(-1);
    const text = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((p) => p.text ?? '').join('');
    const message = { id: `msg_${requests}`, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ ...message, content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn' }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (data) => res.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
    send({ type: 'message_start', message });
    if (/\bhang\b/.test(text.split('\n').at(-1) ?? '')) return void hanging.add(res);
    send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `Answer ${requests}.` } });
    send({ type: 'content_block_stop', index: 0 });
    send({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } });
    res.end(`event: message_stop\ndata: ${JSON.stringify({ type: 'message_stop' })}\n\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        requests: () => requests,
        close: () => {
          for (const res of hanging) res.destroy();
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

/** One streamed turn: resolves with the time to the first answer token and the answer. */
function turn(port, chatId, messages, signal) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const body = JSON.stringify({ model: 'helix-bench', stream: true, messages });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-helix-chat-id': chatId, 'x-helix-progress': 'none' };
    let ttft;
    let firstAt;
    let answer = '';
    let pending = '';
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', headers, signal }, (res) => {
      res.on('data', (chunk) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) {
          if (!line.startsWith('data: {')) continue;
          const data = JSON.parse(line.slice(6));
          if (data.error) reject(new Error(data.error.message));
          const content = data.choices?.[0]?.delta?.content;
          if (content) {
            firstAt ??= process.hrtime.bigint();
            ttft ??= Number(firstAt - started) / 1e6;
            answer += content;
          }
        }
      });
      res.on('end', () => resolve({ ttft, firstAt, answer }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A chat of `count` turns; returns each turn's time to first token. */
async function conversation(port, chatId, count) {
  const messages = [];
  const ttfts = [];
  for (let i = 1; i <= count; i++) {
    messages.push({ role: 'user', content: `message ${i}` });
    const { ttft, answer } = await turn(port, chatId, messages);
    ttfts.push(ttft);
    messages.push({ role: 'assistant', content: answer });
  }
  return { ttfts, messages };
}

function claudeProcesses(dataDir) {
  const out = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dataDir) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('claude')) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

function projectsDisk(home) {
  const dir = path.join(home, '.claude', 'projects');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl')).map((f) => statSync(path.join(dir, f)).size);
  return { total: files.reduce((a, b) => a + b, 0), largest: Math.max(...files), files: files.length };
}

async function server(upstream, settings, home) {
  const config = `providers:\n  p:\n    type: anthropic\n    base_url: ${upstream.url}\n    api_key_env: BENCH_UPSTREAM_KEY\n    models: [claude-sonnet-4-5]\ndefaults:\n  bench: "p:claude-sonnet-4-5"\nsettings:\n${settings}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-live-'));
  const serve = await startServe({ config, dir, env: { HELIX_API_KEY: KEY, BENCH_UPSTREAM_KEY: 'sk-fake', HOME: home, HELIX_CLAUDE_BIN: CLAUDE } });
  return { ...serve, dataDir: path.join(dir, 'data') };
}

/** A turn cancelled mid-answer, then the next turn: from the cancel to the next turn's first token. */
async function cancelThenNext(port, chatId, history) {
  const controller = new AbortController();
  const hung = turn(port, chatId, [...history, { role: 'user', content: 'hang' }], controller.signal).catch(() => undefined);
  await sleep(1500); // the hanging request is upstream by now
  const started = process.hrtime.bigint();
  controller.abort();
  await hung;
  const next = [...history, { role: 'user', content: 'after the cancel' }];
  const { answer, firstAt } = await turn(port, chatId, next);
  if (!answer) throw new Error('no answer after the cancel');
  // The conversation goes on from the new answer (the stopped one is not in what the client shows).
  history.push(next.at(-1), { role: 'assistant', content: answer });
  return Number(firstAt - started) / 1e6;
}

/** Forks the session at every turn, the CLI run directly: what a fork-per-turn runner leaves on disk. */
async function forkEveryTurn(upstream, turns) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-fork-'));
  const cwd = path.join(home, 'work');
  const env = { PATH: process.env.PATH, HOME: home, ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: 'sk-fake', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
  let session;
  for (let i = 1; i <= turns; i++) {
    const args = ['-p', `message ${i}`, '--output-format', 'json', '--model', 'claude-sonnet-4-5', ...(session ? ['--resume', session, '--fork-session'] : [])];
    const out = await new Promise((resolve) => {
      mkdirSync(cwd, { recursive: true });
      const child = spawn(CLAUDE, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
      let text = '';
      child.stdout.on('data', (c) => (text += c));
      child.on('close', () => resolve(text));
    });
    session = JSON.parse(out).session_id;
  }
  const disk = projectsDisk(home);
  rmSync(home, { recursive: true, force: true });
  return disk;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const upstream = await fakeUpstream();
const rows = [];
try {
  // Warm: one chat of TURNS turns, and 5 chats of 2 turns, on the default settings.
  const warmHome = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-home-'));
  const warm = await server(upstream, '  max_live_sessions: 8\n', warmHome);
  const long = await conversation(warm.port, 'long', TURNS);
  const idlePid = claudeProcesses(warm.dataDir)[0];
  await sleep(2000);
  const idleRss = rssKiB(idlePid);
  const warmDisk = projectsDisk(warmHome);
  const warmTurn2 = [];
  const newChat = [];
  for (let i = 0; i < 5; i++) {
    const { ttfts } = await conversation(warm.port, `short-${i}`, 2);
    newChat.push(ttfts[0]);
    warmTurn2.push(ttfts[1]);
  }
  const warmCancel = [];
  for (let i = 0; i < 3; i++) warmCancel.push(await cancelThenNext(warm.port, 'long', long.messages));
  const samePid = claudeProcesses(warm.dataDir).includes(idlePid);
  await warm.stop();
  rmSync(warmHome, { recursive: true, force: true });

  // Cold: the same server with no warm process, so every turn resumes the session in a new one.
  const coldHome = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-home-'));
  const cold = await server(upstream, '  max_live_sessions: 0\n', coldHome);
  const coldLong = await conversation(cold.port, 'long', TURNS);
  const coldTurn2 = [];
  for (let i = 0; i < 5; i++) coldTurn2.push((await conversation(cold.port, `short-${i}`, 2)).ttfts[1]);
  const coldCancel = [];
  for (let i = 0; i < 3; i++) coldCancel.push(await cancelThenNext(cold.port, 'long', coldLong.messages));
  await cold.stop();
  rmSync(coldHome, { recursive: true, force: true });

  // A spare: the next new chat claims a process parked for it.
  const spareHome = mkdtempSync(path.join(os.tmpdir(), 'helix-bench-home-'));
  const spared = await server(upstream, '  spare_session: true\n', spareHome);
  await conversation(spared.port, 'opener', 1);
  const spareNewChat = [];
  for (let i = 0; i < 5; i++) {
    await sleep(2500); // the spare is parked by now
    spareNewChat.push((await conversation(spared.port, `new-${i}`, 1)).ttfts[0]);
  }
  await spared.stop();
  rmSync(spareHome, { recursive: true, force: true });

  const forkTurns = Math.min(TURNS, 20);
  const forked = await forkEveryTurn(upstream, forkTurns);

  const tail = (values) => median(values.slice(-5));
  rows.push(['follow-up, time to first answer token, turn 2 (median of 5 chats)', fmt(median(warmTurn2)), fmt(median(coldTurn2)), 'baseline: a new process resuming the session (`max_live_sessions: 0`)']);
  rows.push([`follow-up, time to first answer token, turns ${TURNS - 4}–${TURNS} of one chat (median)`, fmt(tail(long.ttfts)), fmt(tail(coldLong.ttfts)), 'same chat, history growing']);
  rows.push([`disk under ~/.claude/projects after ${TURNS} turns`, `${kb(warmDisk.total)} (${warmDisk.files} file; final transcript ${kb(warmDisk.largest)})`, `forking every turn: ${kb(forked.total)} after ${forkTurns} turns (${forked.files} files; final ${kb(forked.largest)})`, 'in place: the transcript is all there is']);
  rows.push(['a new chat, time to first answer token (median of 5)', `${fmt(median(spareNewChat))} with a spare (\`spare_session: true\`)`, fmt(median(newChat)), 'baseline: the new chat starts its own process']);
  rows.push(['RSS of an idle warm process', `${(idleRss / 1024).toFixed(0)} MiB after ${TURNS} turns`, '—', 'the CLI process alone']);
  rows.push(['a turn cancelled, then the next turn: cancel to first token (median of 3)', fmt(median(warmCancel)), fmt(median(coldCancel)), `warm: interrupt, same process (${samePid ? 'pid unchanged' : 'pid CHANGED'}); cold: the process ends, a new one resumes`]);
} finally {
  upstream.close();
}

console.log(`\n| measure | warm process | baseline | note |\n|---|---|---|---|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
