import { describe, expect, it } from 'vitest';
import type { LogEntry, SessionSummary } from '../../common/control';
import { exportFileName, sessionMarkdown } from '../../renderer/src/session-export';
import { addRunEvent, buildTimeline, finishedBlocks, followEvent, openTimeline, type LiveTimeline, type TimelineItem } from '../../renderer/src/timeline';

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

describe('a live timeline', () => {
  /** Each item frozen: a change made in place throws instead of passing unnoticed. */
  const frozen = (items: TimelineItem[]): TimelineItem[] => items.map((i) => Object.freeze(structuredClone(i)));

  it('replaces only the item a delta changes: every other item keeps its identity, and none is changed in place', () => {
    const before = frozen(buildTimeline(log));
    const items = before.slice();
    addRunEvent(items, 't1', { type: 'text', text: 'failed.' });
    const answer = before.findIndex((i) => i.kind === 'answer');
    expect(items[answer]).not.toBe(before[answer]);
    expect(items[answer]).toMatchObject({ kind: 'answer', text: 'One test failed.' });
    expect(before[answer]).toMatchObject({ text: 'One test ' });
    expect(items.filter((item, i) => item !== before[i]).length).toBe(1);

    // A tool's result replaces that call alone, even far from the end.
    const running = frozen([...before, { kind: 'tool', turnId: 't1', id: 'c', name: 'Bash', title: 'Bash: ls', input: {} }, { kind: 'answer', turnId: 't1', text: 'Listing.' }]);
    const withResult = running.slice();
    addRunEvent(withResult, 't1', { type: 'tool_result', id: 'c', name: 'Bash', title: 'Bash: ls', outcome: 'exit 0', isError: false });
    expect(withResult.map((item, i) => item === running[i])).toEqual(running.map((_, i) => i !== running.length - 2));
    expect(withResult.at(-2)).toMatchObject({ outcome: 'exit 0' });
  });

  const numbered: LogEntry[] = [
    { type: 'prompt', at, turnId: 't1', text: 'Say it', images: [], resumed: null },
    { type: 'event', at, turnId: 't1', seq: 1, event: { type: 'started', sessionId: 'c', model: 'm', cwd: '/w' } },
    { type: 'event', at, turnId: 't1', seq: 4, event: { type: 'text', text: 'One two three' } },
  ];

  it('knows how far into each turn a snapshot goes, and adds each later event once', () => {
    const opened = openTimeline(numbered);
    expect(opened.held).toEqual({ t1: 4 });
    // Already in the snapshot (heard before it was read, delivered after): the same timeline, nothing to render.
    expect(followEvent(opened, 't1', 3, { type: 'text', text: ' three' })).toBe(opened);
    expect(followEvent(opened, 't1', 4, { type: 'text', text: ' three' })).toBe(opened);
    const next = followEvent(opened, 't1', 5, { type: 'text', text: ' four' }) as LiveTimeline;
    expect(next.items.at(-1)).toMatchObject({ kind: 'answer', text: 'One two three four' });
    expect(next.items[0]).toBe(opened.items[0]);
    expect(opened.items.at(-1)).toMatchObject({ text: 'One two three' });
    expect(followEvent(next, 't1', 5, { type: 'text', text: ' four' })).toBe(next);
    // A turn that starts after the snapshot begins at 1.
    expect(followEvent(next, 't2', 1, { type: 'text', text: 'Next' })).not.toBe('gap');
  });

  it('reports a gap when an event never came, instead of showing text with a hole', () => {
    const opened = openTimeline(numbered);
    expect(followEvent(opened, 't1', 6, { type: 'text', text: ' six' })).toBe('gap');
    expect(followEvent(opened, 't2', 2, { type: 'text', text: 'late' })).toBe('gap');
  });

  it('reads logs written before events were numbered', () => {
    expect(openTimeline(log).held).toEqual({});
  });
});

describe('sub-agent tool calls', () => {
  const task = { type: 'tool_use' as const, id: 'task1', name: 'Task', title: 'Agent: Survey', input: { description: 'Survey', prompt: 'Look' } };
  const inner = { type: 'tool_use' as const, id: 'ls1', name: 'Bash', title: 'Bash: ls', input: { command: 'ls' }, parentId: 'task1' };
  const innerResult = { type: 'tool_result' as const, id: 'ls1', name: 'Bash', title: 'Bash: ls', outcome: 'exit 0', isError: false, output: 'a.txt', parentId: 'task1' };

  it('are nested under their Task call, paired with their results, and the Task with its own', () => {
    const items = buildTimeline([
      { type: 'prompt', at, turnId: 't1', text: 'Survey', images: [], resumed: null },
      { type: 'event', at, turnId: 't1', seq: 1, event: { type: 'started', sessionId: 'c', model: 'm', cwd: '/w/project' } },
      { type: 'event', at, turnId: 't1', seq: 2, event: task },
      { type: 'event', at, turnId: 't1', seq: 3, event: inner },
      { type: 'event', at, turnId: 't1', seq: 4, event: innerResult },
      { type: 'event', at, turnId: 't1', seq: 5, event: { type: 'tool_result', id: 'task1', name: 'Task', title: 'Agent: Survey', outcome: 'done', isError: false, output: 'Found a.txt' } },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['prompt', 'tool']);
    expect(items[1]).toMatchObject({ id: 'task1', outcome: 'done', cwd: '/w/project', children: [{ id: 'ls1', name: 'Bash', outcome: 'exit 0', output: 'a.txt', parentId: 'task1', cwd: '/w/project' }] });
  });

  it('live, a nested call replaces its Task item alone, never changing one in place', () => {
    const before = buildTimeline([{ type: 'prompt', at, turnId: 't1', text: 'Survey', images: [], resumed: null }, { type: 'event', at, turnId: 't1', event: task }, { type: 'event', at, turnId: 't1', event: { type: 'text', text: 'Meanwhile' } }]).map((i) => Object.freeze(structuredClone(i)));
    const items = before.slice();
    addRunEvent(items, 't1', inner);
    addRunEvent(items, 't1', innerResult);
    expect(items.map((item, i) => item === before[i])).toEqual([true, false, true]);
    expect(items[1]).toMatchObject({ children: [{ id: 'ls1', outcome: 'exit 0' }] });
  });

  it('whose Task is not in the timeline (an earlier page) are shown on their own', () => {
    const items: TimelineItem[] = [];
    addRunEvent(items, 't1', inner);
    addRunEvent(items, 't1', innerResult);
    expect(items).toMatchObject([{ kind: 'tool', id: 'ls1', outcome: 'exit 0' }]);
  });

  it('are in the export, under their Task', () => {
    const items: TimelineItem[] = [];
    addRunEvent(items, 't1', task);
    addRunEvent(items, 't1', inner);
    const markdown = sessionMarkdown({ id: 's', title: 'T', role: 'dev', status: 'done', createdAt: at, updatedAt: at, turns: 1, tokens: 0, costUsd: 0 }, items);
    expect(markdown.indexOf('**Agent: Survey**')).toBeLessThan(markdown.indexOf('> **Bash: ls**'));
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

describe('a streaming answer\'s finished blocks', () => {
  const answer = [
    'A first paragraph.\n\n',
    '```ts\nconst a = 1;\n\nconst b = 2; // a blank line inside code ends no block\n```\n\n',
    '- a list\n- of two\n\n',
    '~~~\n``` not a closing fence here\n\n~~~\n\n',
    'The last paragraph, still being written',
  ].join('');

  it('are the same whether the answer is scanned whole or on from each frame\'s scan, however it is cut', () => {
    const whole = finishedBlocks(answer);
    expect(whole.blocks).toHaveLength(4);
    expect(whole.blocks[1]).toContain('const b = 2;');
    expect(whole.rest).toBe('The last paragraph, still being written');
    for (const size of [1, 3, 7, 64]) {
      let scan = finishedBlocks('');
      for (let at = size; at < answer.length + size; at += size) scan = finishedBlocks(answer.slice(0, at), scan);
      expect({ blocks: scan.blocks, rest: scan.rest }).toEqual({ blocks: whole.blocks, rest: whole.rest });
    }
  });

  it('keep the same list while no block finishes, and start over on a text that is not the one scanned grown', () => {
    const first = finishedBlocks('One.\n\nTwo is');
    const grown = finishedBlocks('One.\n\nTwo is growing', first);
    expect(grown.blocks).toBe(first.blocks);
    const finished = finishedBlocks('One.\n\nTwo is growing.\n\n', grown);
    expect(finished.blocks).toEqual(['One.\n', 'Two is growing.\n']);
    expect(finishedBlocks('Another answer.\n\nx', finished)).toMatchObject({ blocks: ['Another answer.\n'], rest: 'x' });
  });
});
