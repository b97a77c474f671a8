import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import { createProgressRenderer, type Piece, type ProgressStyle } from '../../main/server/progress';

const run: RunEvent[] = [
  { type: 'started', sessionId: 's', model: 'claude-sonnet-4-5', cwd: '/w' },
  { type: 'thinking', text: 'Let me check.' },
  { type: 'text', text: 'Checking.' },
  { type: 'tool_use', id: 't1', name: 'Bash', title: 'Bash: npm test', input: {} },
  { type: 'retry', attempt: 1, maxRetries: 4, delayMs: 560, httpStatus: 500, error: 'server_error' },
  { type: 'tool_result', id: 't1', name: 'Bash', title: 'Bash: npm test', outcome: 'exit 0', isError: false },
  { type: 'text', text: '\n\nAll tests pass.' },
];

function render(style: ProgressStyle): Piece[] {
  const renderer = createProgressRenderer(style);
  return [...renderer.starting('consultant · local:m'), ...run.flatMap((e) => renderer.event(e)), ...renderer.finished('Done in 1.0 s')];
}

const content = (pieces: Piece[]): string => pieces.map((p) => (p.kind === 'content' ? p.text : '')).join('');
const reasoning = (pieces: Piece[]): string => pieces.map((p) => (p.kind === 'reasoning' ? p.text : '')).join('');
const statuses = (pieces: Piece[]): string[] => pieces.flatMap((p) => (p.kind === 'status' ? [p.description] : []));

describe('progress styles', () => {
  it('openwebui: steps as status events, thinking as reasoning, only the answer as content', () => {
    const pieces = render('openwebui');
    expect(statuses(pieces)).toEqual([
      'Starting Claude Code · consultant · local:m',
      'Claude Code is working (claude-sonnet-4-5)',
      'Bash: npm test',
      'Provider error (HTTP 500), retry 1 of 4 in 0.6 s',
      'Bash: npm test — exit 0',
      'Done in 1.0 s',
    ]);
    expect(pieces.at(-1)).toEqual({ kind: 'status', description: 'Done in 1.0 s', done: true });
    expect(pieces.filter((p) => p.kind === 'status' && p.done)).toHaveLength(1);
    expect(pieces.filter((p) => p.kind === 'reasoning')).toEqual([{ kind: 'reasoning', text: 'Let me check.' }]);
    expect(content(pieces)).toBe('Checking.\n\nAll tests pass.');
  });

  it('reasoning: steps and thinking as lines of the reasoning, only the answer as content', () => {
    const pieces = render('reasoning');
    expect(statuses(pieces)).toEqual([]);
    expect(content(pieces)).toBe('Checking.\n\nAll tests pass.');
    expect(reasoning(pieces)).toBe(
      [
        '▸ Starting Claude Code · consultant · local:m',
        '▸ Claude Code is working (claude-sonnet-4-5)',
        'Let me check.',
        '▸ Bash: npm test',
        '▸ Provider error (HTTP 500), retry 1 of 4 in 0.6 s',
        '▸ Bash: npm test — exit 0\n\n',
      ].join('\n\n'),
    );
  });

  it('markdown: every step is a line of its own in the content, and nothing else is sent', () => {
    const pieces = render('markdown');
    expect(pieces.every((p) => p.kind === 'content')).toBe(true);
    expect(content(pieces)).toBe(
      [
        '▸ Starting Claude Code · consultant · local:m',
        '▸ Claude Code is working (claude-sonnet-4-5)',
        'Checking.',
        '▸ Bash: npm test',
        '▸ Provider error (HTTP 500), retry 1 of 4 in 0.6 s',
        '▸ Bash: npm test — exit 0',
        'All tests pass.',
      ].join('\n\n'),
    );
  });

  it('none: the answer only', () => {
    const pieces = render('none');
    expect(pieces.every((p) => p.kind === 'content')).toBe(true);
    expect(content(pieces)).toBe('Checking.\n\nAll tests pass.');
  });

  it('a failure ends the status line as done, so the client stops its spinner', () => {
    expect(createProgressRenderer('openwebui').failed('no key')).toEqual([{ kind: 'status', description: 'Failed: no key', done: true }]);
  });
});

describe('a turn waiting for an approval', () => {
  const asked = {
    id: 'a1', sessionId: 's', sessionTitle: 'A chat', turnId: 't', role: 'dev', tool: 'Bash', summary: 'Bash `npm install` in ~/app', detail: '$ npm install', cwd: '/home/u/app',
    outsideWorkspace: false, suggestions: [], rule: 'Bash(npm install)', projectRule: false, askedAt: '2026-01-01T12:00:00Z', deadline: '2026-01-01T12:05:00Z', status: 'pending' as const,
  };
  const answered = { ...asked, status: 'allowed' as const, answer: { decision: 'allow' as const, from: 'panel' as const, at: '2026-01-01T12:03:00Z' } };
  const events: RunEvent[] = [{ type: 'approval', approval: asked }, { type: 'approval', approval: answered }];

  it('is told in every style: a status, a reasoning line, a markdown line; then how it was answered', () => {
    const status = createProgressRenderer('openwebui');
    expect(statuses(events.flatMap((e) => status.event(e)))).toEqual(['Waiting for your approval: Bash `npm install` in ~/app', 'Bash `npm install` in ~/app — allowed once (panel)']);
    const notes = createProgressRenderer('reasoning');
    expect(reasoning(events.flatMap((e) => notes.event(e)))).toContain('▸ Waiting for your approval: Bash `npm install` in ~/app\n\n');
    const markdown = createProgressRenderer('markdown');
    expect(content(events.flatMap((e) => markdown.event(e)))).toContain('▸ Waiting for your approval: Bash `npm install` in ~/app');
    expect(content(events.flatMap((e) => createProgressRenderer('none').event(e)))).toBe('');
  });
});
