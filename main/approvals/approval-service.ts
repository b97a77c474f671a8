/**
 * Pending permission prompts and their answers. Each `can_use_tool` request of a turn becomes an
 * approval that a person answers from the panel, the desktop or the chat; the first answer wins,
 * and one nobody gives by the deadline denies the call (never allows it), so a turn is never
 * wedged. A turn that ends, is cancelled or whose process goes withdraws its prompts (the
 * caller's AbortSignal). Nothing is kept across restarts: a prompt is only ever pending in
 * memory, in front of the process that asked.
 */
import { randomUUID } from 'node:crypto';
import { answeredAs, type ApprovalAnswer, type ApprovalSource, type ApprovalView } from '../../common/approval';
import { describeApproval } from './describe-approval';

/** A `can_use_tool` request as the CLI sent it. */
export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  suggestions: unknown[];
  blockedPath?: string;
}

/** The CLI's `PermissionResult`. */
export type PermissionResult =
  | { behavior: 'allow'; updatedInput: Record<string, unknown>; updatedPermissions?: unknown[]; decisionClassification?: string }
  | { behavior: 'deny'; message: string; interrupt?: boolean };

export interface AskContext {
  sessionId: string;
  /** The chat's title, shown with the approval. */
  sessionTitle: string;
  turnId: string;
  role: string;
  cwd: string;
  /** The role has a fixed cwd: "allow always for the project" can write its .claude/settings.local.json. */
  projectRule: boolean;
  timeoutSeconds: number;
  /** Hears this approval's changes (added, answered): the turn's log and stream. */
  onChange(view: ApprovalView): void;
}

export class ApprovalClosed extends Error {
  constructor(
    readonly code: 'not_found' | 'already_answered' | 'not_available',
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalClosed';
  }
}

interface Pending {
  view: ApprovalView;
  request: PermissionRequest;
  context: AskContext;
  resolve(result: PermissionResult): void;
  timer: NodeJS.Timeout;
}

/** How long an answered approval can still be named in "already answered". */
const ANSWERED_KEPT = 200;

export interface ApprovalServiceOptions {
  /** Adds `rule` to a role's allowed_tools in the config file; throws when it cannot. */
  addRoleRule(role: string, rule: string): void;
}

export class ApprovalService {
  private readonly pending = new Map<string, Pending>();
  private readonly answered = new Map<string, ApprovalView>();
  private readonly listeners = new Set<(view: ApprovalView) => void>();

  constructor(private readonly options: ApprovalServiceOptions) {}

  /** The prompts waiting for an answer, oldest first. */
  list(): ApprovalView[] {
    return [...this.pending.values()].map((p) => p.view);
  }

  get(id: string): ApprovalView | undefined {
    return this.pending.get(id)?.view ?? this.answered.get(id);
  }

  /** Hears every approval added and every one answered, timed out or withdrawn. */
  onChange(listener: (view: ApprovalView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks; resolves with the CLI's answer once a person answers, the deadline passes, or `signal` withdraws it. */
  ask(context: AskContext, request: PermissionRequest, signal: AbortSignal): Promise<PermissionResult> {
    const described = describeApproval(request.toolName, request.input, context.cwd, request.blockedPath);
    const now = Date.now();
    const view: ApprovalView = {
      id: randomUUID(),
      sessionId: context.sessionId,
      sessionTitle: context.sessionTitle,
      turnId: context.turnId,
      role: context.role,
      tool: request.toolName,
      ...described,
      cwd: context.cwd,
      suggestions: request.suggestions,
      projectRule: context.projectRule,
      askedAt: new Date(now).toISOString(),
      deadline: new Date(now + context.timeoutSeconds * 1000).toISOString(),
      status: 'pending',
    };
    return new Promise<PermissionResult>((resolve) => {
      if (signal.aborted) return resolve({ behavior: 'deny', message: 'The turn ended before the prompt was shown.' });
      const timer = setTimeout(() => {
        const message = `No one answered within ${context.timeoutSeconds} s, so Helix denied ${request.toolName}. Do not retry it; say what you would have done instead.`;
        this.close(view.id, { decision: 'deny', message }, 'timeout', 'timed_out', { behavior: 'deny', message });
      }, Math.min(context.timeoutSeconds * 1000, 2 ** 31 - 1));
      timer.unref?.();
      this.pending.set(view.id, { view, request, context, resolve, timer });
      signal.addEventListener('abort', () => this.withdraw(view.id), { once: true });
      this.changed(view);
    });
  }

  /**
   * Answers a pending approval; the first answer wins. Throws ApprovalClosed when it is not
   * pending (answered: says how, from where and when).
   */
  answer(id: string, answer: ApprovalAnswer, from: ApprovalSource): ApprovalView {
    const pending = this.pending.get(id);
    if (!pending) {
      const done = this.answered.get(id);
      if (!done) throw new ApprovalClosed('not_found', `No approval ${id}.`);
      throw new ApprovalClosed('already_answered', `Already answered — ${alreadySaid(done)}.`);
    }
    const { request, context } = pending;
    const input = request.input;
    if (answer.decision === 'deny' || answer.decision === 'stop') {
      const message = answer.message?.trim() || (answer.decision === 'stop' ? 'The user stopped this turn.' : `The user denied ${request.toolName}.`);
      const result: PermissionResult = { behavior: 'deny', message, ...(answer.decision === 'stop' ? { interrupt: true } : {}) };
      return this.close(id, { decision: answer.decision, message }, from, 'denied', result);
    }
    if (pending.view.questions) {
      // A question is answered, not allowed: with an answer to each question, or denied.
      const answers = answer.answers ?? {};
      const missing = pending.view.questions.filter((q) => typeof answers[q.question] !== 'string' || !answers[q.question]!.trim());
      if (answer.decision !== 'allow' || missing.length > 0) throw new ApprovalClosed('not_available', `Answer each question (${missing.map((q) => q.question).join('; ') || 'allow once with answers'}), or deny.`);
      return this.close(id, { decision: 'allow', answers }, from, 'allowed', { behavior: 'allow', updatedInput: { ...input, answers } });
    }
    if (answer.decision === 'allow_project' && !context.projectRule) {
      throw new ApprovalClosed('not_available', `Role "${context.role}" has no project folder (cwd): allow it for this chat or this role instead.`);
    }
    const rule = ruleValue(pending.view.rule);
    let created: string | undefined;
    let updatedPermissions: unknown[] | undefined;
    let decisionClassification: string | undefined;
    if (answer.decision === 'allow_chat') {
      updatedPermissions = [{ type: 'addRules', rules: [rule], behavior: 'allow', destination: 'session' }];
      created = `${pending.view.rule} for this chat`;
    } else if (answer.decision === 'allow_role') {
      // Written before the call goes on; a file that cannot take it refuses the answer (nothing changed).
      try {
        this.options.addRoleRule(context.role, pending.view.rule);
      } catch (error) {
        throw new ApprovalClosed('not_available', `Could not add ${pending.view.rule} to role "${context.role}": ${(error as Error).message}`);
      }
      // The rest of this process's life too: the config change takes effect from its next process.
      updatedPermissions = [{ type: 'addRules', rules: [rule], behavior: 'allow', destination: 'session' }];
      created = `${pending.view.rule} in role "${context.role}"'s allowed_tools`;
    } else if (answer.decision === 'allow_project') {
      updatedPermissions = [{ type: 'addRules', rules: [rule], behavior: 'allow', destination: 'localSettings' }];
      decisionClassification = 'user_permanent';
      created = `${pending.view.rule} in ${context.cwd}/.claude/settings.local.json`;
    }
    const result: PermissionResult = { behavior: 'allow', updatedInput: input, ...(updatedPermissions ? { updatedPermissions } : {}), ...(decisionClassification ? { decisionClassification } : {}) };
    return this.close(id, { decision: answer.decision, created }, from, 'allowed', result);
  }

  /** The turn no longer waits (cancelled, ended, its process gone): the prompt is closed unanswered. */
  private withdraw(id: string): void {
    if (!this.pending.has(id)) return;
    this.close(id, { decision: 'deny', message: 'The turn ended before anyone answered.' }, 'withdrawn', 'withdrawn', { behavior: 'deny', message: 'Withdrawn.' });
  }

  private close(id: string, answer: { decision: ApprovalAnswer['decision']; message?: string; created?: string; answers?: Record<string, string> }, from: ApprovalSource, status: ApprovalView['status'], result: PermissionResult): ApprovalView {
    const pending = this.pending.get(id);
    if (!pending) throw new ApprovalClosed('not_found', `No approval ${id}.`);
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const view: ApprovalView = { ...pending.view, status, answer: { ...answer, from, at: new Date().toISOString() } };
    this.answered.set(id, view);
    if (this.answered.size > ANSWERED_KEPT) this.answered.delete(this.answered.keys().next().value as string);
    pending.resolve(result);
    this.changed(view, pending.context);
    return view;
  }

  private changed(view: ApprovalView, context?: AskContext): void {
    (context ?? this.pending.get(view.id)?.context)?.onChange(view);
    for (const listener of this.listeners) listener(view);
  }
}

/** `Bash(npm install)` as the CLI's rule value. */
function ruleValue(rule: string): { toolName: string; ruleContent?: string } {
  const match = /^([^()]+)\((.*)\)$/s.exec(rule);
  return match ? { toolName: match[1]!, ruleContent: match[2]! } : { toolName: rule };
}

/** "allowed once from the panel at 12:03". */
export function alreadySaid(view: ApprovalView): string {
  const answer = view.answer;
  if (!answer) return 'no answer yet';
  const at = new Date(answer.at).toISOString().slice(11, 16);
  if (answer.from === 'timeout') return `denied when no one answered by ${at} UTC`;
  if (answer.from === 'withdrawn') return `withdrawn at ${at} UTC (the turn ended)`;
  return `${answeredAs(answer.decision)} from the ${answer.from} at ${at} UTC`;
}
