/**
 * The desktop shell, and its composition root: the only code that imports 'electron'. It starts
 * the same core as `serve`, wires the control contract over IPC for its own window only, and
 * adds what a desktop app needs: tray, single instance, remembered window, notifications,
 * graceful quit.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, screen, session, shell, type WebContents } from 'electron';
import { EVENT_CHANNEL, type ControlEvent } from '../../common/control';
import { isOwnWindow, registerControlIpc, type IpcSender } from '../control/control-ipc';
import { writeOrWarn } from '../platform/data-dir';
import { startHelixCore, type HelixCore } from '../app/helix-core';
import { loginShellPath, mergePath } from '../desktop/login-shell-path';
import { logUncaught } from '../platform/uncaught';
import { gracefulQuit, shouldNotify } from '../desktop/quit';
import { trayActionRunner } from '../desktop/tray-actions';
import { startIfFirstInstance } from '../desktop/single-instance';
import { approvalNotice } from '../desktop/approval-notice';
import { DEFAULT_SIZE, loadBounds, saveBounds } from '../desktop/window-state';
import { APP_ORIGIN, isAppUrl, isSafeExternalUrl, SECURE_WEB_PREFERENCES } from '../desktop/window-security';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { createTray } from './tray';

const here = path.dirname(fileURLToPath(import.meta.url));
const resources = app.isPackaged ? process.resourcesPath : path.join(here, '../../build');
let core: HelixCore | undefined;
let window: BrowserWindow | undefined;

// Nothing happens before this instance holds the single-instance lock: a second one only quits.
startIfFirstInstance(app, () => {
  registerAppScheme();
  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  // What stops the start (an invalid config with no good one before it, an unusable data dir, a
  // data dir in use by another Helix, e.g. `helix serve`) is said, not swallowed.
  app
    .whenReady()
    .then(onReady)
    .catch((error: unknown) => {
      dialog.showErrorBox('Helix Desktop cannot start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
  // The app lives on in the tray when its window is closed.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', gracefulQuit(() => core?.close() ?? Promise.resolve(), () => app.exit(0)));
});

async function onReady(): Promise<void> {
  // A GUI launch does not inherit the login shell's PATH, where claude usually is.
  process.env.PATH = mergePath(await loginShellPath(process.env.SHELL), process.env.PATH);
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  // HELIX_DATA_DIR and HELIX_PORT let a second copy (or a test) run beside the usual one.
  const dataDir = process.env.HELIX_DATA_DIR || app.getPath('userData');
  core = await startHelixCore({ dataDir, configPath: process.env.HELIX_DATA_DIR ? `${dataDir}/llm-providers.yaml` : undefined, host: '127.0.0.1', port: Number(process.env.HELIX_PORT ?? 8765), keepGoingIfPortTaken: true });
  // Recorded instead of Electron's modal error box; the app carries on, as Electron would.
  logUncaught(core.log.child({ component: 'desktop' }));
  serveRenderer(path.join(here, '../renderer'));
  registerControlIpc(ipcMain, core.control, isTrusted);
  core.control.setFolderOpener((folder) => shell.openPath(folder));
  core.control.setFolderPicker(async (from) => {
    const options: Electron.OpenDialogOptions = { title: 'Working folder', properties: ['openDirectory', 'createDirectory'], ...(from ? { defaultPath: from } : {}) };
    const owner = BrowserWindow.getFocusedWindow();
    const picked = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  core.control.subscribe(forward);
  Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: process.platform === 'darwin' ? 'appMenu' : 'fileMenu' }, { role: 'editMenu' }, { role: 'viewMenu' }, { role: 'windowMenu' }]));
  const { handlers } = core.control;
  const runTrayAction = trayActionRunner({
    setRoleModel: (role, ref) => handlers['role:set-model'](role, ref),
    restartApi: () => handlers['component:restart']('api'),
    showWindow,
    showApprovals,
    quit: () => app.quit(),
    // A restart that cuts runs in flight is asked about first, as in the panel; Cancel is the default.
    confirm: async ({ title, body, confirmLabel }) =>
      (await dialog.showMessageBox({ type: 'warning', title, message: title, detail: body, buttons: ['Cancel', confirmLabel], defaultId: 0, cancelId: 0 })).response === 1,
    notify,
    log: core.log.child({ component: 'tray' }),
  });
  createTray(core.control, resources, (action) => void runTrayAction(action));
  showWindow();
}

function isTrusted(event: IpcSender): boolean {
  return isOwnWindow(event, window && !window.isDestroyed() ? window.webContents.id : undefined, APP_ORIGIN);
}

const runningSince = new Map<string, number>();

/** Events go to the window; a long run or a failure ending while it is hidden is also a notification. */
function forward(event: ControlEvent): void {
  if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  if (event.type === 'approval-added') {
    const inFront = window !== undefined && !window.isDestroyed() && window.isVisible() && window.isFocused();
    const notice = approvalNotice(event.approval, inFront);
    if (notice && Notification.isSupported()) {
      const shown = new Notification({ title: notice.title, body: notice.body });
      shown.on('click', () => showApprovals());
      shown.show();
    }
  }
  if (event.type !== 'session-changed') return;
  const { session: s } = event;
  if (s.status === 'running') runningSince.set(s.id, runningSince.get(s.id) ?? Date.now());
  else if (runningSince.has(s.id)) {
    const duration = Date.now() - (runningSince.get(s.id) as number);
    runningSince.delete(s.id);
    const visible = window !== undefined && !window.isDestroyed() && window.isVisible() && window.isFocused();
    if (shouldNotify(s.status, duration, visible)) {
      notify(s.status === 'failed' ? 'Helix: a run failed' : 'Helix: a run finished', s.title);
    }
  }
}

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

/** The window, on its Approvals view. */
function showApprovals(): void {
  showWindow();
  const target = window;
  if (!target || target.isDestroyed()) return;
  const send = (): void => target.webContents.send(EVENT_CHANNEL, { type: 'show', view: 'approvals' } satisfies ControlEvent);
  if (target.webContents.isLoading()) target.webContents.once('did-finish-load', send);
  else send();
}

function showWindow(): void {
  if (window && !window.isDestroyed()) {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return;
  }
  const stateFile = path.join(app.getPath('userData'), 'window-state.json');
  const bounds = loadBounds(stateFile, screen.getAllDisplays().map((d) => d.workArea)) ?? DEFAULT_SIZE;
  window = new BrowserWindow({
    ...bounds,
    title: 'Helix Desktop',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: path.join(here, '../preload/index.cjs') },
  });
  window.on('close', () => window && writeOrWarn(() => saveBounds(stateFile, (window as BrowserWindow).getBounds())));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

/** No new windows, no navigation away, no webviews; links open in the browser, https only. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stayInApp = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
