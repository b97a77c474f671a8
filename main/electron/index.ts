/**
 * The desktop shell: the only code that imports 'electron'. It starts the same core as `serve`,
 * wires the control contract over IPC for its own window only, and opens a locked-down window.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, shell, type WebContents } from 'electron';
import { EVENT_CHANNEL } from '../../common/control';
import { registerControlIpc, type IpcSender } from '../control/control-ipc';
import { startHelixCore, type HelixCore } from '../core/helix-core';

const here = path.dirname(fileURLToPath(import.meta.url));
let core: HelixCore | undefined;
const trusted = new Set<number>();

async function onReady(): Promise<void> {
  core = await startHelixCore({ dataDir: app.getPath('userData'), host: '127.0.0.1', port: 8765 });
  // Only our own window's top frame, showing our own page, may send commands.
  const isTrusted = (event: IpcSender): boolean =>
    trusted.has(event.sender.id) && event.senderFrame?.parent === null && (event.senderFrame?.url ?? '').startsWith(rendererOrigin());
  registerControlIpc(ipcMain, core.control, isTrusted);
  const window = createWindow();
  core.control.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Helix Desktop',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  trusted.add(window.webContents.id);
  lockDown(window.webContents);
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(path.join(here, '../renderer/index.html'));
  return window;
}

function rendererOrigin(): string {
  return process.env.ELECTRON_RENDERER_URL ?? 'file://';
}

/** No new windows, no navigation away, links open in the browser (http/https only). */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => event.preventDefault());
}

app.whenReady().then(onReady, (error: unknown) => {
  console.error(error);
  app.quit();
});
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => void core?.close());
