/**
 * The control panel in Debian's Chromium (headless, driven by playwright-core), and where the
 * browser tests save their screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts');

/** Opens `url` in a new headless Chromium; the flags keep it off the network this machine does not have. */
export async function openPanel(url: string): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  return { browser, page };
}

/** The panel's screens, as the sidebar names them. */
export type ScreenName = 'Overview' | 'Sessions' | 'Approvals' | 'Providers' | 'Usage' | 'Server' | 'Logs' | 'Settings' | 'Set-up';

/**
 * A screen's button in the sidebar (its name may go on with a badge: "Approvals 2 waiting").
 * The one place that knows how the panel navigates: tests open screens through it.
 */
export function screenButton(page: Page, name: ScreenName): Locator {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: new RegExp(`^${name}\\b`) });
}

/** Opens a screen from the sidebar and waits until it is the current one. */
export async function openScreen(page: Page, name: ScreenName): Promise<void> {
  const button = screenButton(page, name);
  await button.click();
  await page.locator('nav[aria-label="Screens"] [aria-current="page"]', { hasText: name }).waitFor();
}
