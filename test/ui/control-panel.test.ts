/**
 * The control panel in a real browser (Debian's Chromium driven by playwright-core) against the
 * core with the real claude CLI: a chat appears live with its tool calls, a provider switch in the
 * UI rewrites the YAML and moves the next turn, the API server restarts, and a broken hand edit
 * shows an error while the last good config keeps serving. Screenshots go to test-artifacts/.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openPanel, openScreen } from '../support/browser';
import { hasToolResults, text } from '../support/fake-anthropic';
import { FakeOpenAi } from '../support/fake-openai';
import { filesUnder } from '../support/files-under';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';


let h: Harness;
let openai: FakeOpenAi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  openai = await new FakeOpenAi(() => ({ kind: 'text', text: 'Answer from the router.' })).start();
  h = await startHarness(
    (req) => (hasToolResults(req) ? text('The command printed ui-test.', { delayMs: 30 }) : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo ui-test' } }] }),
    {
      extraProviders: `  router:\n    type: openai\n    base_url: ${openai.url}\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]`,
      role: '"local:claude-sonnet-4-5"   # the consultant, switched in the UI',
      extraYaml: 'services:\n  remote-api:\n    restart_command: ["sh", "-c", "echo restarted the remote api"]\n',
    },
  );
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await openai?.close();
});

const client = (): OpenAI => new OpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, maxRetries: 0 });
/** What each screenshot showed, as markup and field values, to search for secrets afterwards. */
const screens: Array<{ name: string; content: string }> = [];
async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const values = await page.locator('input, textarea, select').evaluateAll((fields) => fields.map((f) => (f as HTMLInputElement).value));
  screens.push({ name, content: `${await page.content()}\n${values.join('\n')}` });
}

/** A key typed into the panel for the router provider. */
const ROUTER_SECRET = 'sk-or-v1-typed-in-the-panel-0123456789';

describe('control panel in Chromium', () => {
  it('shows an empty state, then a chat live with its tool call and answer', async () => {
    await openScreen(page, 'Sessions');
    await page.getByText('No sessions yet').waitFor();
    await shot('sessions-empty');
    const chat = client().chat.completions.create({ model: 'helix-consultant', stream: false, messages: [{ role: 'user', content: 'Run echo ui-test' }] });
    // The call's card, named by its title, shows the command as Bash reads.
    const card = page.locator('article[aria-label="Bash: echo ui-test"]');
    await card.waitFor({ timeout: 30_000 });
    await card.getByText('$ echo ui-test').waitFor();
    await chat;
    await page.getByText('exit 0').first().waitFor();
    await page.getByText('The command printed ui-test.').waitFor();
    await page.getByText('Run echo ui-test').first().waitFor();
    await shot('sessions-live');
    // The key never shows unless asked for, and the token left the address bar.
    expect(page.url()).not.toContain('token=');
  });

  it('switches a role in the UI: the YAML changes with its comment kept, and the next turn goes to the new provider', async () => {
    await openScreen(page, 'Providers');
    await page.getByLabel('Provider for consultant').selectOption('router:vendor/model-x');
    await page.getByRole('button', { name: 'Apply Provider for consultant' }).click();
    await page.getByText('helix-consultant now runs on router:vendor/model-x').waitFor();
    // Its key is missing until typed in here; it is stored, never shown.
    await page.getByLabel('Key for ROUTER_KEY').fill(ROUTER_SECRET);
    await page.getByLabel('Key for ROUTER_KEY').press('Enter');
    await expect.poll(() => page.getByLabel('Key for ROUTER_KEY').inputValue()).toBe('');
    // Models fetched from the provider's /models join the picker; the connection test answers.
    const router = page.locator('td[data-provider="router"]');
    await router.getByRole('button', { name: 'Fetch models' }).click();
    await page.getByText('router lists 2 models').waitFor();
    expect(await page.getByLabel('Provider for consultant').locator('option').allTextContents()).toContain('router:vendor/model-y');
    await router.getByRole('button', { name: 'Test connection' }).click();
    await router.getByText(/Reachable, answered in \d+ ms/).waitFor();
    await shot('providers');
    expect(readFileSync(h.core.configPath, 'utf8')).toContain('"router:vendor/model-x"   # the consultant, switched in the UI');
    const answer = await client().chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: 'Who answers?' }] });
    expect(answer.choices[0]?.message.content).toBe('Answer from the router.');
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests.every((r) => r.headers.authorization === `Bearer ${ROUTER_SECRET}`)).toBe(true);
  });

  it('restarts the API server from the UI, and shows it back', async () => {
    await openScreen(page, 'Server');
    const before = (await (await h.api('/health')).json()) as { uptime_seconds: number };
    expect(before.uptime_seconds).toBeGreaterThanOrEqual(0);
    await page.locator('tr[data-component="api"] button', { hasText: 'Restart' }).click();
    await page.locator('tr[data-component="api"] td.state', { hasText: 'running' }).waitFor();
    expect((await h.api('/v1/models')).status).toBe(200);
    await page.getByText(h.core.apiBaseUrl).waitFor();
    // The request log lists the chat turns above, the proxied one and the API's own requests.
    const log = page.getByRole('table', { name: 'Request log' });
    await log.getByText('POST /v1/chat/completions').first().waitFor();
    await log.getByText('POST /p/router/v1/messages').first().waitFor();
    // A managed service's restart command runs from the panel.
    await page.locator('tr[data-service="remote-api"] button', { hasText: 'Restart' }).click();
    await page.locator('tr[data-service="remote-api"] td.state', { hasText: 'running' }).waitFor();
    await page.locator('tr[data-service="remote-api"] summary').click();
    await page.getByText('restarted the remote api').waitFor();
    await shot('server');
    // The diagnostic log, on the Logs screen the Server screen links to: its file and latest records (the runs above), filtered by level.
    await page.getByRole('link', { name: 'Logs screen' }).click();
    await page.getByRole('tab', { name: 'Diagnostic log' }).click();
    await page.getByText(path.join(h.dataDir, 'logs', 'helix.log')).waitFor();
    const records = page.getByRole('table', { name: 'Diagnostic log records' });
    await records.getByText('claude started').first().waitFor();
    await page.getByRole('region', { name: 'Diagnostic log' }).getByRole('button', { name: 'Refresh' }).click();
    await records.getByText('service command ran').first().waitFor();
    await page.getByLabel('Log level').selectOption('warn');
    await page.getByText('Nothing logged at warn or worse yet.').or(records.locator('tr[data-level="warn"]').first()).waitFor();
    expect(await records.locator('tr[data-level="info"]').count()).toBe(0);
    await page.getByLabel('Log level').selectOption('');
    await records.getByText('claude started').first().waitFor();
    await shot('logs');
  });

  it('changes a setting from the Settings tab, written into the YAML', async () => {
    await openScreen(page, 'Settings');
    await page.getByLabel('When a client leaves').selectOption('finish');
    await page.getByRole('button', { name: 'Apply When a client leaves' }).click();
    await page.getByText('When a client leaves: finish saved; the next run uses it.').waitFor();
    expect(readFileSync(h.core.configPath, 'utf8')).toContain('on_disconnect: finish');
    expect(h.core.config.current.settings.on_disconnect).toBe('finish');
    await shot('settings');
  });

  it('shows a broken hand edit of the YAML as an error, while the last good config keeps serving', async () => {
    const good = readFileSync(h.core.configPath, 'utf8');
    writeFileSync(h.core.configPath, good.replace('defaults:', 'defaults: [oops'));
    await page.getByRole('alert').filter({ hasText: 'last good config keeps serving' }).waitFor({ timeout: 10_000 });
    await shot('config-error');
    const models = (await (await h.api('/v1/models')).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['helix-consultant']);
    writeFileSync(h.core.configPath, good);
    await page.getByRole('alert').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('exports a session as Markdown: prompts, tool calls with their output, answers', async () => {
    await openScreen(page, 'Sessions');
    await page.getByRole('button', { name: /^Run echo ui-test/ }).click();
    await page.getByText('The command printed ui-test.').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as Markdown' }).click()]);
    expect(download.suggestedFilename()).toBe('run-echo-ui-test.md');
    exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toMatch(/^# Run echo ui-test\n/);
    expect(exported).toContain('## You\n\nRun echo ui-test');
    expect(exported).toContain('**Bash: echo ui-test** — exit 0');
    expect(exported).toContain('"command": "echo ui-test"');
    expect(exported).toContain('## Claude Code\n\nThe command printed ui-test.');
    await shot('sessions-export');
  });

  it('shows and writes no secret: every screen, the export, and every file Helix wrote but the key store', () => {
    const secrets = [API_KEY, h.env.LOCAL_KEY!, ROUTER_SECRET];
    expect(screens.map((s) => s.name)).toEqual(['sessions-empty', 'sessions-live', 'providers', 'server', 'logs', 'settings', 'config-error', 'sessions-export']);
    for (const screen of screens) for (const secret of secrets) expect(screen.content, screen.name).not.toContain(secret);
    for (const secret of secrets) expect(exported).not.toContain(secret);

    const written = filesUnder(path.dirname(h.dataDir)).filter((f) => !f.startsWith(path.join(path.dirname(h.dataDir), 'home')));
    const keyStore = path.join(h.dataDir, 'keys.json');
    expect(written).toContain(keyStore);
    expect(statSync(keyStore).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyStore, 'utf8')).toContain(ROUTER_SECRET); // the one place it is kept
    expect(written.filter((f) => f.endsWith('events.ndjson')).length).toBeGreaterThanOrEqual(2);
    for (const file of written.filter((f) => f !== keyStore)) {
      const content = readFileSync(file, 'latin1');
      for (const secret of secrets) expect(content, file).not.toContain(secret);
    }
  });
});

let exported = '';
