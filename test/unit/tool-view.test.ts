import { describe, expect, it } from 'vitest';
import { firstLines, lineDiff, lineRange, matchList, taskReport, todoList, toolView } from '../../renderer/src/tool-view';

describe('how each tool call reads', () => {
  it('Bash: the command, its folder, the exit code (taken out of a failed output) and the output', () => {
    expect(toolView({ name: 'Bash', input: { command: 'npm test', description: 'Run tests' }, outcome: 'exit 1', isError: true, output: 'Exit code 1\n1 failed', cwd: '/w/p' })).toEqual({
      kind: 'bash',
      command: 'npm test',
      description: 'Run tests',
      cwd: '/w/p',
      exitCode: 1,
      interrupted: false,
      output: '1 failed',
    });
    expect(toolView({ name: 'Bash', input: { command: 'ls' }, outcome: 'exit 0', output: 'a\nb' })).toMatchObject({ exitCode: 0, output: 'a\nb' });
    // Still running: no exit code yet.
    expect(toolView({ name: 'Bash', input: { command: 'sleep 9' } })).toMatchObject({ exitCode: null, interrupted: false, output: '' });
    expect(toolView({ name: 'Bash', input: { command: 'sleep 9' }, outcome: 'interrupted' })).toMatchObject({ exitCode: null, interrupted: true });
  });

  it('Read: the path, the line range asked for and the lines read', () => {
    expect(toolView({ name: 'Read', input: { file_path: '/w/a.ts', offset: 10, limit: 20 }, outcome: '20 lines' })).toEqual({ kind: 'read', path: '/w/a.ts', fullPath: '/w/a.ts', range: 'lines 10–29', lines: 20 });
    expect(toolView({ name: 'Read', input: { file_path: '/w/a.ts' }, outcome: 'failed: File does not exist.', isError: true })).toEqual({ kind: 'read', path: '/w/a.ts', fullPath: '/w/a.ts', range: undefined, lines: null });
    // Inside the turn's folder: relative to it, as the title says it.
    expect(toolView({ name: 'Read', input: { file_path: '/w/p/src/a.ts' }, cwd: '/w/p/' })).toMatchObject({ path: 'src/a.ts', fullPath: '/w/p/src/a.ts' });
    expect(toolView({ name: 'Read', input: { file_path: '/w/pp/a.ts' }, cwd: '/w/p' })).toMatchObject({ path: '/w/pp/a.ts' });
    expect(lineRange(50, undefined)).toBe('from line 50');
    expect(lineRange(undefined, 5)).toBe('lines 1–5');
  });

  it('Edit and MultiEdit: a diff per replacement; Write: its content as added lines', () => {
    const edit = toolView({ name: 'Edit', input: { file_path: 'a.ts', old_string: 'const a = 1;\nconst b = 2;', new_string: 'const a = 1;\nconst b = 3;', replace_all: true } });
    expect(edit).toEqual({
      kind: 'edit',
      path: 'a.ts',
      fullPath: 'a.ts',
      replaceAll: true,
      diffs: [[{ kind: 'same', text: 'const a = 1;' }, { kind: 'removed', text: 'const b = 2;' }, { kind: 'added', text: 'const b = 3;' }]],
    });
    const multi = toolView({ name: 'MultiEdit', input: { file_path: 'b.ts', edits: [{ old_string: 'x', new_string: 'y' }, { old_string: 'p', new_string: '' }, 'junk'] } });
    expect(multi).toMatchObject({ kind: 'edit', diffs: [[{ kind: 'removed', text: 'x' }, { kind: 'added', text: 'y' }], [{ kind: 'removed', text: 'p' }], []] });
    expect(toolView({ name: 'Write', input: { file_path: 'c.md', content: '# Title\n\nBody\n' } })).toEqual({ kind: 'write', path: 'c.md', fullPath: 'c.md', lines: ['# Title', '', 'Body'] });
  });

  it('diffs lines by their longest common run, removals before additions in each change', () => {
    expect(lineDiff('a\nb\nc\nd', 'a\nx\nc\nd\ne').map((l) => `${l.kind[0]} ${l.text}`)).toEqual(['s a', 'r b', 'a x', 's c', 's d', 'a e']);
    expect(lineDiff('', 'new')).toEqual([{ kind: 'added', text: 'new' }]);
    expect(lineDiff('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
    // Too big to diff line by line: all removed, then all added, and quickly.
    const big = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n');
    const started = performance.now();
    const diff = lineDiff(big, `${big}\nmore`);
    expect(diff).toHaveLength(2001);
    expect(diff[0]?.kind).toBe('removed');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('Grep and Glob: the pattern, where, and the matches as a list', () => {
    expect(toolView({ name: 'Grep', input: { pattern: 'TODO', path: 'src', glob: '*.ts' }, output: 'Found 2 files\nsrc/a.ts\nsrc/b.ts' })).toEqual({
      kind: 'search',
      tool: 'Grep',
      pattern: 'TODO',
      path: 'src',
      filter: '*.ts',
      matches: ['src/a.ts', 'src/b.ts'],
    });
    expect(toolView({ name: 'Glob', input: { pattern: '**/*.md' }, output: 'No files found' })).toMatchObject({ kind: 'search', tool: 'Glob', matches: [] });
    expect(matchList('a.ts:3:x\n\nb.ts:4:y\n(Results are truncated. Consider using a more specific path or pattern.)')).toEqual(['a.ts:3:x', 'b.ts:4:y']);
  });

  it('TodoWrite: a checklist with each status; items of unknown shape left out', () => {
    const todos = [
      { content: 'Read the code', status: 'completed', activeForm: 'Reading' },
      { content: 'Fix the bug', status: 'in_progress', activeForm: 'Fixing' },
      { content: 'Run the tests', status: 'pending' },
      { content: 'Odd', status: 'weird' },
      { status: 'pending' },
      null,
    ];
    expect(toolView({ name: 'TodoWrite', input: { todos } })).toEqual({
      kind: 'todos',
      todos: [
        { text: 'Read the code', status: 'completed' },
        { text: 'Fix the bug', status: 'in_progress' },
        { text: 'Run the tests', status: 'pending' },
        { text: 'Odd', status: 'pending' },
      ],
    });
    expect(todoList('not a list')).toEqual([]);
  });

  it('TaskCreate and TaskUpdate (the to-do tools of newer Claude Code builds): one checklist item each', () => {
    expect(toolView({ name: 'TaskCreate', input: { subject: 'Fix the bug', description: 'In a.ts' } })).toEqual({ kind: 'todos', todos: [{ text: 'Fix the bug', status: 'pending' }] });
    expect(toolView({ name: 'TaskUpdate', input: { taskId: '3', status: 'completed' } })).toEqual({ kind: 'todos', todos: [{ text: 'Task 3', status: 'completed' }] });
    expect(toolView({ name: 'TaskUpdate', input: { taskId: '3', status: 'deleted' } })).toEqual({ kind: 'other' });
  });

  it('Task, WebFetch, WebSearch, and anything else', () => {
    expect(toolView({ name: 'Task', input: { description: 'Survey', subagent_type: 'Explore', prompt: 'Look' } })).toEqual({ kind: 'task', description: 'Survey', agent: 'Explore', prompt: 'Look' });
    expect(toolView({ name: 'WebFetch', input: { url: 'https://example.com', prompt: 'Summarise' } })).toEqual({ kind: 'web', tool: 'WebFetch', target: 'https://example.com', prompt: 'Summarise' });
    expect(toolView({ name: 'WebSearch', input: { query: 'vitest jsdom' } })).toEqual({ kind: 'web', tool: 'WebSearch', target: 'vitest jsdom' });
    expect(toolView({ name: 'mcp__db__query', input: { sql: 'select 1' } })).toEqual({ kind: 'other' });
    expect(toolView({ name: 'Bash', input: null })).toMatchObject({ kind: 'bash', command: '' });
  });

  it("a sub-agent's report is taken out of the CLI's frame; any other output stays whole", () => {
    const framed =
      '  <tools-used-before-summary>Bash</tools-used-before-summary>\n  \n[Subagent hand-back] The text below is the final report of a subagent … The report follows:\n  There is one notes file.\n    - notes.md\nagentId: a41f (use SendMessage …)\n<usage>subagent_tokens: 120</usage>';
    expect(taskReport(framed)).toBe('There is one notes file.\n  - notes.md');
    expect(taskReport('Plain result.')).toBe('Plain result.');
  });

  it('long lists are shown from their start, with how many are hidden', () => {
    expect(firstLines([1, 2, 3], 5)).toEqual({ shown: [1, 2, 3], hidden: 0 });
    expect(firstLines([1, 2, 3, 4, 5, 6], 4)).toEqual({ shown: [1, 2, 3, 4], hidden: 2 });
  });
});
