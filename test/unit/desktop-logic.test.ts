import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TrayState } from '../../main/control/control-service';
import { loginShellPath, mergePath } from '../../main/desktop/login-shell-path';
import { gracefulQuit, shouldNotify } from '../../main/desktop/quit';
import { trayMenu, trayTooltip } from '../../main/desktop/tray-menu';
import { approvalNotice, approvalsTrayLabel } from '../../main/desktop/approval-notice';
import type { ApprovalView } from '../../common/approval';

const snapshot = {
  version: '0.1.0',
  components: [{ name: 'api', state: 'running', url: 'http://127.0.0.1:8765', pid: 1, startedAt: null, lastError: null }],
  config: {
    file: 'x.yaml',
    settings: {},
    error: null,
    roles: [{ name: 'consultant', modelId: 'helix-consultant', provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    providers: [
      { name: 'anthropic', models: ['claude-sonnet-4-5', 'claude-haiku-4-5'] },
      { name: 'openrouter', models: ['openai/gpt-4o'] },
    ],
  },
  running: 1,
  approvals: [],
  todayCostUsd: 0.4213,
} as unknown as TrayState;

describe('tray menu', () => {
  it('shows the server state and runs, and offers each role every provider:model, the current one checked', () => {
    const menu = trayMenu(snapshot);
    expect(menu[0]).toEqual({ kind: 'label', label: 'API server: running (http://127.0.0.1:8765)' });
    expect(menu[1]).toEqual({ kind: 'label', label: '1 run in progress' });
    const role = menu.find((i) => i.kind === 'submenu');
    expect(role?.kind === 'submenu' && role.items.map((i) => (i.kind === 'radio' ? `${i.label}${i.checked ? ' ✓' : ''}` : ''))).toEqual([
      'anthropic:claude-sonnet-4-5 ✓',
      'anthropic:claude-haiku-4-5',
      'openrouter:openai/gpt-4o',
    ]);
    expect(role?.kind === 'submenu' && role.items[2]).toMatchObject({ action: { type: 'switch-role', role: 'consultant', ref: 'openrouter:openai/gpt-4o' } });
    expect(menu.filter((i) => i.kind === 'action').map((i) => (i.kind === 'action' ? i.action.type : ''))).toEqual(['restart-api', 'open-window', 'quit']);
    expect(trayTooltip(snapshot)).toBe('Helix — API running');
  });

  it("says today's cost, each role's provider:model with a missing key, and that a restart cuts the runs in flight", () => {
    const keyless = { ...snapshot, config: { ...snapshot.config, providers: snapshot.config.providers.map((p) => ({ ...p, key: p.name === 'anthropic' ? 'missing' : 'set' })) } } as TrayState;
    const menu = trayMenu(keyless);
    expect(menu[2]).toEqual({ kind: 'label', label: 'Today: $0.42' });
    expect(menu.find((i) => i.kind === 'submenu')?.label).toBe('helix-consultant — anthropic:claude-sonnet-4-5 (no key)');
    const restart = menu.find((i) => i.kind === 'action' && i.action.type === 'restart-api');
    expect(restart).toEqual({ kind: 'action', label: 'Restart API server (cuts 1 run)…', action: { type: 'restart-api', cuts: 1 } });
    const idle = trayMenu({ ...snapshot, running: 0, todayCostUsd: 0 } as TrayState);
    expect(idle.find((i) => i.kind === 'action' && i.action.type === 'restart-api')).toEqual({ kind: 'action', label: 'Restart API server', action: { type: 'restart-api' } });
    expect(idle[2]).toEqual({ kind: 'label', label: 'Today: $0' });
  });
});

describe('approvals on the desktop', () => {
  const asked: ApprovalView = {
    id: 'a1', sessionId: 's', sessionTitle: 'A chat', turnId: 't', role: 'dev', tool: 'Bash', summary: 'Bash `npm install` in ~/app', detail: '$ npm install', cwd: '/home/u/app',
    outsideWorkspace: false, suggestions: [], rule: 'Bash(npm install)', projectRule: false, askedAt: '2026-01-01T12:00:00Z', deadline: '2026-01-01T12:05:00Z', status: 'pending',
  };

  it('a new prompt raises a notification that opens it, unless the window is in front; an answered one raises none', () => {
    expect(approvalNotice(asked, false)).toEqual({ title: 'Claude Code asks to use Bash', body: 'Bash `npm install` in ~/app\nDenied in 5 min if nobody answers. Click to answer.', approvalId: 'a1' });
    expect(approvalNotice({ ...asked, outsideWorkspace: true, deadline: '2026-01-01T12:00:30Z' }, false)?.body).toBe('Bash `npm install` in ~/app — outside the working folder\nDenied in 30 s if nobody answers. Click to answer.');
    expect(approvalNotice(asked, true)).toBeNull();
    expect(approvalNotice({ ...asked, status: 'allowed' }, false)).toBeNull();
  });

  it('the tray shows the count first, as an item that opens the Approvals view, and in its tooltip', () => {
    const waiting = { ...snapshot, approvals: [asked, { ...asked, id: 'a2' }] } as TrayState;
    expect(trayMenu(waiting)[0]).toEqual({ kind: 'action', label: '2 approvals waiting — answer…', action: { type: 'open-approvals' } });
    expect(trayTooltip(waiting)).toBe('Helix — API running, 2 approvals waiting');
    expect(approvalsTrayLabel(1)).toBe('1 approval waiting — answer…');
    expect(approvalsTrayLabel(0)).toBeNull();
  });
});

describe('login shell PATH', () => {
  it("takes the PATH the user's shell prints between markers, ignoring rc noise", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-shell-'));
    const shell = path.join(dir, 'fake-shell');
    writeFileSync(shell, '#!/bin/sh\necho "Welcome back!"\nPATH=/opt/homebrew/bin:/usr/local/bin:/usr/bin\neval "$2"\necho "bye"\n');
    chmodSync(shell, 0o755);
    expect(await loginShellPath(shell)).toBe('/opt/homebrew/bin:/usr/local/bin:/usr/bin');
    expect(await loginShellPath(path.join(dir, 'missing'))).toBeNull();
    expect(await loginShellPath(undefined)).toBeNull();
  });

  it('puts the shell entries first without duplicates', () => {
    expect(mergePath('/opt/homebrew/bin:/usr/bin', '/usr/bin:/bin::')).toBe('/opt/homebrew/bin:/usr/bin:/bin');
    expect(mergePath(null, '/usr/bin')).toBe('/usr/bin');
  });
});

describe('graceful quit', () => {
  it('holds the first quit until the core has closed, then exits once', async () => {
    let finishClose!: () => void;
    const close = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const exit = vi.fn();
    const onQuit = gracefulQuit(close, exit, 5000);
    const first = { preventDefault: vi.fn() };
    onQuit(first);
    onQuit({ preventDefault: vi.fn() });
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    finishClose();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledTimes(1));
    const after = { preventDefault: vi.fn() };
    onQuit(after);
    expect(after.preventDefault).not.toHaveBeenCalled();
  });

  it('exits anyway when closing hangs past the limit', async () => {
    const exit = vi.fn();
    gracefulQuit(() => new Promise(() => undefined), exit, 50)({ preventDefault: () => undefined });
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
  });
});

describe('notifications', () => {
  it('only for long runs or failures, and only while the window is not in view', () => {
    expect(shouldNotify('done', 60_000, false)).toBe(true);
    expect(shouldNotify('done', 5_000, false)).toBe(false);
    expect(shouldNotify('failed', 1_000, false)).toBe(true);
    expect(shouldNotify('failed', 60_000, true)).toBe(false);
    expect(shouldNotify('cancelled', 60_000, false)).toBe(false);
  });
});
