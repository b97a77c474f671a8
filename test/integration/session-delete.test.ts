/**
 * Deleting a session removes all of its files: its folder in the data dir and Claude Code's
 * transcripts of it, after closing its warm process; another chat's transcript stays.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/control/control-service';
import { text } from '../support/fake-anthropic';
import { filesUnder } from '../support/files-under';
import { chatBody, processesAfter, readSse, startHarness, type Harness } from '../support/helix-harness';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('deleting a session', () => {
  it('removes its folder and Claude Code transcripts, and closes its warm process', async () => {
    const h = (harness = await startHarness(() => text('Noted.')));
    const chat = async (chatId: string, content: string): Promise<void> => {
      const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: chatBody(content) });
      await readSse(response);
    };
    await chat('doomed', 'First.');
    await chat('doomed', 'Second.');
    await chat('kept', 'Other chat.');
    const doomed = h.core.sessions.findByChatId('doomed')!;
    const kept = h.core.sessions.findByChatId('kept')!;
    const claudeIds = (session: typeof doomed): string[] => [...new Set(session.turns.map((t) => t.claudeSessionId!).filter(Boolean))];
    const projects = path.join(h.env.HOME!, '.claude', 'projects');
    const transcripts = (ids: string[]): string[] => filesUnder(projects).filter((file) => ids.some((id) => file.includes(id)));
    expect(transcripts(claudeIds(doomed)).length).toBeGreaterThan(0);
    expect(transcripts(claudeIds(kept)).length).toBeGreaterThan(0);

    const result = await dispatch(h.core.control, 'session:delete', [doomed.id]);
    expect(result).toEqual({ ok: true, data: { deleted: true } });
    expect(existsSync(h.core.sessions.sessionDir(doomed.id))).toBe(false);
    expect(transcripts(claudeIds(doomed))).toEqual([]);
    expect(transcripts(claudeIds(kept)).length).toBeGreaterThan(0);
    expect(h.core.control.snapshot().live.map((l) => l.sessionId)).not.toContain(doomed.id);
    // Only the kept chat's warm process is left.
    expect((await processesAfter(h, 3000)).length).toBeLessThanOrEqual(1);
  });
});
