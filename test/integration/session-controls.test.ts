/**
 * Renaming a session and opening its folder from the panel, through the control contract as the
 * HTTP and IPC adapters call it: a new title is checked, told live and kept through a restart;
 * opening a folder is the desktop window's alone, on the folder the session's turns run in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../common/control';
import { startHelixCore } from '../../main/app/helix-core';
import { dispatch } from '../../main/control/control-service';
import { text } from '../support/fake-anthropic';
import { harnessPerTest } from '../support/helix-harness';

const start = harnessPerTest();

describe('renaming a session', () => {
  it('trims and keeps the new title, tells the panel live, and still has it after a restart', async () => {
    const h = await start(() => text('Noted.'));
    const session = h.core.sessions.create({ chatId: 'c1', role: 'consultant', title: 'New chat' });
    const heard: ControlEvent[] = [];
    h.core.control.subscribe((event) => heard.push(event));

    const result = await dispatch(h.core.control, 'session:rename', [session.id, '  Quarterly report  ']);
    expect(result).toMatchObject({ ok: true, data: { id: session.id, title: 'Quarterly report' } });
    expect(heard).toContainEqual({ type: 'session-changed', session: expect.objectContaining({ id: session.id, title: 'Quarterly report' }) });

    await h.core.close();
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: h.core.configPath, host: '127.0.0.1', port: 0, env: h.env });
    expect(await dispatch(h.core.control, 'session:summary', [session.id])).toMatchObject({ ok: true, data: { title: 'Quarterly report' } });
  });

  it('refuses an empty or too long title and an unknown session with a clear error, keeping the title', async () => {
    const h = await start(() => text('Noted.'));
    const session = h.core.sessions.create({ role: 'consultant', title: 'Kept title' });
    expect(await dispatch(h.core.control, 'session:rename', [session.id, '   '])).toEqual({ ok: false, error: { code: 'invalid_title', message: 'A title cannot be empty.' } });
    expect(await dispatch(h.core.control, 'session:rename', [session.id, 'x'.repeat(250)])).toEqual({ ok: false, error: { code: 'invalid_title', message: 'A title is at most 200 characters (this one has 250).' } });
    expect(await dispatch(h.core.control, 'session:rename', [session.id, 42])).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(await dispatch(h.core.control, 'session:rename', ['0f1e2d3c-0000-4000-8000-000000000000', 'Other'])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(h.core.sessions.get(session.id)?.title).toBe('Kept title');
  });
});

describe('opening a session folder', () => {
  it('is refused to the browser panel (HTTP), with a clear error, and opens nothing', async () => {
    const h = await start(() => text('Noted.'));
    const session = h.core.sessions.create({ role: 'consultant', title: 'Here' });
    const opened: string[] = [];
    h.core.control.setFolderOpener(async (folder) => {
      opened.push(folder);
      return '';
    });
    expect(await dispatch(h.core.control, 'session:open-folder', [session.id])).toEqual({
      ok: false,
      error: { code: 'desktop_only', message: 'Opening a folder works in the desktop app only: the folder is on the machine Helix runs on.' },
    });
    expect(opened).toEqual([]);
  });

  it("opens the session's own workspace from the desktop window, and says why when it cannot", async () => {
    const h = await start(() => text('Noted.'));
    const session = h.core.sessions.create({ role: 'consultant', title: 'Here' });
    const opened: string[] = [];
    let failure = '';
    h.core.control.setFolderOpener(async (folder) => {
      opened.push(folder);
      return failure;
    });
    const workspace = path.join(h.core.sessions.sessionDir(session.id), 'workspace');
    expect(await dispatch(h.core.control, 'session:open-folder', [session.id], 'desktop')).toEqual({ ok: true, data: { folder: workspace } });
    expect(opened).toEqual([workspace]);

    failure = 'No application is registered for folders';
    expect(await dispatch(h.core.control, 'session:open-folder', [session.id], 'desktop')).toEqual({ ok: false, error: { code: 'open_failed', message: `Could not open ${workspace}: No application is registered for folders` } });

    rmSync(workspace, { recursive: true });
    expect(await dispatch(h.core.control, 'session:open-folder', [session.id], 'desktop')).toEqual({ ok: false, error: { code: 'not_found', message: `The folder ${workspace} does not exist any more.` } });
    expect(opened).toHaveLength(2);
  });

  it('opens the folder the latest turn ran in (a role with its own cwd) rather than the session default', async () => {
    const h = await start(() => text('Noted.'));
    const project = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
    try {
      const session = h.core.sessions.create({ role: 'consultant', title: 'Project', cwd: project });
      const opened: string[] = [];
      h.core.control.setFolderOpener(async (folder) => {
        opened.push(folder);
        return '';
      });
      expect(await dispatch(h.core.control, 'session:open-folder', [session.id], 'desktop')).toEqual({ ok: true, data: { folder: project } });
      expect(opened).toEqual([project]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('choosing a working folder', () => {
  it('is refused to the browser panel; the desktop window gets the picked folder, or null when cancelled', async () => {
    const h = await start(() => text('Noted.'));
    const asked: Array<string | undefined> = [];
    let answer: string | null = '/home/me/project';
    h.core.control.setFolderPicker(async (from) => {
      asked.push(from);
      return answer;
    });
    expect(await dispatch(h.core.control, 'folder:pick', ['/home/me'])).toMatchObject({ ok: false, error: { code: 'desktop_only' } });
    expect(asked).toEqual([]);
    expect(await dispatch(h.core.control, 'folder:pick', ['/home/me'], 'desktop')).toEqual({ ok: true, data: { folder: '/home/me/project' } });
    answer = null;
    expect(await dispatch(h.core.control, 'folder:pick', [], 'desktop')).toEqual({ ok: true, data: { folder: null } });
    expect(asked).toEqual(['/home/me', undefined]);
    expect(await dispatch(h.core.control, 'folder:pick', [42], 'desktop')).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
  });
});
