/**
 * The data dir measured by part over real files: session logs and files, the sessions' own
 * workspaces, their Claude Code transcripts (not another program's), the diagnostic log and the
 * rest; kept for a minute, measured again when asked fresh.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partOf, StorageMeter } from '../../main/app/storage-usage';
import { walkFiles } from '../../main/platform/dir-size';
import { SessionStore } from '../../main/sessions/session-store';

describe('storage usage', () => {
  it('names the part of each file', () => {
    expect(partOf(path.join('sessions', 'abc', 'events.ndjson'))).toBe('sessions');
    expect(partOf(path.join('sessions', 'abc', 'workspace', 'src', 'a.ts'))).toBe('workspaces');
    expect(partOf('sessions-index.ndjson')).toBe('sessions');
    expect(partOf('turn-refs.ndjson')).toBe('sessions');
    expect(partOf('turn-refs.ndjson.seeded')).toBe('sessions');
    expect(partOf(path.join('logs', 'helix.log'))).toBe('logs');
    expect(partOf('api-key')).toBe('other');
  });

  it('sums each part, counts only its sessions\' transcripts, and keeps the figure for a minute', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'helix-storage-'));
    const data = path.join(root, 'data');
    const store = new SessionStore(data);
    store.load();
    const session = store.create({ role: 'r', title: 'T' });
    const claudeId = '11111111-2222-4333-8444-555555555555';
    session.turns.push({ id: 't', parentKey: 'k', user: 'q', assistant: 'a', status: 'done', delivered: true, startedAt: new Date().toISOString(), claudeSessionId: claudeId });
    store.touch(session);
    await store.flush();
    writeFileSync(path.join(session.cwd, 'file.bin'), Buffer.alloc(5000));
    mkdirSync(path.join(data, 'logs'));
    writeFileSync(path.join(data, 'logs', 'helix.log'), Buffer.alloc(700));
    writeFileSync(path.join(data, 'api-key'), 'k'.repeat(30));
    const projects = path.join(root, 'projects');
    mkdirSync(path.join(projects, 'p', claudeId), { recursive: true });
    writeFileSync(path.join(projects, 'p', `${claudeId}.jsonl`), Buffer.alloc(3000));
    writeFileSync(path.join(projects, 'p', claudeId, 'agent.jsonl'), Buffer.alloc(200));
    writeFileSync(path.join(projects, 'p', '99999999-2222-4333-8444-555555555555.jsonl'), Buffer.alloc(9999)); // not Helix's

    let now = Date.parse('2026-06-01T00:00:00Z');
    const meter = new StorageMeter(data, projects, store, () => now);
    const usage = await meter.usage();
    const indexBytes = statSync(path.join(data, 'sessions-index.ndjson')).size + statSync(path.join(data, 'turn-refs.ndjson')).size;
    const folderBytes = (await walkFiles(path.join(data, 'sessions'))) - 5000;
    const sessionFiles = folderBytes + indexBytes;
    expect(usage.parts).toEqual({ sessions: sessionFiles, workspaces: 5000, transcripts: 3200, logs: 700, other: 30 });
    expect(usage.total).toBe(sessionFiles + 5000 + 3200 + 700 + 30);
    expect(await meter.sessionBytes(session.id)).toBe(folderBytes + 5000 + 3200);

    writeFileSync(path.join(data, 'logs', 'helix.1.log'), Buffer.alloc(100));
    now += 30_000;
    expect(await meter.usage()).toBe(usage);
    now += 31_000;
    expect((await meter.usage()).parts.logs).toBe(800);
    writeFileSync(path.join(data, 'logs', 'helix.2.log'), Buffer.alloc(100));
    expect((await meter.usage(true)).parts.logs).toBe(900);
  });
});
