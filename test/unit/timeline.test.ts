import { describe, expect, it } from 'vitest';
import type { LogEntry, SessionSummary } from '../../common/control';
import { exportFileName, sessionMarkdown } from '../../renderer/src/session-export';
import { addRunEvent, buildTimeline, type TimelineItem } from '../../renderer/src/timeline';

const at = '2026-11-23T10:00:00.000Z';
const log: LogEntry[] = [
  { type: 'session', at },
  { type: 'prompt', at, turnId: 't1', text: 'Run the tests', images: [], resumed: null },
  { type: 'event', at, turnId: 't1', event: { type: 'thinking', text: 'Let me run them.' } },
  { type: 'event', at, turnId: 't1', event: { type: 'tool_use', id: 'a', name: 'Bash', title: 'Bash: npm test', input: { command: 'npm test' } } },
  { type: 'event', at, turnId: 't1', event: { type: 'tool_use', id: 'b', name: 'Read', title: 'Read a.ts', input: {} } },
  { type: 'event', at, turnId: 't1', event: { type: 'tool_result', id: 'b', name: 'Read', title: 'Read a.ts', outcome: '3 lines', isError: false } },
  { type: 'event', at, turnId: 't1', event: { type: 'tool_result', id: 'a', name: 'Bash', title: 'Bash: npm test', outcome: 'exit 1', isError: true } },
  { type: 'event', at, turnId: 't1', event: { type: 'text', text: 'One test ' } },
  { type: 'turn', at, turn: { id: 't1', parentKey: 'k', user: 'Run the tests', assistant: '', status: 'running', delivered: false, startedAt: at } },
  { type: 'task', at, task: 'title', via: 'local' },
];

describe('timeline', () => {
  it('pairs each tool call with its result, whatever order results come in', () => {
    const items = buildTimeline(log);
    expect(items.map((i) => i.kind)).toEqual(['prompt', 'thinking', 'tool', 'tool', 'answer', 'task']);
    expect(items[2]).toMatchObject({ title: 'Bash: npm test', outcome: 'exit 1', isError: true });
    expect(items[3]).toMatchObject({ title: 'Read a.ts', outcome: '3 lines', isError: false });
  });

  it('extends the answer with live deltas and closes the turn with its totals', () => {
    const items: TimelineItem[] = buildTimeline(log);
    addRunEvent(items, 't1', { type: 'text', text: 'failed.' });
    expect(items.filter((i) => i.kind === 'answer')).toEqual([{ kind: 'answer', turnId: 't1', text: 'One test failed.' }]);
    const ended = buildTimeline([
      ...log,
      { type: 'turn', at, turn: { id: 't1', parentKey: 'k', user: 'x', assistant: 'y', status: 'done', delivered: true, startedAt: at, endedAt: '2026-11-23T10:00:02.500Z', target: 'local:m', usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheCreationTokens: 0, thinkingTokens: 0 }, costUsd: 0.01 } },
    ]);
    expect(ended.at(-1)).toEqual({ kind: 'turn-end', turnId: 't1', status: 'done', target: 'local:m', tokens: 115, costUsd: 0.01, durationMs: 2500, error: undefined });
  });
});

describe('session export', () => {
  const session: SessionSummary = { id: 's', title: 'Fix the `build` script!', role: 'developer', target: 'local:m', status: 'done', createdAt: at, updatedAt: at, turns: 1, tokens: 1234, costUsd: 0.01 };

  it('writes prompts, tool calls with input and output, thinking and answers, in order', () => {
    const items: TimelineItem[] = [
      ...buildTimeline(log),
      { kind: 'tool', turnId: 't1', id: 'c', name: 'Bash', title: 'Bash: cat notes.md', input: { command: 'cat notes.md' }, outcome: 'exit 0', output: 'has ``` and ```` inside' },
    ];
    const markdown = sessionMarkdown(session, items);
    expect(markdown.startsWith('# Fix the `build` script!\n\ndeveloper · local:m · started 2026-11-23T10:00:00.000Z · 1 turn · 1,234 tokens · $0.0100\n')).toBe(true);
    const order = ['## You\n\nRun the tests', '<summary>Thinking</summary>', '**Bash: npm test** — exit 1', '**Read a.ts** — 3 lines', '## Claude Code\n\nOne test', '> Background task'];
    const positions = order.map((part) => markdown.indexOf(part));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // An output holding fences gets a longer fence, so it cannot end its block early.
    expect(markdown).toContain('`````\nhas ``` and ```` inside\n`````');
  });

  it('names the file after the title', () => {
    expect(exportFileName(session)).toBe('fix-the-build-script.md');
    expect(exportFileName({ ...session, title: '¿?' })).toBe('session.md');
  });
});

describe('approvals in the timeline and the export', () => {
  const asked = {
    id: 'ap1', sessionId: 's', turnId: 't9', role: 'dev', tool: 'Bash', summary: 'Bash `npm install` in ~/app', detail: '$ npm install', cwd: '/home/u/app',
    outsideWorkspace: false, suggestions: [], rule: 'Bash(npm install)', projectRule: false, askedAt: at, deadline: at, status: 'pending' as const,
  };
  const turn = (status: string): LogEntry => ({ type: 'turn', at, turn: { id: 't9', parentKey: 'k', user: 'Install', assistant: '', status, delivered: true, startedAt: at, endedAt: at } });
  const approval = (view: object): LogEntry => ({ type: 'event', at, turnId: 't9', event: { type: 'approval', approval: view } });

  it('one item per prompt, replaced by its answer; the export says what was asked, the answer, from where, when, and the rule', () => {
    const items = buildTimeline([
      approval(asked),
      approval({ ...asked, status: 'allowed', answer: { decision: 'allow_chat', from: 'panel', at, created: 'Bash(npm install) for this chat' } }),
      turn('done'),
    ]);
    expect(items.map((i) => i.kind)).toEqual(['approval', 'turn-end']);
    const markdown = sessionMarkdown({ id: 's', title: 'T', role: 'dev', status: 'done', createdAt: at, updatedAt: at, turns: 1, tokens: 0, costUsd: 0 }, items);
    expect(markdown).toContain(`**Approval asked:** Bash \`npm install\` in ~/app — allowed always for this chat from the panel at ${at}`);
    expect(markdown).toContain('> Rule added: Bash(npm install) for this chat');
    expect(markdown).toContain('$ npm install');
  });

  it('a prompt still pending when its turn ended (Helix stopped while it waited) never shows as waiting', () => {
    const items = buildTimeline([approval(asked), turn('interrupted')]);
    expect(items[0]).toMatchObject({ kind: 'approval', approval: { status: 'withdrawn' } });
  });
});
