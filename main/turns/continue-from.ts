import type { SessionRecord, TurnRecord } from '../../common/session';
import type { ContinueFrom } from './run-service';

/**
 * Where a turn that follows `parent` picks up its conversation: the parent's Claude Code session,
 * at the parent's last message. In place when the parent is the session's tip (turns after it
 * there did not complete: they were interrupted or failed, and the session goes on after them),
 * else forked at that message; undefined when neither is possible (a parent recorded without its
 * message that is no longer the tip), so the transcript seeds a new session.
 */
export function continueFrom(session: SessionRecord, parent: TurnRecord): ContinueFrom | undefined {
  if (!parent.claudeSessionId) return undefined;
  const after = session.turns.slice(session.turns.indexOf(parent) + 1);
  const atTip = !after.some((t) => t.claudeSessionId === parent.claudeSessionId && t.status === 'done');
  if (!atTip && !parent.claudeMessageUuid) return undefined;
  return { sessionId: parent.claudeSessionId, messageUuid: parent.claudeMessageUuid, atTip };
}
