/**
 * Approvals: Claude Code asks before it runs a tool the role's rules do not already allow, and a
 * person answers from the panel, the desktop or the chat. Pure data shared by main and the panel.
 */

/** A role's `approvals:` policy: ask a person, or refuse every prompt at once (unattended roles). */
export const APPROVAL_POLICIES = ['ask', 'deny'] as const;

/** How a prompt can be answered. */
export const APPROVAL_DECISIONS = ['allow', 'allow_chat', 'allow_role', 'allow_project', 'deny', 'stop'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** Where an answer came from (timeout and withdrawn: nobody answered). */
export const APPROVAL_SOURCES = ['panel', 'desktop', 'chat', 'api', 'timeout', 'policy', 'withdrawn'] as const;
export type ApprovalSource = (typeof APPROVAL_SOURCES)[number];

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** For deny and stop: what Claude Code is told instead of the tool's result. */
  message?: string;
  /** For AskUserQuestion (allow): the answer to each question, by its text. */
  answers?: Record<string, string>;
}

/** A question Claude Code asks the user (its AskUserQuestion tool), with the options it offers. */
export interface ApprovalQuestion {
  question: string;
  options: string[];
}

export type ApprovalStatus = 'pending' | 'allowed' | 'denied' | 'timed_out' | 'withdrawn';

export interface ApprovalView {
  id: string;
  sessionId: string;
  sessionTitle: string;
  turnId: string;
  role: string;
  /** The tool as Claude Code names it: Bash, Write, Edit, … */
  tool: string;
  /** One line a person reads: "Bash: npm install in ~/app". */
  summary: string;
  /** What exactly would run or change: the command, the file's content, a diff. */
  detail: string;
  /** The folder the turn works in. */
  cwd: string;
  /** A path the call touches lies outside the working folder. */
  outsideWorkspace: boolean;
  /** Claude Code's own suggestions for an "always" rule, as it sent them. */
  suggestions: unknown[];
  /** The rule an "allow always" adds, e.g. `Bash(npm install)` or `Write`. */
  rule: string;
  /** What "allow always for the project" can do: only for a role with a fixed cwd. */
  projectRule: boolean;
  /** AskUserQuestion: the questions to answer (allow with `answers`) instead of a tool to allow. */
  questions?: ApprovalQuestion[];
  askedAt: string;
  deadline: string;
  status: ApprovalStatus;
  answer?: {
    decision: ApprovalDecision;
    message?: string;
    answers?: Record<string, string>;
    from: ApprovalSource;
    at: string;
    /** The rule it created, and where: "Bash(npm install) for this chat". */
    created?: string;
  };
}

/** Words of a chat reply that answer a pending prompt; anything else denies it with the reply as the message. */
export function decisionFromReply(reply: string): ApprovalDecision | undefined {
  const word = reply.trim().toLowerCase().replace(/[.!]+$/, '');
  if (['allow', 'yes', 'y', 'ok', 'allow once', 'go ahead'].includes(word)) return 'allow';
  if (['always', 'allow always', 'always allow'].includes(word)) return 'allow_chat';
  if (['deny', 'no', 'n'].includes(word)) return 'deny';
  if (['stop', 'cancel'].includes(word)) return 'stop';
  return undefined;
}

/** A short past-tense phrase for an answer: "allowed once", "denied", … */
export function answeredAs(decision: ApprovalDecision): string {
  switch (decision) {
    case 'allow':
      return 'allowed once';
    case 'allow_chat':
      return 'allowed always for this chat';
    case 'allow_role':
      return 'allowed always for this role';
    case 'allow_project':
      return 'allowed always for the project';
    case 'deny':
      return 'denied';
    case 'stop':
      return 'denied and stopped';
  }
}
