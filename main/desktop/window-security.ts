/**
 * The window's security rules (Electron's security checklist), kept free of Electron so they can
 * be tested here: what the renderer may do, where it may go, and which files it may load.
 */
import path from 'node:path';

/** The renderer's scheme and host: app://helix/ (not file://, so it cannot read the disk). */
export const APP_SCHEME = 'app';
const APP_HOST = 'helix';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** No Node in the page, an isolated and sandboxed preload, web security on, no webviews. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
} as const;

/** The window may only move within the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** Links leave for the user's browser only over https. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.hostname !== '' && !parsed.username && !parsed.password;
  } catch {
    return false;
  }
}

/** The file an app:// path names inside the renderer folder, or null for anything outside it. */
export function rendererFile(rendererDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${decoded}`);
  return file.startsWith(root + path.sep) ? file : null;
}
