/**
 * What a tool call shows in the timeline, read from its input and result the way each tool is
 * read: a command with its exit code, a file and line range, an edit as a diff, a search and its
 * matches, a to-do list. Pure, so it is tested without a page; anything unknown is `other`.
 */

export type DiffLine = { kind: 'same' | 'removed' | 'added'; text: string };
export type TodoStatus = 'pending' | 'in_progress' | 'completed';
export interface Todo {
  text: string;
  status: TodoStatus;
}

export type ToolView =
  | { kind: 'bash'; command: string; description?: string; cwd?: string; exitCode: number | null; interrupted: boolean; output: string }
  /** `path`: relative to the turn's folder when inside it; `fullPath` as the tool was given it. */
  | { kind: 'read'; path: string; fullPath: string; range?: string; lines: number | null }
  /** Edit and MultiEdit: one diff per replacement. */
  | { kind: 'edit'; path: string; fullPath: string; diffs: DiffLine[][]; replaceAll: boolean }
  | { kind: 'write'; path: string; fullPath: string; lines: string[] }
  | { kind: 'search'; tool: 'Grep' | 'Glob'; pattern: string; path?: string; filter?: string; matches: string[] }
  | { kind: 'todos'; todos: Todo[] }
  | { kind: 'task'; description: string; agent?: string; prompt: string }
  | { kind: 'web'; tool: 'WebFetch' | 'WebSearch'; target: string; prompt?: string }
  | { kind: 'other' };

export interface ToolCall {
  name: string;
  input: unknown;
  outcome?: string;
  isError?: boolean;
  output?: string;
  /** The folder the turn ran in, when known. */
  cwd?: string;
}

export function toolView(call: ToolCall): ToolView {
  const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<string, unknown>;
  const str = (key: string): string => (typeof input[key] === 'string' ? (input[key] as string) : '');
  const int = (key: string): number | undefined => (typeof input[key] === 'number' && Number.isInteger(input[key]) ? (input[key] as number) : undefined);
  const optional = (value: string): string | undefined => value || undefined;
  const file = (): { path: string; fullPath: string } => ({ path: shortPath(str('file_path'), call.cwd), fullPath: str('file_path') });
  switch (call.name) {
    case 'Bash': {
      const output = call.output ?? '';
      // A failed command's result starts with "Exit code N": it is in the badge, not repeated in the output.
      const exit = /^Exit code (\d+)\n?/.exec(output);
      const fromOutcome = /^exit (\d+)$/.exec(call.outcome ?? '');
      const code = exit?.[1] ?? fromOutcome?.[1];
      return {
        kind: 'bash',
        command: str('command'),
        description: optional(str('description')),
        cwd: call.cwd,
        exitCode: code === undefined ? null : Number(code),
        interrupted: call.outcome === 'interrupted',
        output: exit ? output.slice(exit[0].length) : output,
      };
    }
    case 'Read': {
      const offset = int('offset');
      const limit = int('limit');
      const lines = /^(\d+) lines?$/.exec(call.outcome ?? '')?.[1];
      return { kind: 'read', ...file(), range: lineRange(offset, limit), lines: lines === undefined ? null : Number(lines) };
    }
    case 'Edit':
      return { kind: 'edit', ...file(), diffs: [lineDiff(str('old_string'), str('new_string'))], replaceAll: input.replace_all === true };
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? (input.edits as Array<Record<string, unknown>>) : [];
      const text = (value: unknown): string => (typeof value === 'string' ? value : '');
      return { kind: 'edit', ...file(), diffs: edits.map((e) => lineDiff(text(e?.old_string), text(e?.new_string))), replaceAll: edits.some((e) => e?.replace_all === true) };
    }
    case 'Write':
      return { kind: 'write', ...file(), lines: splitLines(str('content')) };
    case 'Grep':
    case 'Glob':
      return { kind: 'search', tool: call.name, pattern: str('pattern'), path: optional(str('path')), filter: optional(str('glob') || str('type')), matches: call.isError ? [] : matchList(call.output ?? '') };
    case 'TodoWrite':
      return { kind: 'todos', todos: todoList(input.todos) };
    // Newer Claude Code builds keep the to-do list one task at a time.
    case 'TaskCreate':
      return { kind: 'todos', todos: str('subject') ? [{ text: str('subject'), status: 'pending' }] : [] };
    case 'TaskUpdate': {
      const status = str('status');
      const text = str('subject') || (str('taskId') ? `Task ${str('taskId')}` : '');
      return STATUSES.has(status) && text ? { kind: 'todos', todos: [{ text, status: status as TodoStatus }] } : { kind: 'other' };
    }
    case 'Task':
    case 'Agent':
      return { kind: 'task', description: str('description'), agent: optional(str('subagent_type')), prompt: str('prompt') };
    case 'WebFetch':
      return { kind: 'web', tool: 'WebFetch', target: str('url'), prompt: optional(str('prompt')) };
    case 'WebSearch':
      return { kind: 'web', tool: 'WebSearch', target: str('query') };
    default:
      return { kind: 'other' };
  }
}

/** A path inside the folder as relative to it (as the call's title has it); any other as it is. */
export function shortPath(file: string, cwd: string | undefined): string {
  if (!cwd) return file;
  const folder = cwd.replace(/[/\\]+$/, '');
  return file.startsWith(`${folder}/`) || file.startsWith(`${folder}\\`) ? file.slice(folder.length + 1) : file;
}

/**
 * A sub-agent's report out of its Task result: the CLI frames it (a hand-back notice, the report
 * indented, then the agent's id and usage); the report alone, as the sub-agent wrote it. An output
 * in any other shape is returned whole.
 */
export function taskReport(output: string): string {
  const framed = /The report follows:\n([\s\S]*?)\n(?:agentId:|<usage>)/.exec(output);
  if (!framed) return output;
  const lines = (framed[1] ?? '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)?.[0].length ?? 0));
  return lines.map((line) => line.slice(Number.isFinite(indent) ? indent : 0)).join('\n').trim();
}

/** "lines 10–29" from Read's offset (1-based first line) and limit (how many). */
export function lineRange(offset: number | undefined, limit: number | undefined): string | undefined {
  if (offset === undefined && limit === undefined) return undefined;
  const first = Math.max(1, offset ?? 1);
  return limit === undefined ? `from line ${first}` : `lines ${first}–${first + Math.max(1, limit) - 1}`;
}

/** Lines that would take too long to diff properly (their product): shown as all removed, then all added. */
const DIFF_LIMIT = 250_000;

/**
 * The lines of `before` and `after` as a diff: unchanged lines kept (as context), the others
 * removed or added, by the longest common run of lines.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length * b.length > DIFF_LIMIT) return [...a.map((text) => ({ kind: 'removed' as const, text })), ...b.map((text) => ({ kind: 'added' as const, text }))];
  // common[i][j]: length of the longest common subsequence of a[i:] and b[j:].
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = common[i] as Uint32Array;
      row[j] = a[i] === b[j] ? (common[i + 1] as Uint32Array)[j + 1]! + 1 : Math.max((common[i + 1] as Uint32Array)[j]!, row[j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i++] as string });
      j++;
    } else if (j < b.length && (i === a.length || (common[i] as Uint32Array)[j + 1]! >= (common[i + 1] as Uint32Array)[j]!)) {
      out.push({ kind: 'added', text: b[j++] as string });
    } else {
      out.push({ kind: 'removed', text: a[i++] as string });
    }
  }
  // Removals before additions within each changed stretch, as diffs are read.
  return groupChanges(out);
}

function groupChanges(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = (): void => {
    out.push(...removed, ...added);
    removed = [];
    added = [];
  };
  for (const line of lines) {
    if (line.kind === 'same') {
      flush();
      out.push(line);
    } else (line.kind === 'removed' ? removed : added).push(line);
  }
  flush();
  return out;
}

/** Lines of a text; an empty text has none, and a final newline adds no empty line. */
export function splitLines(text: string): string[] {
  if (!text) return [];
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** Grep's and Glob's result as a list: one match per line, without the "Found N files" heading or a truncation note. */
export function matchList(output: string): string[] {
  return splitLines(output).filter((line, i) => line.trim() !== '' && !(i === 0 && /^Found \d+ (files?|lines?|matches?)/i.test(line)) && !/^No (files|matches) found$/i.test(line) && !/^\(Results are truncated/.test(line));
}

const STATUSES: ReadonlySet<string> = new Set(['pending', 'in_progress', 'completed']);

/** TodoWrite's list; an item of unknown shape is left out, an unknown status counts as pending. */
export function todoList(value: unknown): Todo[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw): Todo[] => {
    const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = typeof item.content === 'string' ? item.content : typeof item.activeForm === 'string' ? item.activeForm : '';
    if (!text) return [];
    return [{ text, status: STATUSES.has(String(item.status)) ? (item.status as TodoStatus) : 'pending' }];
  });
}

/** The first `max` lines, and how many more there are: long output is shown collapsed. */
export function firstLines<T>(lines: T[], max: number): { shown: T[]; hidden: number } {
  return lines.length <= max ? { shown: lines, hidden: 0 } : { shown: lines.slice(0, max), hidden: lines.length - max };
}
