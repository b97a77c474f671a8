/**
 * Settings and pickers in a real browser (Debian's Chromium, keyboard only) against the core: the
 * fields follow hand edits of the YAML live, tabbing through them writes nothing, moving a select
 * with the arrow keys writes nothing, Apply writes the one value chosen, and bypassPermissions is
 * asked for in a dialog first. Screenshots go to test-artifacts/.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openPanel, openScreen } from '../support/browser';
import { text } from '../support/fake-anthropic';
import { startHarness, type Harness } from '../support/helix-harness';


let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await startHarness(() => text('unused'), {
    extraProviders: '  router:\n    type: openai\n    base_url: http://127.0.0.1:9/v1\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]',
    role: '"local:claude-sonnet-4-5"   # the consultant',
    extraYaml: 'settings:\n  run_timeout_seconds: 600   # ten minutes\n  permission_mode: default   # ask before writing\n',
  });
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shot = (name: string): Promise<Buffer> => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const yaml = (): string => readFileSync(h.core.configPath, 'utf8');
/** Gives a stray write (a request from the page, then the file) time to land before saying there was none. */
const settle = (): Promise<void> => sleep(500);
const press = async (key: string, times = 1): Promise<void> => {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
};
const focusedLabel = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null);

describe('settings and pickers in Chromium, keyboard only', () => {
  it('shows a hand edit of the YAML live in the Settings fields, and tabbing through them writes nothing', async () => {
    await openScreen(page, 'Settings');
    const timeout = page.getByLabel('Run time limit (s)', { exact: true });
    expect(await timeout.inputValue()).toBe('600');
    const edited = yaml().replace('run_timeout_seconds: 600', 'run_timeout_seconds: 900');
    writeFileSync(h.core.configPath, edited);
    await expect.poll(() => timeout.inputValue(), { timeout: 10_000 }).toBe('900');
    await timeout.focus();
    await press('Tab', 8);
    await settle();
    expect(yaml()).toBe(edited);
    expect(h.core.config.current.settings.run_timeout_seconds).toBe(900);
    await shot('settings-live-follow');
  });

  it('writes nothing while the arrow keys move the permission mode; Apply writes it, and bypassPermissions is confirmed first', async () => {
    const before = yaml();
    await page.getByLabel('Permission mode', { exact: true }).focus();
    await press('ArrowDown', 5);
    expect(await page.getByLabel('Permission mode', { exact: true }).inputValue()).toBe('bypassPermissions');
    await settle();
    expect(yaml()).toBe(before);
    await shot('settings-pending');

    // Apply → a dialog that says what it allows, focus inside it; Escape cancels and nothing is written.
    await press('Tab');
    expect(await focusedLabel()).toBe('Apply Permission mode');
    await press('Enter');
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('runs every tool');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="alertdialog"]') !== null)).toBe(true);
    await shot('settings-confirm-bypass');
    await settle();
    expect(yaml()).toBe(before);
    await press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focusedLabel()).toBe('Apply Permission mode');
    await settle();
    expect(yaml()).toBe(before);

    // A mode that needs no confirmation is written on Apply, with the line's comment kept.
    await press('Shift+Tab');
    await press('ArrowUp');
    expect(await page.getByLabel('Permission mode', { exact: true }).inputValue()).toBe('auto');
    await press('Tab');
    await press('Enter');
    await expect.poll(yaml).toContain('permission_mode: auto   # ask before writing');
    expect(yaml()).toBe(before.replace('permission_mode: default', 'permission_mode: auto'));
    expect(h.core.config.current.settings.permission_mode).toBe('auto');
    await page.getByRole('button', { name: 'Apply Permission mode' }).waitFor({ state: 'detached' });
    expect(await focusedLabel()).toBe('Permission mode');

    // bypassPermissions is written once the dialog is confirmed.
    await press('ArrowDown');
    await press('Tab');
    await press('Enter');
    await dialog.waitFor();
    await press('Tab');
    expect(await focusedLabel()).toBe('Run without asking');
    await press('Enter');
    await expect.poll(yaml).toContain('permission_mode: bypassPermissions   # ask before writing');
    expect(h.core.config.current.settings.permission_mode).toBe('bypassPermissions');
    await shot('settings-applied');
  });

  it('shows a refused value next to its field, writes nothing, and Escape gives it up', async () => {
    const before = yaml();
    const retries = page.getByLabel('Retries of a failed provider call', { exact: true });
    await retries.focus();
    await press('Control+A');
    await page.keyboard.type('11');
    await press('Enter');
    const alert = page.locator('.field').filter({ has: retries }).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/max_retries/);
    expect(await retries.inputValue()).toBe('11');
    expect(yaml()).toBe(before);
    await shot('settings-refused');
    await press('Escape');
    expect(await retries.inputValue()).toBe('4');
    await alert.waitFor({ state: 'detached' });
    expect(yaml()).toBe(before);
  });

  it('writes nothing while the arrow keys move a role picker, writes it on Apply, and follows a hand edit of the role', async () => {
    await openScreen(page, 'Providers');
    const picker = page.getByLabel('Provider for consultant', { exact: true });
    const before = yaml();
    await picker.focus();
    await press('ArrowDown', 2);
    expect(await picker.inputValue()).toBe('router:vendor/model-x');
    await settle();
    expect(yaml()).toBe(before);
    await shot('providers-pending');
    await press('Tab');
    expect(await focusedLabel()).toBe('Apply Provider for consultant');
    await press('Enter');
    await expect.poll(yaml).toContain('consultant: "router:vendor/model-x"   # the consultant');
    await page.getByText('helix-consultant now runs on router:vendor/model-x').waitFor();

    const edited = yaml().replace('"router:vendor/model-x"', '"local:claude-opus-4-1"');
    writeFileSync(h.core.configPath, edited);
    await expect.poll(() => picker.inputValue(), { timeout: 10_000 }).toBe('local:claude-opus-4-1');
    await press('Tab', 3);
    await settle();
    expect(yaml()).toBe(edited);
    await shot('providers-applied');
  });
});
