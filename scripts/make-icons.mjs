// Renders build/icon.svg to the PNGs electron-builder and the tray use, with Debian's Chromium.
// Run after changing the SVG: node scripts/make-icons.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const build = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build');
const svg = readFileSync(path.join(build, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
for (const [file, size] of [['icon.png', 512], ['tray.png', 32]]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`);
  await page.screenshot({ path: path.join(build, file), omitBackground: true });
  await page.close();
}
await browser.close();
