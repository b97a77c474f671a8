/**
 * The set-up guide and the Logs screen in Debian's Chromium against `helix serve` (a process of
 * its own, the real `claude` CLI, a fake Anthropic API on loopback): a first start with no
 * provider key opens on the guide, which finds Claude Code, stores the key, shows the Open WebUI
 * details and sends a test chat to a real answer, followed live; then a provider that refuses and
 * echoes the key fails a chat, whose request is opened on the Logs screen with the key cut out;
 * the diagnostic log is searched and followed. axe-core finds no serious or critical violation
 * on either screen; screenshots go to test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { ARTIFACTS, openPanel, openScreen } from '../support/browser';
import { FakeAnthropic, text } from '../support/fake-anthropic';
import { buildServeIfMissing, serveReady, type ServeProcess } from '../support/serve-process';

const UPSTREAM_KEY = 'sk-ant-typed-into-the-guide-0123456789';
const API_KEY = 'sk-helix-ui-setup-key';

let fake: FakeAnthropic;
let root: string;
let serve: { url: string; proc: ServeProcess; output: () => string };
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await buildServeIfMissing();
  fake = await new FakeAnthropic(() => text('Hello from the fake provider: I can hear you.', { delayMs: 20 })).start();
  root = mkdtempSync(path.join(os.tmpdir(), 'helix-ui-setup-'));
  mkdirSync(path.join(root, 'home'));
  const config = path.join(root, 'llm-providers.yaml');
  // The provider's key is not in the environment: set-up is incomplete until the guide stores it.
  writeFileSync(config, `providers:\n  local:\n    type: anthropic\n    base_url: ${fake.url}\n    api_key_env: LOCAL_KEY\n    models: [claude-sonnet-4-5]\ndefaults:\n  consultant: "local:claude-sonnet-4-5"\n`);
  serve = await serveReady(['--port', '0', '--config', config, '--data-dir', path.join(root, 'data')], { HOME: path.join(root, 'home'), HELIX_API_KEY: API_KEY, LOCAL_KEY: '' });
  // The control panel's line follows the ready line.
  for (let i = 0; i < 100 && !/control panel: \S+\n/.test(serve.output()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const controlUrl = /control panel: (\S+)/.exec(serve.output())![1]!;
  ({ browser, page } = await openPanel(controlUrl));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  serve?.proc.kill('SIGTERM');
  await serve?.proc;
  await fake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  // The screen scrolls inside <main>: the window is made tall enough to show all of it, then put back.
  const height = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.offsetTop + main.scrollHeight : 800;
  });
  await page.setViewportSize({ width: 1280, height: Math.max(800, Math.min(height + 20, 4000)) });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

const step = (n: number) => page.locator('li.setup-step').nth(n - 1);

describe('the set-up guide and the Logs screen, against serve', () => {
  it('walks the guide: Claude Code found, the key stored, Open WebUI details, a test chat to a real answer', async () => {
    // Opened on the guide: the role's provider has no key.
    await page.getByRole('heading', { name: 'Set-up' }).waitFor();
    await step(1).getByText(/\d+\.\d+\.\d+ \(Claude Code\)/).waitFor({ timeout: 30_000 });
    await step(1).getByText(/Not logged in/).waitFor();
    await step(2).locator('td.bad', { hasText: 'missing' }).waitFor();
    await shot('setup-guide-start');

    const s2 = step(2);
    expect(await s2.locator('select').inputValue()).toBe('existing:local');
    const key = s2.getByLabel(/^Key \(LOCAL_KEY\)/);
    expect(await key.getAttribute('type')).toBe('password');
    await key.fill(UPSTREAM_KEY);
    await s2.getByRole('button', { name: 'Use local for every role' }).click();
    await s2.getByText("Every role now runs on local:claude-sonnet-4-5; the key is stored in Helix's key store.").waitFor();
    expect(await key.inputValue()).toBe('');
    await s2.locator('td.good', { hasText: 'set' }).waitFor();
    await page.locator('li.setup-step.done').nth(1).waitFor(); // steps 1 and 2 done

    const s3 = step(3);
    await s3.getByText(/http:\/\/127\.0\.0\.1:\d+\/v1/).waitFor();
    await s3.getByText('helix-consultant').waitFor();
    expect(await s3.textContent()).not.toContain(API_KEY); // behind its button

    await step(4).getByRole('button', { name: 'Send a test chat' }).click();
    await step(4).getByText('Claude Code started', { exact: false }).waitFor({ timeout: 30_000 });
    const result = step(4).locator('.test-result.good');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toMatch(/It works\. Answered in \d+\.\d s for \$\d+\.\d{4} \(\d[\d,]* tokens\):Hello from the fake provider: I can hear you\./);
    // It went through the real path: the provider got the key typed into the guide.
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(await page.locator('body').textContent()).not.toContain(UPSTREAM_KEY);
    await shot('setup-guide');
    expect(await axeViolations(page), 'axe on the set-up guide').toEqual([]);
  }, 120_000);

  it('opens a failed request\'s drill-down on the Logs screen, with the echoed key cut out', async () => {
    fake.setScript((req) => ({ kind: 'error', status: 401, message: `Invalid API key: ${String(req.headers['x-api-key'])}` }));
    await openScreen(page, 'Logs');
    const table = page.getByRole('table', { name: 'Requests' });
    await table.getByText('/v1/chat/completions').first().waitFor();
    const rowsBefore = await table.locator('tbody tr').count();
    // A chat that fails now appears in the open table without a reload.
    const response = await fetch(`${serve.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 6.49.0' },
      body: JSON.stringify({ model: 'helix-consultant', stream: false, messages: [{ role: 'user', content: 'This one fails.' }] }),
    });
    expect(response.status).toBe(502);
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(rowsBefore);

    await page.getByLabel('Request outcome').selectOption('errors');
    const failed = table.locator('tbody tr', { hasText: 'OpenAI/JS' });
    await failed.waitFor();
    await failed.getByRole('button', { name: /^Details of POST \/v1\/chat\/completions/ }).click();
    const details = page.getByRole('complementary', { name: 'Request details' });
    await details.getByText('502 · failed').waitFor();
    const shown = (await details.textContent())!;
    expect(shown).toContain('helix-consultant');
    expect(shown).toContain('local');
    expect(shown).toContain('rejected the API key (HTTP 401)');
    expect(shown).toContain('Invalid API key: [redacted]');
    expect(shown).toContain('Open its session');
    expect(await page.locator('body').textContent()).not.toContain(UPSTREAM_KEY);
    await shot('logs-request-details');
    expect(await axeViolations(page), 'axe on the Logs screen').toEqual([]);

    // The session link opens that chat in Sessions.
    await details.getByRole('link', { name: 'Open its session' }).click();
    await page.getByText('This one fails.').first().waitFor();
  }, 60_000);

  it('searches the diagnostic log on the server and shows new records while following', async () => {
    await openScreen(page, 'Logs');
    await page.getByRole('tab', { name: 'Requests' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Diagnostic log' }).getAttribute('aria-selected')).toBe('true');
    const records = page.getByRole('table', { name: 'Diagnostic log records' });
    await records.getByText('claude started').first().waitFor();
    await page.getByLabel('Search the diagnostic log').fill('CONFIG RELOADED');
    // Searched on the server: only the matching records (the guide's edits reloaded the config) are shown.
    await expect.poll(async () => (await records.locator('tbody tr td:nth-child(4)').allTextContents()).every((msg) => msg === 'config reloaded') && (await records.locator('tbody tr').count()) > 0, { timeout: 10_000 }).toBe(true);
    const before = await records.locator('tbody tr').count();
    // A hand edit of the config is logged; the followed view shows it without a click.
    const config = path.join(root, 'llm-providers.yaml');
    writeFileSync(config, `# edited by hand\nsettings:\n  run_timeout_seconds: 900\nproviders:\n  local:\n    type: anthropic\n    base_url: ${fake.url}\n    api_key_env: LOCAL_KEY\n    models: [claude-sonnet-4-5]\ndefaults:\n  consultant: "local:claude-sonnet-4-5"\n`);
    await expect.poll(() => records.locator('tbody tr').count(), { timeout: 15_000 }).toBe(before + 1);
    await shot('logs-diagnostic');
    expect(await axeViolations(page), 'axe on the diagnostic log').toEqual([]);
  }, 60_000);
});
