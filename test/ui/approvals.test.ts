/**
 * Approvals in the control panel, in Chromium against the core with the real claude CLI: a Write
 * waits with a count in the tab bar and is allowed with a click from the inbox; a Bash call is
 * denied inline in its session's timeline with the keyboard only. Screenshots go to test-artifacts/.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasToolResults, text, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { ARTIFACTS, openPanel, openScreen, screenButton } from '../support/browser';
import { startHarness, type Harness } from '../support/helix-harness';

let h: Harness;
let browser: Browser;
let page: Page;
const project = mkdtempSync(path.join(os.tmpdir(), 'helix-ui-project-'));

/** What the CLI sent back for the tool call: the tool's output or the denial's message. */
function toolResult(req: FakeRequest): string {
  const last = req.body.messages?.at(-1);
  const part = (last?.content as Array<{ type?: string; content?: unknown }>).find((p) => p.type === 'tool_result');
  const content = typeof part?.content === 'string' ? part.content : ((part?.content as Array<{ text?: string }>) ?? []).map((p) => p.text ?? '').join('');
  return content.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}

function script(req: FakeRequest): Reply {
  if (hasToolResults(req)) return text(`Tool said: ${toolResult(req)}`);
  const asked = JSON.stringify(req.body.messages ?? []);
  if (asked.includes('Write it')) return { kind: 'message', blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: path.join(project, 'from-ui.txt'), content: 'allowed in the panel\n' } }] };
  return { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'touch keyboard.txt', description: 'Make a file' } }] };
}

beforeAll(async () => {
  h = await startHarness(script, { role: `{ model: "local:claude-sonnet-4-5", cwd: "${project}" }` });
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

function chat(chatId: string, content: string): Promise<string> {
  return h
    .api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages: [{ role: 'user', content }] }) })
    .then((r) => r.json() as Promise<{ choices: Array<{ message: { content: string } }> }>)
    .then((body) => body.choices[0]!.message.content);
}

/** The accessible name of the focused element. */
const focused = (): Promise<string> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');

describe('approvals in the panel', () => {
  it('a waiting Write shows a count on the sidebar and its run on the Overview; a click on "Allow Write once" in the inbox lets it run', async () => {
    const answer = chat('ui-write', 'Write it');
    await screenButton(page, 'Approvals').getByLabel('1 waiting').waitFor({ timeout: 30_000 });
    // The Overview, opened while the turn waits: the run in flight (its chat and time) and the question.
    await openScreen(page, 'Overview');
    const runs = page.getByRole('list', { name: 'Runs in flight' });
    await runs.getByText('Write it').waitFor();
    expect(await runs.locator('.elapsed').textContent()).toMatch(/running for \d+:\d\d/);
    await page.getByRole('list', { name: 'Approvals waiting' }).getByText('Write from-ui.txt').waitFor();
    expect(await page.getByRole('list', { name: 'Status' }).textContent()).toContain('1 run in flight');
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-live.png'), fullPage: true });
    await openScreen(page, 'Approvals');
    await page.getByText('Claude Code asks: Write from-ui.txt').waitFor();
    await page.getByText('allowed in the panel').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'approvals-inbox.png'), fullPage: true });
    await page.getByRole('button', { name: 'Allow Write once' }).click();
    expect(await answer).toMatch(/^Tool said: File created successfully/);
    expect(readFileSync(path.join(project, 'from-ui.txt'), 'utf8')).toBe('allowed in the panel\n');
    await page.getByText('Nothing is waiting for an answer').waitFor();
    expect(await screenButton(page, 'Approvals').getByLabel(/waiting/).count()).toBe(0);
  });

  it('a Bash call is denied inline in its timeline with the keyboard only, with a message Claude Code receives', async () => {
    await openScreen(page, 'Sessions');
    const answer = chat('ui-bash', 'Touch it');
    await page.getByText('Claude Code asks: Bash `touch keyboard.txt`').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'approvals-inline.png'), fullPage: true });
    // Tab to the message field, type, Tab on to "Deny Bash", Enter: no mouse.
    const field = page.getByLabel('Message to Claude Code with the denial of Bash');
    for (let i = 0; i < 60 && !(await field.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.type('Not now, thanks.');
    for (let i = 0; i < 10 && (await focused()) !== 'Deny Bash'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Deny Bash');
    await page.keyboard.press('Enter');
    expect(await answer).toBe('Tool said: Not now, thanks.');
    expect(existsSync(path.join(project, 'keyboard.txt'))).toBe(false);
    await page.getByText(/denied from the panel at .* — “Not now, thanks\.”/).waitFor();
  });
});
