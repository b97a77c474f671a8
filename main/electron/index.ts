/**
 * The desktop shell: the only code that imports 'electron'. It starts the same core as
 * `serve`, then opens a locked-down window on the renderer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, shell } from 'electron';
import { startHelixCore, type HelixCore } from '../core/helix-core';

const here = path.dirname(fileURLToPath(import.meta.url));
let core: HelixCore | undefined;

async function onReady(): Promise<void> {
  core = await startHelixCore({ dataDir: app.getPath('userData'), host: '127.0.0.1', port: 8765 });

  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'Helix Desktop',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  // The control panel, served by the core with its token (the IPC adapter replaces this later).
  await window.loadURL(core.controlUrl);
}

app.whenReady().then(onReady, (error: unknown) => {
  console.error(error);
  app.quit();
});
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => void core?.close());
