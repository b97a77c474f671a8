/**
 * Deleting a session removes the Claude Code transcripts of every turn it ever had, not only those
 * of the latest turns its session file keeps: a chat forked early and then continued for more
 * than 50 turns leaves nothing behind, also after a restart.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../common/session';
import { TURNS_IN_FILE } from '../../main/sessions/session-recovery';
import { SessionStore } from '../../main/sessions/session-store';
import { sessionsControl } from '../support/sessions-control';

const claudeId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;


describe('deleting a long session', () => {
  it.each([false, true])('removes the transcript only its earliest turns named (after a restart: %s)', async (restart) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'helix-delete-long-'));
    const data = path.join(root, 'data');
    const projects = path.join(root, 'claude', 'projects');
    mkdirSync(path.join(projects, '-work-chat'), { recursive: true });
    let store = new SessionStore(data);
    store.load();
    const session = store.create({ chatId: 'long', role: 'r', title: 'Long' });
    // The first turn ran in Claude Code session 1 (a fork since left behind); every later one in session 2.
    const turns = TURNS_IN_FILE + 10;
    for (let n = 0; n < turns; n++) {
      const turn: TurnRecord = { id: `t${n}`, parentKey: `k${n}`, key: `k${n + 1}`, user: 'q', assistant: 'a', status: 'done', delivered: true, startedAt: new Date(0).toISOString(), claudeSessionId: claudeId(n === 0 ? 1 : 2) };
      session.turns.push(turn);
      store.log(session.id).append({ type: 'turn', turn });
    }
    store.touch(session);
    for (const n of [1, 2]) writeFileSync(path.join(projects, '-work-chat', `${claudeId(n)}.jsonl`), '{}\n');
    if (restart) {
      await store.flush();
      store.close();
      store = new SessionStore(data);
      store.load();
    }
    expect(await sessionsControl(store, projects).deleteSession(session.id)).toBe(true);
    expect(existsSync(path.join(projects, '-work-chat', `${claudeId(2)}.jsonl`))).toBe(false);
    expect(existsSync(path.join(projects, '-work-chat', `${claudeId(1)}.jsonl`))).toBe(false);
  });
});
