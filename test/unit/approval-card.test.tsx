// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalView } from '../../common/approval';
import type { ControlClient } from '../../renderer/src/control-client';
import { ApprovalCard, ApprovalClient } from '../../renderer/src/views/ApprovalCard';

afterEach(cleanup);

const base: ApprovalView = {
  id: 'a1', sessionId: 's', sessionTitle: 'A chat', turnId: 't', role: 'dev', tool: 'Bash', summary: 'Bash `npm install` in ~/app', detail: '$ npm install', cwd: '/home/u/app',
  outsideWorkspace: true, suggestions: [], rule: 'Bash(npm install)', projectRule: false, askedAt: new Date().toISOString(), deadline: new Date(Date.now() + 300_000).toISOString(), status: 'pending',
};

function show(approval: ApprovalView, invoke = vi.fn(async () => approval)) {
  render(
    <ApprovalClient.Provider value={{ invoke, subscribe: () => () => undefined } as unknown as ControlClient}>
      <ApprovalCard approval={approval} />
    </ApprovalClient.Provider>,
  );
  return invoke;
}

describe('ApprovalCard', () => {
  it('names each button for what it does to which tool; no project rule without a cwd; a path outside is flagged; deny carries the message', async () => {
    const invoke = show(base);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Allow Bash once',
      'Always allow Bash(npm install) in this chat',
      'Always allow Bash(npm install) for role dev',
      'Deny Bash',
      'Deny Bash and stop the turn',
    ]);
    expect(screen.getByText('· outside the working folder')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Message to Claude Code with the denial of Bash'), { target: { value: 'Use pnpm' } });
    fireEvent.click(screen.getByRole('button', { name: 'Deny Bash' }));
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledWith('approval:answer', 'a1', { decision: 'deny', message: 'Use pnpm' }));
  });

  it("Claude Code's question: a click on an option answers it; nothing to allow", async () => {
    const question: ApprovalView = { ...base, tool: 'AskUserQuestion', summary: 'Question: Which color?', questions: [{ question: 'Which color?', options: ['Blue', 'Red'] }] };
    const invoke = show(question);
    expect(screen.queryByRole('button', { name: /^Allow/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Answer “Red” to “Which color?”' }));
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledWith('approval:answer', 'a1', { decision: 'allow', answers: { 'Which color?': 'Red' } }));
  });

  it('an answered one says how, from where, and the rule it created; no buttons', () => {
    show({ ...base, status: 'allowed', answer: { decision: 'allow_role', from: 'desktop', at: new Date().toISOString(), created: 'Bash(npm install) in role "dev"\'s allowed_tools' } });
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.getByRole('status').textContent).toMatch(/^allowed always for this role from the desktop at .* · rule: Bash\(npm install\) in role "dev"'s allowed_tools$/);
  });
});
