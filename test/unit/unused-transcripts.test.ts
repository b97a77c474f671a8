/**
 * Which of a chat's Claude Code transcripts are deleted while it lives: only those of sessions no
 * done or in-flight turn names, once no process of the chat holds them; and where they are looked
 * for (the folder they ran in first, then every project folder).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRecord, TurnRecord, TurnStatus } from '../../common/session';
import { deleteTranscripts } from '../../main/runner/claude-transcripts';
import type { LiveSession } from '../../main/runner/live-session';
import { LiveSessions } from '../../main/turns/live-sessions';
import { UnusedTranscripts } from '../../main/turns/unused-transcripts';

const MAIN = '11111111-1111-4111-8111-111111111111';
const FORK = '22222222-2222-4222-8222-222222222222';

const turn = (status: TurnStatus, claudeSessionId: string): TurnRecord => ({ id: `${status}-${claudeSessionId}`, parentKey: '', user: 'u', assistant: 'a', status, delivered: true, startedAt: '', claudeSessionId });
const session = (turns: TurnRecord[]): SessionRecord => ({ id: 'chat', role: 'consultant', title: 't', cwd: '/work/chat', createdAt: '', updatedAt: '', turns });

/** A stand-in process of the chat holding a Claude Code session, ended by exit(). */
function standIn(claudeSessionId: string): { live: LiveSession; exit: () => Promise<void> } {
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const live = { sessionId: claudeSessionId, state: 'ready', exited, onState: () => () => undefined } as unknown as LiveSession;
  return { live, exit: async () => {
    exit();
    await exited;
    await new Promise((resolve) => setImmediate(resolve));
  } };
}

function setup(record: SessionRecord | undefined) {
  const pool = new LiveSessions();
  const removed: Array<{ ids: string[]; cwd: string }> = [];
  const sweeper = new UnusedTranscripts({ get: (id) => (id === record?.id ? record : undefined) }, pool, async (ids, cwd) => {
    removed.push({ ids, cwd });
    return ids.length;
  });
  const hold = (claudeSessionId: string) => {
    const p = standIn(claudeSessionId);
    pool.add({ chat: 'chat', live: p.live, launch: { signature: '', provider: 'p', proxied: false, model: 'm', permissionMode: 'default' }, busy: false, kept: true, startedAt: 0, lastUsed: 0 });
    return p;
  };
  return { sweeper, removed, hold };
}

describe('unused transcripts', () => {
  it('keep a session a done turn names, even beside a later failed one; delete one that only stopped or failed turns name', async () => {
    const record = session([turn('done', MAIN), turn('failed', MAIN), turn('cancelled', FORK), turn('failed', FORK), turn('interrupted', FORK)]);
    const { sweeper, removed } = setup(record);
    await sweeper.check('chat', FORK);
    expect(removed).toEqual([{ ids: [FORK], cwd: '/work/chat' }]);
    await sweeper.check('chat', MAIN);
    expect(removed).toHaveLength(1);
  });

  it('keep a session that a done turn the chat no longer holds in memory names (its file keeps their Claude Code sessions)', async () => {
    const record = { ...session([turn('failed', MAIN)]), earlier: { turns: 40, tokens: 0, costUsd: 0, claudeSessionIds: [MAIN] } };
    const { sweeper, removed } = setup(record);
    await sweeper.check('chat', MAIN);
    expect(removed).toEqual([]);
  });

  it('the first look at a chat in a run takes in every session its turns name (what a stop or a crash left); later ones only the session named', async () => {
    const record = session([turn('done', MAIN), turn('interrupted', FORK)]);
    const { sweeper, removed } = setup(record);
    await sweeper.check('chat', MAIN); // e.g. the chat's first turn after a restart, on its main line
    expect(removed).toEqual([{ ids: [FORK], cwd: '/work/chat' }]);
    const other = '44444444-4444-4444-8444-444444444444';
    record.turns.push(turn('cancelled', other));
    await sweeper.check('chat', MAIN);
    expect(removed).toHaveLength(1);
    await sweeper.check('chat', other);
    expect(removed.at(-1)).toEqual({ ids: [other], cwd: '/work/chat' });
  });

  it('keep a session a turn in flight uses', async () => {
    for (const status of ['queued', 'running'] as const) {
      const { sweeper, removed } = setup(session([turn(status, FORK)]));
      await sweeper.check('chat', FORK);
      expect(removed).toEqual([]);
    }
  });

  it('keep a session a process of the chat still holds, and delete it once that process has exited', async () => {
    const record = session([turn('done', MAIN), { ...turn('cancelled', FORK), cwd: '/work/role-folder' }]);
    const { sweeper, removed, hold } = setup(record);
    const fork = hold(FORK);
    await sweeper.check('chat', FORK); // the turn ended; its process stays warm
    expect(removed).toEqual([]);
    await fork.exit();
    expect(removed).toEqual([{ ids: [FORK], cwd: '/work/role-folder' }]); // where its turn ran
    // A process exiting with a session a done turn names leaves it.
    await hold(MAIN).exit();
    expect(removed).toHaveLength(1);
  });

  it('leave a deleted session alone, and report a failed delete without throwing', async () => {
    const { sweeper, removed } = setup(undefined);
    await sweeper.check('chat', FORK);
    expect(removed).toEqual([]);
    const warnings: unknown[] = [];
    const failing = new UnusedTranscripts({ get: () => session([turn('failed', FORK)]) }, new LiveSessions(), () => Promise.reject(new Error('EACCES')), { warn: (fields: unknown) => warnings.push(fields), info: () => undefined } as never);
    await expect(failing.check('chat', FORK)).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ claudeSessionIds: [FORK], error: 'EACCES' })]);
  });
});

describe('deleting transcripts', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const KEPT = '33333333-3333-4333-8333-333333333333';
  const transcript = (folder: string, id: string): string => {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${id}.jsonl`), '{}\n');
    return path.join(folder, `${id}.jsonl`);
  };

  it("looks in the project folder of the folder they ran in, when there is one: one listing, another session's transcript stays", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'helix-transcripts-'));
    const own = path.join(dir, '-home-me-my-project-v2');
    const main = transcript(own, MAIN);
    mkdirSync(path.join(own, MAIN)); // its sub-agents
    const kept = transcript(own, KEPT);
    const elsewhere = transcript(path.join(dir, '-somewhere-else'), FORK);

    expect(await deleteTranscripts(dir, [MAIN, FORK, '../escape'], '/home/me/my project.v2')).toBe(2);
    expect(existsSync(main)).toBe(false);
    expect(existsSync(path.join(own, MAIN))).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true); // not where sessions run in that folder are kept
  });

  it('looks in every project folder when that folder has none (a path Claude Code shortened or resolved), or none is given', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'helix-transcripts-'));
    const fork = transcript(path.join(dir, '-private-var-chat'), FORK);
    const main = transcript(path.join(dir, '-other'), MAIN);
    const kept = transcript(path.join(dir, '-other'), KEPT);
    expect(await deleteTranscripts(dir, [FORK], '/var/chat')).toBe(1);
    expect(await deleteTranscripts(dir, [MAIN])).toBe(1);
    expect([fork, main, kept].map(existsSync)).toEqual([false, false, true]);
  });
});
