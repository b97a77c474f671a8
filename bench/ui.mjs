/* global document, requestAnimationFrame -- the page.evaluate() callback runs in the browser */
// The control panel with a session of 100,000 events in Chromium: time to first render of the
// timeline, frame times while scrolling through it, and JS heap — next to the same page showing
// an empty session, measured in the same run.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CONFIG, KEY, startServe } from './serve.mjs';
import { median, p99 } from './stats.mjs';

const EVENTS = 100_000;

/** A data dir holding one session of `events` timeline events (prompts, tool calls, answers). */
function dataDirWith(events) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-ui-bench-'));
  const id = '11111111-2222-4333-8444-555555555555';
  const sessionDir = path.join(dir, 'data', 'sessions', id);
  mkdirSync(sessionDir, { recursive: true });
  const at = new Date().toISOString();
  const session = { id, role: 'consultant', title: `${events.toLocaleString('en-US')} events`, cwd: sessionDir, createdAt: at, updatedAt: at, turns: [] };
  const lines = [JSON.stringify({ type: 'session', at, session })];
  for (let i = 0, turn = 0; i < events; turn++) {
    const turnId = `t${turn}`;
    lines.push(JSON.stringify({ type: 'prompt', at, turnId, text: `Request ${turn}: please look at the build`, images: [], resumed: null }));
    for (let k = 0; k < 8 && i < events; k++, i++) {
      const id = `${turnId}-${k}`;
      lines.push(JSON.stringify({ type: 'event', at, turnId, event: { type: 'tool_use', id, name: 'Bash', title: `Bash: npm test -- --shard ${k}`, input: { command: `npm test -- --shard ${k}` } } }));
      lines.push(JSON.stringify({ type: 'event', at, turnId, event: { type: 'tool_result', id, name: 'Bash', title: `Bash: npm test -- --shard ${k}`, outcome: 'exit 0', isError: false } }));
    }
    if (i < events) {
      lines.push(JSON.stringify({ type: 'event', at, turnId, event: { type: 'text', text: `All shards pass in turn ${turn}. **Done.**` } }));
      i++;
    }
  }
  writeFileSync(path.join(sessionDir, 'events.ndjson'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(sessionDir, 'session.json'), JSON.stringify(session));
  return dir;
}

async function measure(browser, events) {
  const dir = dataDirWith(events);
  // No HELIX_CLAUDE_BIN: the page is measured, no turn is run.
  const server = await startServe({ config: CONFIG, dir, env: { HELIX_API_KEY: KEY } });
  const url = server.controlUrl;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const started = Date.now();
  await page.goto(url);
  // An empty session shows an empty timeline; a full one, its first rows.
  await page.locator(events > 0 ? '[data-testid="timeline"] [data-index]' : '[data-testid="timeline"]').first().waitFor({ timeout: 120_000 });
  const firstRender = Date.now() - started;
  // A big session opens on its latest page; load the rest, one page after the other.
  const earlier = page.getByRole('button', { name: /^Load earlier/ });
  const loadStarted = Date.now();
  let pages = 0;
  while ((await earlier.count()) > 0) {
    const label = await earlier.textContent();
    await earlier.click();
    await page.waitForFunction((before) => document.querySelector('button.earlier')?.textContent !== before, label);
    pages += 1;
  }
  const loadAll = Date.now() - loadStarted;
  // Scroll through the timeline for two seconds, recording the time between frames.
  const frames = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="timeline"]');
    const gaps = [];
    let last = performance.now();
    const end = last + 2000;
    el.scrollTop = 0;
    while (performance.now() < end) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
      el.scrollTop += 400;
    }
    return gaps;
  });
  const metrics = await cdp.send('Performance.getMetrics');
  const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const rendered = await page.locator('[data-testid="timeline"] [data-index]').count();
  await page.close();
  await server.stop();
  return { firstRender, loadAll, pages, medianFrame: median(frames), p99Frame: p99(frames), heapMiB: heap / 2 ** 20, rendered };
}

export async function benchUi(rows) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const empty = await measure(browser, 0);
    const full = await measure(browser, EVENTS);
    rows('UI: time to first render of the timeline', `${full.firstRender} ms`, `${empty.firstRender} ms`, 'navigation → timeline shown with its latest rows (baseline: the empty timeline)');
    rows('UI: loading the rest of the session', `${full.loadAll} ms`, '—', `${full.pages} more pages of about 5,000 records, by "Load earlier turns"`);
    rows('UI: frame time while scrolling, median', `${full.medianFrame.toFixed(1)} ms`, `${empty.medianFrame.toFixed(1)} ms`, 'the whole session loaded; 2 s of scrolling, 400 px a frame');
    rows('UI: frame time while scrolling, p99', `${full.p99Frame.toFixed(1)} ms`, `${empty.p99Frame.toFixed(1)} ms`, '');
    rows('UI: JS heap after scrolling', `${full.heapMiB.toFixed(1)} MiB`, `${empty.heapMiB.toFixed(1)} MiB`, `rows in the DOM: ${full.rendered} of ${EVENTS.toLocaleString('en-US')}`);
  } finally {
    await browser.close();
  }
}
