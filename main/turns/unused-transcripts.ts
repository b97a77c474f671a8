/**
 * Deletes a chat's Claude Code transcripts that nothing can continue any more, while the chat
 * lives. A follow-up, a regenerate or an edit continues a *done* turn's Claude Code session (in
 * place or forked at its message; a regenerated answer stays done, and reachable, beside the new
 * one); a cancelled, failed or interrupted turn is never continued (its answer has no key), so a
 * session that only such turns name — a fork whose turn was stopped or refused, a process's
 * session that never completed a turn — is dead weight: a full copy of the history at the fork.
 *
 * A session is kept while a done turn or one in flight names it, or a process of the chat that
 * has not exited holds it (it may still write its transcript). It is looked at when one of those
 * may have stopped being true: a turn ended, or a process exited.
 */
import { turnInFlight, type SessionRecord } from '../../common/session';
import type { DiagLog } from '../platform/diag-log';
import type { SessionStore } from '../sessions/session-store';
import type { LiveSessions } from './live-sessions';

/** Deletes the transcripts of these Claude Code sessions, run in `cwd`; resolves with how many files went. */
export type RemoveTranscripts = (claudeSessionIds: string[], cwd: string) => Promise<number>;

export class UnusedTranscripts {
  /** The chats looked at whole in this run of the app. */
  private readonly looked = new Set<string>();

  constructor(
    private readonly store: Pick<SessionStore, 'get'>,
    private readonly live: Pick<LiveSessions, 'holds' | 'onExit'>,
    private readonly remove: RemoveTranscripts,
    private readonly log?: DiagLog,
  ) {
    live.onExit((chat, claudeSessionId) => void this.check(chat, claudeSessionId));
  }

  /**
   * Deletes the transcript of this Claude Code session of the chat if nothing can continue it;
   * the first time a chat is looked at in this run, of every session its turns name (what the app
   * stopping, or a crash, left behind). Resolves when done.
   */
  async check(sessionId: string, claudeSessionId: string | undefined): Promise<void> {
    // A deleted session's transcripts went with it.
    const session = this.store.get(sessionId);
    if (!session) return;
    const named = this.looked.has(sessionId) ? [claudeSessionId] : [claudeSessionId, ...session.turns.map((t) => t.claudeSessionId)];
    this.looked.add(sessionId);
    const unused = [...new Set(named)].filter((id): id is string => id !== undefined && !continuable(session, id) && !this.live.holds(sessionId, id));
    // By the folder they ran in: Claude Code keeps sessions per folder.
    const byFolder = new Map<string, string[]>();
    for (const id of unused) {
      const cwd = session.turns.find((t) => t.claudeSessionId === id)?.cwd ?? session.cwd;
      byFolder.set(cwd, [...(byFolder.get(cwd) ?? []), id]);
    }
    for (const [cwd, ids] of byFolder) {
      try {
        const removed = await this.remove(ids, cwd);
        if (removed > 0) this.log?.info({ sessionId, claudeSessionIds: ids, removed }, 'deleted transcripts no turn can continue');
      } catch (error) {
        this.log?.warn({ sessionId, claudeSessionIds: ids, error: (error as Error).message }, 'could not delete transcripts no turn can continue');
      }
    }
  }
}

/**
 * A done turn names it (a follow-up, regenerate or edit may continue it), or a turn in flight uses
 * it; among the turns not held in memory too, as far as the session's file knows them (when it
 * does not, every one is taken as continuable).
 */
export function continuable(session: SessionRecord, claudeSessionId: string): boolean {
  const earlier = session.earlier;
  if (earlier && earlier.turns > 0 && (earlier.claudeSessionIds?.includes(claudeSessionId) ?? true)) return true;
  return session.turns.some((t) => t.claudeSessionId === claudeSessionId && (t.status === 'done' || turnInFlight(t)));
}
