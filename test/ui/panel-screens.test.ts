/**
 * The panel as a person uses it, in Debian's Chromium against the real core and claude CLI:
 * an OpenRouter provider added from its preset with the keyboard alone, its key stored, a role
 * switched to it and the switch undone (the file back byte for byte); the Usage screen after a
 * chat; and on every screen axe-core's audit (no serious or critical violation) and a walk with
 * Tab that reaches every control, in the light and the dark theme, 1400 and 900 px wide, with nothing
 * cut off at the right edge. Screenshots of each screen in each theme and width go to test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import { axeViolations as audit } from '../support/axe';
import path from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openPanel, openScreen } from '../support/browser';
import { text } from '../support/fake-anthropic';
import { FakeOpenAi } from '../support/fake-openai';
import { API_KEY, startHarness, type Harness } from '../support/helix-harness';

const ROUTER_SECRET = 'sk-or-v1-typed-with-the-keyboard-0123456789';

let h: Harness;
let router: FakeOpenAi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  router = await new FakeOpenAi(() => ({ kind: 'text', text: 'Answer from OpenRouter.' })).start();
  h = await startHarness(() => text('The answer, with **Markdown**.', { delayMs: 5 }), { role: '"local:claude-sonnet-4-5"   # kept through every edit' });
  ({ browser, page } = await openPanel(h.core.controlUrl));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await router?.close();
});

const file = (): string => readFileSync(h.core.configPath, 'utf8');

const axeViolations = (): Promise<string[]> => audit(page);

/**
 * Tabs through the page from the top (bounded) and returns the enabled, visible controls that
 * focus never reached: each is an action the keyboard cannot do. A tab of a WAI-ARIA tablist
 * counts as reached when its tablist was: Tab enters the list, the arrow keys move inside it.
 */
async function unreachable(): Promise<string[]> {
  await page.evaluate(() => {
    document.querySelectorAll('[data-reached]').forEach((e) => e.removeAttribute('data-reached'));
    (document.activeElement as HTMLElement | null)?.blur();
  });
  const controls = 'button, select, input, textarea, summary, a[href]';
  const count = await page.locator(controls).count();
  for (let i = 0; i < count + 20; i++) {
    await page.keyboard.press('Tab');
    await page.evaluate(() => document.activeElement?.setAttribute('data-reached', ''));
  }
  return page.locator(controls).evaluateAll((elements) =>
    elements
      .filter((e) => !(e as HTMLButtonElement).disabled && (e as HTMLElement).offsetParent !== null && !e.hasAttribute('data-reached'))
      .filter((e) => !(e.getAttribute('role') === 'tab' && e.closest('[role="tablist"]')?.querySelector('[role="tab"][data-reached]')))
      .map((e) => `${e.tagName.toLowerCase()} "${e.getAttribute('aria-label') ?? e.textContent?.trim() ?? ''}"`),
  );
}

/** Visible controls and cells that reach past the window's right edge (cut off), outside a box that scrolls them. */
async function cutOff(): Promise<string[]> {
  return page.evaluate(() => {
    const scrolls = (e: Element): boolean => {
      for (let p = e.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && p.scrollWidth > p.clientWidth) return true;
      }
      return false;
    };
    return [...document.querySelectorAll('button, input, select, textarea, th, td, h1, h2, code, .toast')]
      .filter((e) => {
        const box = e.getBoundingClientRect();
        return box.width > 0 && box.right > window.innerWidth + 1 && !scrolls(e);
      })
      .map((e) => `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 40)}"`);
  });
}

const THEMES = ['light', 'dark'] as const;
const WIDTHS = [1400, 900] as const;

/**
 * One screen in both themes at both widths: a screenshot of each, axe-core's audit (no serious or
 * critical violation) and nothing cut off at the right edge; then the keyboard walk.
 */
async function checkScreen(name: string): Promise<void> {
  for (const theme of THEMES) {
    await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: theme === 'light' ? 'Light' : 'Dark' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    for (const width of WIDTHS) {
      // The screen scrolls inside <main>: the window is made tall enough to show all of it, then put back.
      await page.setViewportSize({ width, height: 800 });
      const height = await page.evaluate(() => {
        const main = document.querySelector('main');
        return main ? main.offsetTop + main.scrollHeight : 800;
      });
      await page.setViewportSize({ width, height: Math.max(800, Math.min(height, 4000)) });
      await page.screenshot({ path: path.join(ARTIFACTS, `panel-${name}-${theme}-${width}.png`), fullPage: true });
      expect(await cutOff(), `cut off on ${name} (${theme}, ${width} px)`).toEqual([]);
      expect(await axeViolations(), `axe on ${name} (${theme}, ${width} px)`).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('group', { name: 'Theme' }).getByRole('button', { name: 'System' }).click();
  expect(await unreachable(), `keyboard on ${name}`).toEqual([]);
}

describe('the panel screens in Chromium', () => {
  it('adds OpenRouter from its preset with the keyboard, stores its key, switches a role to it, and undoes the switch', async () => {
    const original = file();
    await openScreen(page, 'Providers');
    await page.getByRole('button', { name: 'Add provider…' }).focus();
    await page.keyboard.press('Enter');
    const form = page.getByRole('form', { name: 'Add a provider' });
    // OpenRouter is the preset offered first; its address is pointed at the fake OpenRouter on loopback.
    expect(await form.getByLabel('Preset').inputValue()).toBe('openrouter');
    await form.getByLabel('Base URL').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`${router.url}`);
    await form.getByLabel(/^Key \(stored/).focus();
    await page.keyboard.type(ROUTER_SECRET);
    await form.getByLabel(/^Models/).focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('vendor/model-x, vendor/model-y');
    await checkScreen('providers-add');
    expect(file()).toBe(original); // nothing written until the form is submitted
    await form.getByLabel(/^Models/).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Provider openrouter added; its key is stored.').waitFor();
    const added = file();
    expect(added).toContain(`  openrouter:\n    type: openai\n    base_url: ${router.url}\n    api_key_env: OPENROUTER_API_KEY\n`);
    expect(added).toContain('X-Title: Helix Desktop');
    expect(added).not.toContain(ROUTER_SECRET);
    expect(added.startsWith(original.slice(0, original.indexOf('defaults:')).trimEnd())).toBe(true);
    await page.locator('tr', { hasText: 'openrouter' }).getByText('set', { exact: true }).waitFor();

    // The role's picker: arrow keys choose, Enter applies.
    const picker = page.getByLabel('Provider for consultant');
    await picker.focus();
    await picker.selectOption('openrouter:vendor/model-x');
    await page.keyboard.press('Enter');
    await page.getByText('helix-consultant now runs on openrouter:vendor/model-x').waitFor();
    expect(file()).toContain('consultant: "openrouter:vendor/model-x"   # kept through every edit');
    const answer = await new OpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, maxRetries: 0 }).chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: 'Who answers?' }] });
    expect(answer.choices[0]?.message.content).toBe('Answer from OpenRouter.');
    expect(router.requests.at(-1)?.headers.authorization).toBe(`Bearer ${ROUTER_SECRET}`);
    await checkScreen('providers');

    await page.getByRole('button', { name: 'Undo: helix-consultant set to openrouter:vendor/model-x' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Undone: helix-consultant set to openrouter:vendor/model-x. The file is as it was before.').waitFor();
    expect(file()).toBe(added);
    expect(h.core.config.current.roles[0]).toMatchObject({ provider: 'local', model: 'claude-sonnet-4-5' });
    await expect.poll(() => page.getByLabel('Provider for consultant').inputValue()).toBe('local:claude-sonnet-4-5');
    expect(await page.getByRole('button', { name: /^Undo:/ }).count()).toBe(0);

    // The role editor, opened and applied from the keyboard.
    await page.getByRole('button', { name: 'Edit options of helix-consultant' }).focus();
    await page.keyboard.press('Enter');
    const editor = page.getByRole('form', { name: 'Options of helix-consultant' });
    await editor.getByLabel('Max turns').focus();
    await page.keyboard.type('7');
    await page.keyboard.press('Enter');
    await page.getByText("helix-consultant's options saved; the next run uses them.").waitFor();
    expect(file()).toContain('  consultant: # kept through every edit\n    model: local:claude-sonnet-4-5\n    max_turns: 7\n');
    await checkScreen('providers-role-editor');
    expect(await page.content()).not.toContain(ROUTER_SECRET);
  });

  it('opens a session after a chat: Markdown answer, audited and reachable', async () => {
    await new OpenAI({ baseURL: h.core.apiBaseUrl, apiKey: API_KEY, maxRetries: 0 }).chat.completions.create({ model: 'helix-consultant', messages: [{ role: 'user', content: 'Say something' }] });
    await openScreen(page, 'Sessions');
    await page.getByRole('button', { name: /^Say something/ }).click();
    await page.locator('.markdown strong', { hasText: 'Markdown' }).waitFor();
    await checkScreen('sessions');
  });

  it('shows usage: the chat above per day, role, provider and login, exported as CSV', async () => {
    await openScreen(page, 'Usage');
    const roles = page.getByRole('table', { name: 'Per role' });
    await roles.getByText('helix-consultant').waitFor();
    await page.getByRole('table', { name: 'Per provider' }).getByText('local').waitFor();
    await page.getByRole('table', { name: 'Most expensive chats' }).getByText(/^Say something/).waitFor();
    // Claude Code's start line said where its credentials came from: through Helix, an API key.
    await page.getByRole('table', { name: 'Per login' }).getByText(/^API key \(\w+\)$/).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('section,name,cost_usd,tokens,turns');
    expect(csv).toMatch(/\r\nrole,helix-consultant,[\d.]+,\d+,2\r\n/);
    await checkScreen('usage');
  });

  it('audits the Overview and Approvals screens, the Overview showing the chats above in its usage', async () => {
    await openScreen(page, 'Overview');
    const usage = page.getByRole('region', { name: 'Usage' });
    await usage.getByText(/[1-9][\d,]* tokens/).first().waitFor();
    await page.getByRole('region', { name: 'Roles' }).getByText('helix-consultant').waitFor();
    await checkScreen('overview');
    // Narrow, the sidebar shows icons; a focused one shows its name beside it, over the page, not clipped.
    await page.setViewportSize({ width: 900, height: 800 });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Usage' }).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const label = page.getByRole('navigation', { name: 'Screens' }).locator('.nav-label', { hasText: 'Usage' });
    const shown = await label.evaluate((element) => {
      const box = element.getBoundingClientRect();
      // Clipped if a box it is in cuts it (overflow other than visible) and does not hold all of it.
      let clipped = false;
      for (let p = element.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        const outer = p.getBoundingClientRect();
        if (style.overflowX !== 'visible' && (box.left < outer.left || box.right > outer.right)) clipped = true;
      }
      const style = getComputedStyle(element);
      return { visible: !clipped && style.opacity === '1' && style.clipPath === 'none', left: box.left };
    });
    expect(shown.visible).toBe(true);
    expect(shown.left).toBeGreaterThan(56); // beside the icons, not over them
    await page.screenshot({ path: path.join(ARTIFACTS, 'panel-sidebar-narrow-focus.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await openScreen(page, 'Approvals');
    await page.getByText('Nothing is waiting for an answer.').waitFor();
    await checkScreen('approvals');
  });

  it('audits the Server and Settings screens', async () => {
    await openScreen(page, 'Server');
    await page.getByRole('table', { name: 'Request log' }).waitFor();
    await checkScreen('server');
    await openScreen(page, 'Settings');
    await page.getByLabel('Runs at once').waitFor();
    await checkScreen('settings');
  });

  it('audits the Logs screen (the request log and the diagnostic log) and the set-up guide', async () => {
    await openScreen(page, 'Logs');
    await page.getByRole('table', { name: 'Requests' }).waitFor();
    await checkScreen('logs-requests');
    await page.getByRole('tab', { name: 'Diagnostic log' }).click();
    await page.getByRole('table', { name: 'Diagnostic log records' }).waitFor();
    await checkScreen('logs-diagnostic');
    await openScreen(page, 'Set-up');
    await page.getByRole('button', { name: 'Hide the guide' }).waitFor();
    await checkScreen('setup');
  });
});
