/**
 * A running session in the panel, in a real browser (Debian's Chromium driven by playwright-core)
 * against the core with the real claude CLI and a fake upstream that streams slowly: the answer
 * grows delta by delta on screen, and a session opened mid-answer shows what was relayed so far,
 * then the rest, with no hole and no word twice. Every state the answer passes through on screen is
 * recorded in the page, so what is asserted is each step, not only the end.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPanel, openScreen } from '../support/browser';
import { lastUserText, text } from '../support/fake-anthropic';
import { chatBody, contentOf, parseSse, startHarness, type Harness } from '../support/helix-harness';

/** Plain words (no Markdown), so the text on screen is the text relayed; one answer per session. */
const WATCHED = 'Word after word the answer grows on screen while Claude Code is still writing it, and nothing is lost or shown twice on the way to the end.';
const OPENED_LATE = 'Opened in the middle, the session shows every word relayed before, then the words that follow, each exactly once and in order, to the last.';

let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await startHarness((req) => text(lastUserText(req).includes('midway') ? OPENED_LATE : WATCHED, { chunkSize: 4, delayMs: 50 }));
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** Records in the page every text the shown answer takes, from now on. */
async function recordAnswerStates(): Promise<void> {
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { answerStates: string[] }).answerStates = states;
    const look = (): void => {
      const answer = document.querySelector('.item.answer .markdown')?.textContent ?? '';
      if (answer && answer !== states.at(-1)) states.push(answer);
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function answerStatesUntil(full: string): Promise<string[]> {
  await page.waitForFunction((whole) => (window as unknown as { answerStates: string[] }).answerStates.at(-1) === whole, full, { timeout: 30_000 });
  return page.evaluate(() => (window as unknown as { answerStates: string[] }).answerStates);
}

/** Each state a start of the answer, each longer than the one before: it only ever grew, with no hole. */
function expectGrowingPrefixes(states: string[], full: string): void {
  for (const state of states) expect(full.startsWith(state.trimEnd()), `"${state}" is not how the answer starts`).toBe(true);
  for (let i = 1; i < states.length; i++) expect(states[i]!.length).toBeGreaterThan(states[i - 1]!.length);
}

/** Starts a streamed chat and resolves once its client has received at least `chars` of the answer. */
async function chatUntil(chatId: string, prompt: string, chars: number): Promise<{ relayed: string; rest: Promise<string> }> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody(prompt), headers: { 'x-helix-chat-id': chatId } });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let body = '';
  let relayed = '';
  while (relayed.length < chars) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the answer ended after ${relayed.length} characters`);
    body += decoder.decode(value, { stream: true });
    relayed = contentOf(parseSse(body.slice(0, body.lastIndexOf('\n\n') + 2)).events);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return contentOf(parseSse(body).events);
      body += decoder.decode(value, { stream: true });
    }
  })();
  return { relayed, rest };
}

describe('a running session in Chromium', () => {
  it('shows the answer growing delta by delta in the open session', async () => {
    await openScreen(page, 'Sessions');
    await page.getByText('No sessions yet').waitFor();
    await recordAnswerStates();
    const chat = h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Write slowly'), headers: { 'x-helix-chat-id': 'watched' } }).then((r) => r.text());
    await page.locator('.item.prompt', { hasText: 'Write slowly' }).waitFor({ timeout: 30_000 });
    const states = await answerStatesUntil(WATCHED);
    expect(contentOf(parseSse(await chat).events)).toBe(WATCHED);
    // ~35 deltas 50 ms apart: the screen showed many steps of the answer, not only the last.
    expect(states.length).toBeGreaterThanOrEqual(5);
    expectGrowingPrefixes(states, WATCHED);
  });

  it('opened mid-answer, shows everything relayed so far, then the rest live', async () => {
    await openScreen(page, 'Server'); // the timeline is closed while the answer starts
    const { relayed, rest } = await chatUntil('opened-late', 'Open me midway', 40);
    await recordAnswerStates();
    await openScreen(page, 'Sessions');
    await page.getByRole('button', { name: /^Open me midway/ }).click();
    const states = await answerStatesUntil(OPENED_LATE);
    expect(await rest).toBe(OPENED_LATE);
    // The first thing shown already held all the chat client had received when the panel opened…
    expect(states[0]!.length).toBeGreaterThanOrEqual(relayed.trimEnd().length);
    // …and it was mid-answer: what followed came live, step by step.
    expect(states.length).toBeGreaterThanOrEqual(3);
    expectGrowingPrefixes(states, OPENED_LATE);
  });
});
