/**
 * The desktop shell: the only code that imports 'electron'. It starts the same core as
 * `serve`, then opens a locked-down window on the renderer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { startHelixCore, type HelixCore } from '../core/helix-core';

const here = path.dirname(fileURLToPath(import.meta.url));
let core: HelixCore | undefined;

async function onReady(): Promise<void> {
  core = await startHelixCore({ dataDir: app.getPath('userData'), host: '127.0.0.1', port: 8765 });
  ipcMain.handle('connection:get', () => ({ baseUrl: core?.apiBaseUrl, apiKey: core?.apiKey }));

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
  if (process.env.ELECTRON_RENDERER_URL) await window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else await window.loadFile(path.join(here, '../renderer/index.html'));
}

app.whenReady().then(onReady, (error: unknown) => {
  console.error(error);
  app.quit();
});
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => void core?.close());
