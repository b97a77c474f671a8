/**
 * An approval asked in the chat (settings.approvals.in_chat): the question that ends the
 * response, and what the turn keeps while the chat's next message is awaited.
 */
import { decisionFromReply, type ApprovalAnswer, type ApprovalView } from '../../common/approval';
import type { TurnRecord } from '../../common/session';
import type { TurnHandle } from './turn-handle';

/** A turn waiting for an approval asked in its chat: the chat's next message answers it. */
export interface AskedInChat {
  approvalId: string;
  handle: TurnHandle;
  turn: TurnRecord;
  /** The answer's text the first response carried, and the question it ended with. */
  sofar: string;
  question: string;
  /** The key of the conversation the client shows once it has the question: its reply comes after it. */
  historyKey: string;
  /** The chat message that answered it. */
  reply?: string;
}

/** The end of an answer that asks in the chat: the question and how to reply. */
export function chatQuestion(approval: ApprovalView): string {
  const fence = approval.detail.includes('```') ? '````' : '```';
  return [
    '',
    '',
    '---',
    `**Claude Code asks:** ${approval.summary}${approval.outsideWorkspace ? ' (outside the working folder)' : ''}`,
    '',
    fence,
    approval.detail,
    fence,
    '',
    approval.questions ? 'Reply with your answer.' : 'Reply **allow**, **always** or **deny** — or say what to do instead.',
  ].join('\n');
}

/**
 * What a chat reply means: a question's answer (every question gets the reply, unless it says
 * deny or stop); else a few exact words allow, always allow or deny, and anything else denies
 * with the reply passed on to Claude Code.
 */
export function chatAnswer(reply: string, approval: ApprovalView | undefined): ApprovalAnswer {
  const decision = decisionFromReply(reply);
  if (approval?.questions) {
    if (decision === 'deny' || decision === 'stop') return { decision };
    return { decision: 'allow', answers: Object.fromEntries(approval.questions.map((q) => [q.question, reply])) };
  }
  return decision ? { decision } : { decision: 'deny', message: `The user said instead: ${reply}` };
}
