/**
 * Retention over real session folders and Claude Code transcripts, with a fake clock: sessions
 * older than max_age_days go, then the oldest until the sessions and their transcripts fit in
 * max_total_mb; a busy session never; each through the panel's Delete (folder, workspace,
 * transcripts, a session-deleted event), logged with its bytes.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControlEvent } from '../../common/control';
import type { SessionRecord } from '../../common/session';
import { StorageMeter } from '../../main/app/storage-usage';
import { ControlService } from '../../main/control/control-service';
import { Retention, type RetentionPolicy } from '../../main/sessions/retention';
import { SessionStore } from '../../main/sessions/session-store';
import { sessionsControl } from '../support/sessions-control';

const DAY = 86_400_000;
const MB = 1024 * 1024;
const NOW = Date.parse('2026-06-01T12:00:00Z');

interface World {
  store: SessionStore;
  control: ControlService;
  projects: string;
  events: ControlEvent[];
  logged: Array<{ fields: Record<string, unknown>; message: string }>;
  retention(policy: RetentionPolicy, busy?: (id: string) => boolean): Retention;
  /** A session last active `daysAgo` days before NOW, holding `mb` MB in its workspace and `transcriptMb` in a transcript. */
  session(title: string, daysAgo: number, mb: number, transcriptMb?: number): SessionRecord;
}

function world(): World {
  const root = mkdtempSync(path.join(os.tmpdir(), 'helix-retention-'));
  const store = new SessionStore(path.join(root, 'data'));
  store.load();
  const projects = path.join(root, 'claude', 'projects');
  mkdirSync(path.join(projects, '-work-chat'), { recursive: true });
  const control = sessionsControl(store, projects);
  const events: ControlEvent[] = [];
  control.subscribe((event) => events.push(event));
  const logged: World['logged'] = [];
  const meter = new StorageMeter(path.join(root, 'data'), projects, store, () => NOW);
  let claude = 0;
  return {
    store,
    control,
    projects,
    events,
    logged,
    retention: (policy, busy = () => false) =>
      new Retention({
        oldest: () => store.oldest(),
        policy: () => policy,
        busy,
        remove: (id) => control.deleteSession(id),
        sizeOf: (id) => meter.sessionBytes(id),
        totalBytes: () => meter.sessionsBytes(),
        log: { info: (fields, message) => logged.push({ fields, message }), warn: (fields, message) => logged.push({ fields, message }) },
        now: () => NOW,
      }),
    session(title, daysAgo, mb, transcriptMb = 0) {
      const session = store.create({ chatId: title, role: 'r', title });
      writeFileSync(path.join(session.cwd, 'big.bin'), Buffer.alloc(mb * MB));
      claude += 1;
      const claudeId = `00000000-0000-4000-8000-${String(claude).padStart(12, '0')}`;
      if (transcriptMb > 0) writeFileSync(path.join(projects, '-work-chat', `${claudeId}.jsonl`), Buffer.alloc(transcriptMb * MB));
      const at = new Date(NOW - daysAgo * DAY).toISOString();
      session.turns.push({ id: `t-${title}`, parentKey: 'k0', key: `k-${title}`, user: 'q', assistant: 'a', status: 'done', delivered: true, startedAt: at, endedAt: at, claudeSessionId: claudeId });
      store.log(session.id).append({ type: 'turn', turn: session.turns[0]! });
      store.touch(session);
      session.updatedAt = at; // its last activity, as the clock had it then
      return session;
    },
  };
}

const transcript = (w: World, session: SessionRecord): string => path.join(w.projects, '-work-chat', `${session.turns[0]!.claudeSessionId}.jsonl`);

describe('retention', () => {
  it('deletes the sessions inactive for longer than max_age_days, with their workspace and transcripts, as the panel does', async () => {
    const w = world();
    const old = w.session('old', 40, 1, 1);
    const older = w.session('older', 400, 1);
    const recent = w.session('recent', 10, 1, 1);
    const outcome = await w.retention({ maxAgeDays: 30, maxTotalMb: 0 }).apply();
    expect(outcome).toMatchObject({ byAge: 2, bySize: 0, skipped: 0 });
    expect(outcome.bytesFreed).toBeGreaterThan(3 * MB);
    for (const gone of [old, older]) {
      expect(existsSync(w.store.sessionDir(gone.id))).toBe(false);
      expect(w.store.get(gone.id)).toBeUndefined();
      expect(w.events).toContainEqual({ type: 'session-deleted', sessionId: gone.id });
    }
    expect(existsSync(transcript(w, old))).toBe(false);
    expect(existsSync(transcript(w, recent))).toBe(true);
    expect(w.store.get(recent.id)?.title).toBe('recent');
    expect(w.logged.filter((l) => l.message === 'retention: session deleted').map((l) => l.fields.reason)).toEqual(['max_age_days', 'max_age_days']);
    expect(w.logged.find((l) => l.message === 'retention: sessions deleted')?.fields).toMatchObject({ deleted: 2, byAge: 2, bytesFreed: outcome.bytesFreed });
  });

  it('keeps everything at 0 (the default)', async () => {
    const w = world();
    w.session('ancient', 5000, 1);
    expect(await w.retention({ maxAgeDays: 0, maxTotalMb: 0 }).apply()).toEqual({ byAge: 0, bySize: 0, bytesFreed: 0, skipped: 0 });
    expect(w.store.size).toBe(1);
  });

  it('deletes the oldest sessions until the sessions and their transcripts fit in max_total_mb', async () => {
    const w = world();
    const a = w.session('a', 3, 2, 2); // 4 MB, the oldest
    const b = w.session('b', 2, 3); // 3 MB
    const c = w.session('c', 1, 1, 1); // 2 MB, the latest
    // 9 MB and a little; 5 MB allowed: a goes (5 MB left and a little), then b.
    const outcome = await w.retention({ maxAgeDays: 0, maxTotalMb: 5 }).apply();
    expect(outcome).toMatchObject({ byAge: 0, bySize: 2 });
    expect([a, b].map((s) => w.store.get(s.id))).toEqual([undefined, undefined]);
    expect(w.store.get(c.id)?.title).toBe('c');
    expect(existsSync(transcript(w, a))).toBe(false);
    expect(existsSync(transcript(w, c))).toBe(true);
  });

  it('never touches a busy session (a turn in flight, a warm process), and says what is still over', async () => {
    const w = world();
    const warm = w.session('warm', 50, 1);
    const running = w.session('running', 60, 1);
    running.turns.push({ id: 'live-turn', parentKey: 'k', user: 'q', assistant: '', status: 'running', delivered: false, startedAt: new Date(NOW).toISOString() });
    w.store.changed(running);
    const stale = w.session('stale', 70, 1);
    const retention = w.retention({ maxAgeDays: 30, maxTotalMb: 1 }, (id) => id === warm.id);
    const outcome = await retention.apply();
    expect(outcome.byAge).toBe(1);
    expect(w.store.get(stale.id)).toBeUndefined();
    expect(w.store.get(warm.id)?.title).toBe('warm');
    // The one with a turn in flight is refused by the panel's Delete itself.
    expect(w.store.get(running.id)?.title).toBe('running');
    expect(outcome.skipped).toBeGreaterThanOrEqual(2);
    expect(w.logged.some((l) => l.message.includes('still take more than max_total_mb'))).toBe(true);
  });

  it('runs one pass at a time', async () => {
    const w = world();
    w.session('x', 100, 1);
    const retention = w.retention({ maxAgeDays: 1, maxTotalMb: 0 });
    const [first, second] = await Promise.all([retention.apply(), retention.apply()]);
    expect(first).toBe(second);
    expect(first.byAge).toBe(1);
  });
});
