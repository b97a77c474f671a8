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
    await sweeper.check('chat', MAIN);
    expect(removed).toEqual([]);
    await sweeper.check('chat', FORK);
    expect(removed).toEqual([{ ids: [FORK], cwd: '/work/chat' }]);
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
    expect(warnings).toEqual([expect.objectContaining({ claudeSessionId: FORK, error: 'EACCES' })]);
  });
});

describe('deleting transcripts', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("looks in the folder's own project first, then in every project; another session's transcript stays", async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'helix-transcripts-'));
    const cwd = '/home/me/my project.v2';
    const own = path.join(dir, '-home-me-my-project-v2');
    const elsewhere = path.join(dir, '-somewhere-else');
    for (const folder of [own, elsewhere]) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(own, `${MAIN}.jsonl`), '{}\n');
    mkdirSync(path.join(own, MAIN)); // its sub-agents
    writeFileSync(path.join(elsewhere, `${FORK}.jsonl`), '{}\n');
    const kept = '33333333-3333-4333-8333-333333333333';
    writeFileSync(path.join(own, `${kept}.jsonl`), '{}\n');

    expect(await deleteTranscripts(dir, [MAIN, FORK, '../escape'], cwd)).toBe(3);
    expect(existsSync(path.join(own, `${MAIN}.jsonl`))).toBe(false);
    expect(existsSync(path.join(own, MAIN))).toBe(false);
    expect(existsSync(path.join(elsewhere, `${FORK}.jsonl`))).toBe(false);
    expect(existsSync(path.join(own, `${kept}.jsonl`))).toBe(true);
  });
});
