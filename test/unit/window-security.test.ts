/**
 * Electron's security checklist, for every item that can be checked without the Electron binary:
 * the window's preferences, where it may navigate, which links leave for the browser, which files
 * app:// serves, the page's Content-Security-Policy, the packaged app's fuses, and the preload's surface.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { COMMAND_NAMES, commandChannel, EVENT_CHANNEL, type DesktopControl } from '../../common/control';
import { isAppUrl, isSafeExternalUrl, rendererFile, SECURE_WEB_PREFERENCES } from '../../main/desktop/window-security';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('window security', () => {
  it('gives the page no Node, an isolated sandboxed preload, web security and no webviews', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });

  it('lets the window navigate only within app://helix/', () => {
    expect(isAppUrl('app://helix/index.html')).toBe(true);
    expect(isAppUrl('app://helix/')).toBe(true);
    for (const url of ['app://helix.evil.com/', 'app://evil/', 'app://x@helix/', 'https://helix/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:8766/', 'not a url']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('opens only https links in the browser', () => {
    expect(isSafeExternalUrl('https://docs.anthropic.com/en/docs/claude-code')).toBe(true);
    expect(isSafeExternalUrl('HTTPS://OPENROUTER.AI/keys')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com', 'ms-msdt:/id', '']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('serves only files inside the renderer folder from app://', () => {
    const root = path.resolve('/opt/helix/renderer');
    expect(rendererFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(rendererFile(root, '/assets/index-abc.js')).toBe(path.join(root, 'assets/index-abc.js'));
    for (const pathname of ['/../secret', '/%2e%2e/secret', '/assets/%2e%2e/%2e%2e/etc/passwd', '/%2F..%2F..%2Fetc/passwd', '/a%00b', '/%E0%A4%A']) {
      expect(rendererFile(root, pathname), pathname).toBeNull();
    }
  });

  it('ships a Content-Security-Policy that allows only the app\'s own scripts', () => {
    const html = readFileSync(path.join(ROOT, 'renderer/index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('packages the app with the fuses that close Node entry points', () => {
    const fuses = (parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> }).electronFuses;
    expect(fuses).toEqual({ runAsNode: false, enableCookieEncryption: true, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, grantFileProtocolExtraPrivileges: false });
  });
});

describe('preload', () => {
  it('exposes exactly one method per command, an event subscription and the desktop capabilities, never ipcRenderer or its event', async () => {
    const exposed: Record<string, unknown> = {};
    const listeners = new Map<string, (...args: unknown[]) => void>();
    const invoke = vi.fn(async () => ({ ok: true, data: null }));
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
      ipcRenderer: { invoke, on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, fn), removeListener: (channel: string) => listeners.delete(channel) },
    }));
    await import('../../preload/index');
    expect(Object.keys(exposed)).toEqual(['helix']);
    const helix = exposed.helix as DesktopControl;
    expect(Object.keys(helix).sort()).toEqual(['capabilities', 'commands', 'onEvent']);
    // Data only: what the desktop window can do that a browser cannot.
    expect(helix.capabilities).toEqual({ openFolder: true, pickFolder: true });
    expect(Object.keys(helix.commands).sort()).toEqual([...COMMAND_NAMES].sort());

    await helix.commands['role:set-model']('consultant', 'a:m');
    expect(invoke).toHaveBeenCalledWith(commandChannel('role:set-model'), 'consultant', 'a:m');
    const heard: unknown[] = [];
    const unsubscribe = helix.onEvent((event) => heard.push(event));
    listeners.get(EVENT_CHANNEL)?.({ sender: 'the IPC event' }, { type: 'state-changed' });
    expect(heard).toEqual([{ type: 'state-changed' }]);
    unsubscribe();
    expect(listeners.has(EVENT_CHANNEL)).toBe(false);
    vi.doUnmock('electron');
  });
});
