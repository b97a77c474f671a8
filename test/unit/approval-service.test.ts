/** The approvals' rules without a process: first answer wins, the deadline denies, a withdrawn prompt closes, rules per destination. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalView } from '../../common/approval';
import { ApprovalClosed, ApprovalService, type AskContext, type PermissionRequest } from '../../main/approvals/approval-service';
import { describeApproval } from '../../main/approvals/describe-approval';
import { thrown } from '../support/thrown';

afterEach(() => vi.useRealTimers());

const bash: PermissionRequest = { toolName: 'Bash', input: { command: 'npm install', description: 'Install' }, suggestions: [] };

function setup(addRoleRule: (role: string, rule: string) => void = () => undefined) {
  const service = new ApprovalService({ addRoleRule });
  const seen: ApprovalView[] = [];
  const context: AskContext = { sessionId: 's1', sessionTitle: 'A chat', turnId: 't1', role: 'dev', cwd: '/work/app', projectRule: false, timeoutSeconds: 300, onChange: (v) => seen.push(v) };
  return { service, seen, context };
}

describe('ApprovalService', () => {
  it('allow once gives the CLI the input unchanged; a second answer is refused with how and when it was answered', async () => {
    const { service, seen, context } = setup();
    const answer = service.ask(context, bash, new AbortController().signal);
    const [pending] = service.list();
    expect(pending).toMatchObject({ tool: 'Bash', summary: 'Bash `npm install` in /work/app', rule: 'Bash(npm install)', status: 'pending' });
    service.answer(pending!.id, { decision: 'allow' }, 'panel');
    await expect(answer).resolves.toEqual({ behavior: 'allow', updatedInput: bash.input });
    const again = thrown(() => service.answer(pending!.id, { decision: 'deny' }, 'chat'), ApprovalClosed);
    expect(again.code).toBe('already_answered');
    expect(again.message).toMatch(/^Already answered — allowed once from the panel at \d\d:\d\d UTC\.$/);
    expect(seen.map((v) => v.status)).toEqual(['pending', 'allowed']);
    expect(service.list()).toEqual([]);
  });

  it('at the deadline the call is denied (never allowed) with a message saying so', async () => {
    vi.useFakeTimers();
    const { service, seen, context } = setup();
    const answer = service.ask({ ...context, timeoutSeconds: 5 }, bash, new AbortController().signal);
    vi.advanceTimersByTime(4999);
    expect(service.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await expect(answer).resolves.toMatchObject({ behavior: 'deny', message: expect.stringContaining('No one answered within 5 s') });
    expect(seen.at(-1)).toMatchObject({ status: 'timed_out', answer: { from: 'timeout', decision: 'deny' } });
  });

  it('a withdrawn prompt (turn cancelled, process gone) closes unanswered and cannot be answered later', async () => {
    const { service, seen, context } = setup();
    const controller = new AbortController();
    const answer = service.ask(context, bash, controller.signal);
    const id = service.list()[0]!.id;
    controller.abort();
    await expect(answer).resolves.toMatchObject({ behavior: 'deny' });
    expect(seen.at(-1)).toMatchObject({ status: 'withdrawn', answer: { from: 'withdrawn' } });
    expect(thrown(() => service.answer(id, { decision: 'allow' }, 'panel'), ApprovalClosed).message).toMatch(/withdrawn at/);
  });

  it('deny passes the message on; stop also interrupts the turn', async () => {
    const { service, context } = setup();
    const a = service.ask(context, bash, new AbortController().signal);
    service.answer(service.list()[0]!.id, { decision: 'deny', message: 'Use pnpm.' }, 'panel');
    await expect(a).resolves.toEqual({ behavior: 'deny', message: 'Use pnpm.' });
    const b = service.ask(context, bash, new AbortController().signal);
    service.answer(service.list()[0]!.id, { decision: 'stop' }, 'panel');
    await expect(b).resolves.toEqual({ behavior: 'deny', message: 'The user stopped this turn.', interrupt: true });
  });

  it('always: a session rule for the chat, the role file for the role, localSettings for a project role only', async () => {
    const added: string[] = [];
    const { service, context } = setup((role, rule) => added.push(`${role}:${rule}`));
    const chat = service.ask(context, bash, new AbortController().signal);
    service.answer(service.list()[0]!.id, { decision: 'allow_chat' }, 'panel');
    await expect(chat).resolves.toMatchObject({ updatedPermissions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm install' }], behavior: 'allow', destination: 'session' }] });

    const role = service.ask(context, bash, new AbortController().signal);
    const roleView = service.answer(service.list()[0]!.id, { decision: 'allow_role' }, 'panel');
    await role;
    expect(added).toEqual(['dev:Bash(npm install)']);
    expect(roleView.answer?.created).toBe('Bash(npm install) in role "dev"\'s allowed_tools');

    const project = service.ask(context, bash, new AbortController().signal);
    const id = service.list()[0]!.id;
    expect(thrown(() => service.answer(id, { decision: 'allow_project' }, 'panel'), ApprovalClosed).code).toBe('not_available');
    expect(service.list()).toHaveLength(1); // still waiting for a valid answer
    service.answer(id, { decision: 'deny' }, 'panel');
    await project;

    const withCwd = service.ask({ ...context, projectRule: true }, bash, new AbortController().signal);
    service.answer(service.list()[0]!.id, { decision: 'allow_project' }, 'panel');
    await expect(withCwd).resolves.toMatchObject({ decisionClassification: 'user_permanent', updatedPermissions: [{ destination: 'localSettings' }] });
  });

  it('a role file that cannot take the rule refuses the answer and the prompt keeps waiting', () => {
    const { service, context } = setup(() => {
      throw new Error('read-only file');
    });
    void service.ask(context, bash, new AbortController().signal);
    const id = service.list()[0]!.id;
    expect(thrown(() => service.answer(id, { decision: 'allow_role' }, 'panel'), ApprovalClosed).message).toMatch(/read-only file/);
    expect(service.list()[0]!.status).toBe('pending');
  });
});

describe('describeApproval', () => {
  it('Write shows the file and its content, Edit a diff; a path outside the working folder is flagged', () => {
    expect(describeApproval('Write', { file_path: '/work/app/a.txt', content: 'hi\n' }, '/work/app')).toMatchObject({ summary: 'Write a.txt', outsideWorkspace: false, rule: 'Write' });
    const outside = describeApproval('Write', { file_path: '/etc/hosts', content: 'x' }, '/work/app');
    expect(outside).toMatchObject({ summary: 'Write /etc/hosts (outside the working folder)', outsideWorkspace: true });
    expect(describeApproval('Edit', { file_path: 'a.ts', old_string: 'let a', new_string: 'const a' }, '/work/app').detail).toBe('--- a.ts\n+++ a.ts\n- let a\n+ const a');
    expect(describeApproval('Bash', { command: 'rm -rf build' }, '/work/app', '/tmp/elsewhere').outsideWorkspace).toBe(true);
  });
});
