/**
 * A sub-agent's (foreground) work as the real claude CLI reports it: its tool calls and results carry the
 * Task (Agent) call they belong to, in the live run events and in the session log, so the panel
 * can nest them under it.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import { readLog } from '../../main/sessions/event-log';
import { hasToolResults, text, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { chatBody, contentOf, harnessPerTest, readSse } from '../support/helix-harness';

const start = harnessPerTest();

/** The first user message's text: the sub-agent's conversation starts with the prompt it was given. */
function firstUserText(req: FakeRequest): string {
  const first = req.body.messages?.find((m) => m.role === 'user');
  if (typeof first?.content === 'string') return first.content;
  return Array.isArray(first?.content) ? first.content.map((p: { text?: string }) => p.text ?? '').join('\n') : '';
}

function script(req: FakeRequest): Reply {
  const sub = firstUserText(req).includes('SUBTASK');
  if (sub) return hasToolResults(req) ? text('Sub-agent report: one file.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo from-the-sub-agent', description: 'Say hi' } }] };
  if (hasToolResults(req)) return text('Main answer.');
  return { kind: 'message', blocks: [{ type: 'tool_use', name: 'Agent', input: { description: 'Survey', prompt: 'SUBTASK: list the files', subagent_type: 'general-purpose', run_in_background: false } }] };
}

describe('sub-agent events', () => {
  it("keep their Task's id (parentId) in the session log, and the chat gets the main agent's answer", async () => {
    const h = await start(script, { role: '\n    model: "local:claude-sonnet-4-5"\n    permission_mode: bypassPermissions' });
    const response = await h.api('/v1/chat/completions', { method: 'POST', body: chatBody('Survey please'), headers: { 'x-helix-chat-id': 'sub' } });
    const { events } = await readSse(response);
    const session = h.core.sessions.findByChatId('sub')!;
    await h.core.sessions.flush();
    const runEvents = readLog(h.core.sessions.logFile(session.id))
      .filter((r) => r.type === 'event')
      .map((r) => r.event as RunEvent);
    const task = runEvents.find((e) => e.type === 'tool_use' && e.name === 'Agent');
    const inner = runEvents.find((e) => e.type === 'tool_use' && e.name === 'Bash');
    const innerResult = runEvents.find((e) => e.type === 'tool_result' && e.name === 'Bash');
    expect(task, JSON.stringify(runEvents.map((e) => e.type))).toBeDefined();
    expect(task).not.toHaveProperty('parentId');
    expect(inner).toMatchObject({ parentId: task?.type === 'tool_use' ? task.id : 'none', input: { command: 'echo from-the-sub-agent' } });
    expect(innerResult).toMatchObject({ parentId: task?.type === 'tool_use' ? task.id : 'none', outcome: 'exit 0' });
    // The sub-agent's own report goes to the main agent (in the Task's result), not into the chat's answer.
    expect(runEvents.filter((e) => e.type === 'text').map((e) => (e.type === 'text' ? e.text : ''))).toEqual(['Main answer.']);
    expect(contentOf(events)).toContain('Main answer.');
    expect(contentOf(events)).not.toContain('Sub-agent report');
  });
});
