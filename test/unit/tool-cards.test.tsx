// @vitest-environment jsdom
/**
 * Tool calls in the open session's timeline, each shown the way its tool reads, a sub-agent's
 * calls nested under its Task, and cards appearing and pairing with their results as live events
 * come, without a reload.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ControlEvent, LogEntry, SessionPage, SessionSummary } from '../../common/control';
import type { RunEvent } from '../../common/run-event';
import type { ControlClient } from '../../renderer/src/control-client';
import type { ToolItem } from '../../renderer/src/timeline';
import { SessionsView } from '../../renderer/src/views/SessionsView';
import { ToolCard } from '../../renderer/src/views/ToolCard';

// jsdom lays nothing out; a viewport with a height lets the virtualised rows render.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
beforeAll(() => Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 }));
afterAll(() => clientHeight && Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight));
afterEach(cleanup);

const ESC = '\x1b';
const call = (fields: Partial<ToolItem> & Pick<ToolItem, 'name' | 'input'>): ToolItem => ({ kind: 'tool', turnId: 't1', id: 'c1', title: fields.name, ...fields });
const card = (item: ToolItem): HTMLElement => render(<ToolCard call={item} />).container.querySelector('article') as HTMLElement;

describe('a tool card', () => {
  it('Bash: the command, its folder, the exit code badge, and coloured output collapsed until "Show all"', () => {
    const output = [`${ESC}[32m✓ passes${ESC}[0m`, `${ESC}[1;31m✗ fails${ESC}[0m`, ...Array.from({ length: 28 }, (_, i) => `line ${i + 3}`)].join('\n');
    const el = card(call({ name: 'Bash', title: 'Bash: npm test', input: { command: 'npm test', description: 'Run the tests' }, outcome: 'exit 1', isError: true, output: `Exit code 1\n${output}`, cwd: '/work/app' }));
    expect(el.querySelector('pre.command')?.textContent).toBe('$ npm test');
    expect(within(el).getByText('in /work/app')).toBeTruthy();
    expect(el.querySelector('.tool-badge')?.textContent).toBe('exit 1');
    expect(el.querySelector('.tool-badge')?.className).toContain('bad');
    const shown = el.querySelector('pre.ansi') as HTMLElement;
    expect(shown.querySelector('.ansi-fg-green')?.textContent).toBe('✓ passes');
    expect(shown.querySelector('.ansi-fg-red.ansi-bold')?.textContent).toBe('✗ fails');
    expect(shown.textContent).not.toContain(ESC);
    expect(shown.textContent).not.toContain('Exit code 1');
    expect(shown.textContent).toContain('line 20');
    expect(shown.textContent).not.toContain('line 21');
    fireEvent.click(within(el).getByRole('button', { name: 'Show all (10 more lines)' }));
    expect(shown.textContent).toContain('line 30');
    expect(within(el).queryByRole('button', { name: /Show all/ })).toBeNull();
  });

  it('Bash still running: a running badge and no output yet; exit 0 is a good badge', () => {
    expect(card(call({ name: 'Bash', input: { command: 'sleep 5' } })).querySelector('.tool-badge')?.textContent).toBe('running…');
    cleanup();
    expect(card(call({ name: 'Bash', input: { command: 'ls' }, outcome: 'exit 0', output: 'a' })).querySelector('.tool-badge.good')?.textContent).toBe('exit 0');
  });

  it('Read: the path, the line range and the lines read', () => {
    const el = card(call({ name: 'Read', input: { file_path: '/work/app/src/a.ts', offset: 40, limit: 10 }, outcome: '10 lines', output: '40\tconst a = 1;' }));
    expect(el.querySelector('.tool-target')?.textContent).toBe('/work/app/src/a.ts');
    expect(within(el).getByText('lines 40–49')).toBeTruthy();
    expect(el.querySelector('.tool-badge')?.textContent).toBe('10 lines');
  });

  it('Edit: removed and added lines; Write: its content added, collapsed when long', () => {
    const edit = card(call({ name: 'Edit', input: { file_path: 'a.ts', old_string: 'keep\nold line', new_string: 'keep\nnew line' }, outcome: 'done' }));
    expect([...edit.querySelectorAll('.diff > span')].map((l) => `${l.className}:${l.textContent}`)).toEqual(['same:  keep\n', 'removed:- removed: old line\n', 'added:+ added: new line\n']);
    cleanup();
    const content = Array.from({ length: 25 }, (_, i) => `row ${i + 1}`).join('\n');
    const write = card(call({ name: 'Write', input: { file_path: 'notes.md', content }, outcome: 'done' }));
    expect(write.querySelectorAll('.diff > span.added')).toHaveLength(20);
    fireEvent.click(within(write).getByRole('button', { name: 'Show all (5 more lines)' }));
    expect(write.querySelectorAll('.diff > span.added')).toHaveLength(25);
  });

  it('Grep and Glob: the pattern, where, and the matches as a list', () => {
    const el = card(call({ name: 'Grep', input: { pattern: 'TODO', path: 'src' }, outcome: 'done', output: 'Found 2 files\nsrc/a.ts\nsrc/b.ts' }));
    expect(el.querySelector('.tool-target')?.textContent).toBe('TODO in src');
    expect(within(el).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(el.querySelector('.tool-badge')?.textContent).toBe('2 matches');
  });

  it('TodoWrite: a checklist with each item and its status', () => {
    const todos = [
      { content: 'Read the code', status: 'completed' },
      { content: 'Fix the bug', status: 'in_progress' },
      { content: 'Run the tests', status: 'pending' },
    ];
    const el = card(call({ name: 'TodoWrite', input: { todos }, outcome: 'done' }));
    expect(within(el).getAllByRole('listitem').map((li) => [li.className, li.querySelector('.todo-text')?.textContent, li.querySelector('.todo-status')?.textContent])).toEqual([
      ['todo completed', 'Read the code', 'completed'],
      ['todo in_progress', 'Fix the bug', 'in progress'],
      ['todo pending', 'Run the tests', 'pending'],
    ]);
    expect(el.querySelector('.tool-badge')?.textContent).toBe('1 of 3 done');
  });

  it('WebFetch and WebSearch: the URL or the query; any other tool: its name and JSON input', () => {
    expect(card(call({ name: 'WebFetch', input: { url: 'https://example.com/doc' } })).querySelector('.tool-target')?.textContent).toBe('https://example.com/doc');
    cleanup();
    expect(card(call({ name: 'WebSearch', input: { query: 'react virtual list' } })).querySelector('.tool-target')?.textContent).toBe('react virtual list');
    cleanup();
    const other = card(call({ name: 'mcp__db__query', title: 'mcp__db__query', input: { sql: 'select 1' }, outcome: 'done', output: '1 row' }));
    expect(other.querySelector('.tool-name')?.textContent).toBe('mcp__db__query');
    expect(other.textContent).toContain('"sql": "select 1"');
    expect(other.textContent).toContain('1 row');
  });

  it('keeps the raw input one "Details" away on every card', () => {
    const el = card(call({ name: 'Read', input: { file_path: 'x.ts', limit: 5 }, outcome: '5 lines' }));
    const details = el.querySelector('details.tool-raw') as HTMLDetailsElement;
    expect(details.querySelector('summary')?.textContent).toBe('Details');
    expect(JSON.parse(details.querySelector('pre')?.textContent ?? '')).toEqual({ file_path: 'x.ts', limit: 5 });
  });

  it("a Task shows its sub-agent's calls nested under it, each as its tool reads", () => {
    const el = card(
      call({
        id: 'task1',
        name: 'Task',
        title: 'Agent: Survey',
        input: { description: 'Survey the repo', subagent_type: 'Explore', prompt: 'List what is there' },
        outcome: 'done',
        output: 'There is a.txt',
        children: [
          call({ id: 'ls', name: 'Bash', input: { command: 'ls' }, outcome: 'exit 0', output: 'a.txt', parentId: 'task1' }),
          call({ id: 'rd', name: 'Read', input: { file_path: 'a.txt' }, parentId: 'task1' }),
        ],
      }),
    );
    expect(el.querySelector('.tool-target')?.textContent).toBe('Survey the repo · Explore');
    const nested = within(el).getByRole('group', { name: 'Tool calls of Agent: Survey' });
    const cards = nested.querySelectorAll(':scope > article');
    expect([...cards].map((c) => c.querySelector('.tool-name')?.textContent)).toEqual(['Bash', 'Read']);
    expect(cards[0]?.querySelector('.tool-badge')?.textContent).toBe('exit 0');
    expect(cards[1]?.querySelector('.tool-badge')?.textContent).toBe('running…');
    // The report comes after the sub-agent's calls.
    const report = el.querySelector(':scope > pre.report') as HTMLElement;
    expect(report.textContent).toBe('There is a.txt');
    expect(nested.compareDocumentPosition(report) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });
});

describe('tool cards in a live session', () => {
  const at = '2026-11-24T10:00:00.000Z';
  const summary: SessionSummary = { id: 's1', title: 'Tools at work', role: 'developer', status: 'running', createdAt: at, updatedAt: at, turns: 1, tokens: 0, costUsd: 0 };
  const prompt: LogEntry = { type: 'prompt', at, turnId: 't1', text: 'Fix it', images: [], resumed: null };

  function liveClient() {
    const listeners = new Set<(event: ControlEvent) => void>();
    let seq = 0;
    const client: ControlClient = {
      invoke: ((command: string) => {
        if (command === 'sessions:list') return Promise.resolve({ sessions: [summary], total: 1, offset: 0 });
        if (command === 'session:get') return Promise.resolve({ session: { ...summary, cwd: '/w', turns: [] }, log: [prompt], start: 0, total: 1 } satisfies SessionPage);
        throw new Error(command);
      }) as ControlClient['invoke'],
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const emit = (event: RunEvent) =>
      act(async () => {
        seq += 1;
        for (const listener of listeners) listener({ type: 'run-event', sessionId: 's1', turnId: 't1', seq, event });
        await new Promise((resolve) => requestAnimationFrame(resolve));
      });
    return { client, emit, invoked: vi.fn() };
  }

  it('cards appear as calls are made and pair with their results, a sub-agent’s under its Task, with no reload', async () => {
    const live = liveClient();
    const { container } = render(<SessionsView client={live.client} />);
    await screen.findByText('Fix it');
    const cards = (): Array<[string, string]> => [...container.querySelectorAll('.timeline article.item.tool')].map((a) => [a.getAttribute('aria-label') ?? '', a.querySelector(':scope > .tool-head .tool-badge')?.textContent ?? '']);

    await live.emit({ type: 'started', sessionId: 'c', model: 'm', cwd: '/work/app' });
    await live.emit({ type: 'tool_use', id: 'b1', name: 'Bash', title: 'Bash: npm test', input: { command: 'npm test' } });
    expect(cards()).toEqual([['Bash: npm test', 'running…']]);
    expect(screen.getByText('in /work/app')).toBeTruthy();
    await live.emit({ type: 'tool_use', id: 'task', name: 'Task', title: 'Agent: Look', input: { description: 'Look', prompt: 'Look around' } });
    await live.emit({ type: 'tool_use', id: 'g1', name: 'Glob', title: 'Glob *.md', input: { pattern: '*.md' }, parentId: 'task' });
    await live.emit({ type: 'tool_result', id: 'b1', name: 'Bash', title: 'Bash: npm test', outcome: 'exit 0', isError: false, output: 'ok' });
    await live.emit({ type: 'tool_result', id: 'g1', name: 'Glob', title: 'Glob *.md', outcome: 'done', isError: false, output: 'README.md', parentId: 'task' });
    expect(cards()).toEqual([
      ['Bash: npm test', 'exit 0'],
      ['Agent: Look', 'running…'],
      ['Glob *.md', '1 match'],
    ]);
    const task = container.querySelector('article[aria-label="Agent: Look"]') as HTMLElement;
    expect(within(task).getByRole('group', { name: 'Tool calls of Agent: Look' }).querySelector('article')?.getAttribute('aria-label')).toBe('Glob *.md');
    await live.emit({ type: 'tool_result', id: 'task', name: 'Task', title: 'Agent: Look', outcome: 'done', isError: false, output: 'Found README.md' });
    expect(cards()[1]).toEqual(['Agent: Look', 'done']);
  });
});
