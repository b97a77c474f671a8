/**
 * The desktop app end to end with Playwright's Electron driver: the window opens on the control
 * panel, a provider switch from the UI, a restart, `GET /v1/models` answering, and the security
 * checklist at run time (no Node in the page, no popups, navigation or permissions). Electron's
 * binary is fetched at first launch from outside the package registries, so where it is absent
 * this file is skipped, and says why.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openScreen, screenButton } from '../support/browser';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The Electron executable, or why there is none. Read from the package's path.txt rather than
 * require('electron'), which would try to download the binary.
 */
function electronBinary(): { path: string } | { missing: string } {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return existsSync(path.join(override, 'electron')) ? { path: path.join(override, 'electron') } : { missing: `no electron in ELECTRON_OVERRIDE_DIST_PATH=${override}` };
  const pkg = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'the electron package has not downloaded its binary here' };
  const binary = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `no Electron binary at ${binary}` };
}

const found = electronBinary();
if ('missing' in found) console.warn(`Electron end-to-end test skipped: ${found.missing}.`);
const title = 'missing' in found ? `desktop app (skipped: ${found.missing}; run "npx electron --version" where downloads work)` : 'desktop app';

describe.skipIf('missing' in found)(title, () => {
  it('opens the control panel, switches a provider from the UI, restarts the API server and serves /v1/models', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-electron-'));
    const port = 18_000 + Math.floor(Math.random() * 1000);
    writeFileSync(
      path.join(dir, 'llm-providers.yaml'),
      'providers:\n  a:\n    type: anthropic\n    base_url: http://127.0.0.1:9\n    models: [m1, m2]\ndefaults:\n  consultant: "a:m1"   # kept\n',
    );
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [path.join(ROOT, 'out/main/index.js')],
      env: { ...process.env, HELIX_DATA_DIR: dir, HELIX_PORT: String(port), HELIX_API_KEY: 'k' },
    });
    try {
      const window = await app.firstWindow();
      await openScreen(window, 'Providers');
      await window.getByLabel('Provider for consultant').selectOption('a:m2');
      await window.getByText('helix-consultant now runs on a:m2').waitFor();
      expect(readFileSync(path.join(dir, 'llm-providers.yaml'), 'utf8')).toContain('"a:m2"   # kept');
      await openScreen(window, 'Server');
      await window.locator('tr[data-component="api"] button', { hasText: 'Restart' }).click();
      await window.locator('tr[data-component="api"] td.state', { hasText: 'running' }).waitFor();
      const models = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer k' } });
      expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['helix-consultant']);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('keeps the page without Node, on app://helix, unable to open windows, navigate away or get permissions', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-electron-'));
    writeFileSync(path.join(dir, 'llm-providers.yaml'), 'providers:\n  a:\n    type: anthropic\n    base_url: http://127.0.0.1:9\ndefaults:\n  consultant: "a:m1"\n');
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [path.join(ROOT, 'out/main/index.js')],
      env: { ...process.env, HELIX_DATA_DIR: dir, HELIX_PORT: '0', HELIX_API_KEY: 'k' },
    });
    try {
      const page = await app.firstWindow();
      await screenButton(page, 'Sessions').waitFor();
      const inside = await page.evaluate(async () => ({
        url: location.href,
        node: typeof (globalThis as { require?: unknown }).require + typeof (globalThis as { process?: unknown }).process,
        exposed: Object.keys((window as unknown as { helix: object }).helix).sort(),
        popup: window.open('https://example.com') === null,
        permission: await Notification.requestPermission(),
      }));
      expect(inside).toEqual({ url: 'app://helix/index.html', node: 'undefinedundefined', exposed: ['commands', 'onEvent'], popup: true, permission: 'denied' });
      await page.evaluate(() => (location.href = 'https://example.com/'));
      await new Promise((r) => setTimeout(r, 500));
      expect(page.url()).toBe('app://helix/index.html');
      const outside = await page.evaluate(async () => (await fetch('app://helix/../../etc/passwd')).status);
      expect(outside).toBe(404);
    } finally {
      await app.close();
    }
  }, 120_000);
});
