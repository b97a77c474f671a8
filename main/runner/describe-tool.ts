/**
 * Short human titles for Claude Code's tool calls and their outcomes, e.g.
 * "Read main/server.ts" and "Bash: npm test — exit 0". Shown as live progress.
 */
import path from 'node:path';

const MAX_TITLE = 120;

/** One line: the tool and what it acts on, paths relative to the run's working directory. */
export function describeToolCall(name: string, input: unknown, cwd: string): string {
  const args = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const str = (key: string): string => (typeof args[key] === 'string' ? (args[key] as string) : '');
  const file = (key: string): string => relativePath(str(key), cwd);

  switch (name) {
    case 'Read':
    case 'Write':
    case 'Edit':
    case 'MultiEdit':
    case 'NotebookEdit':
      return clip(`${name} ${file('file_path') || file('notebook_path')}`.trim());
    case 'Bash':
      return str('command') ? clip(`Bash: ${firstLine(str('command'))}`) : 'Bash';
    case 'Grep':
      return clip(`Grep "${str('pattern')}"${str('path') ? ` in ${file('path')}` : ''}`);
    case 'Glob':
      return clip(`Glob ${str('pattern')}`);
    case 'WebFetch':
      return clip(`Fetch ${str('url')}`);
    case 'WebSearch':
      return clip(`Search "${str('query')}"`);
    case 'Task':
    case 'Agent':
      return clip(`Agent: ${str('description') || firstLine(str('prompt'))}`);
    case 'TodoWrite':
      return 'Update the to-do list';
    default:
      return clip(name);
  }
}

/** What came of a call: exit code, line count, or the first line of its error. */
export function describeToolOutcome(name: string, content: unknown, structured: unknown, isError: boolean): string {
  const text = contentText(content);
  if (isError) {
    const exit = /^Exit code (\d+)/.exec(text);
    if (name === 'Bash' && exit) return `exit ${exit[1]}`;
    if (/permission|approval|denied|haven't granted/i.test(text)) return 'denied';
    return clip(`failed: ${firstLine(text.replace(/<\/?tool_use_error>/g, ''))}`);
  }
  const out = (typeof structured === 'object' && structured !== null ? structured : {}) as Record<string, unknown>;
  if (name === 'Bash') return out.interrupted === true ? 'interrupted' : 'exit 0';
  if (name === 'Read') {
    const file = out.file as { numLines?: unknown } | undefined;
    if (typeof file?.numLines === 'number') return `${file.numLines} lines`;
  }
  return 'done';
}

const MAX_OUTPUT = 4000;

/** The start of a tool's result, for the session log. */
export function toolOutputExcerpt(content: unknown): string {
  const text = contentText(content);
  return text.length > MAX_OUTPUT ? `${text.slice(0, MAX_OUTPUT)}\n… (${text.length - MAX_OUTPUT} more characters)` : text;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
      .join('\n');
  }
  return '';
}

function relativePath(file: string, cwd: string): string {
  if (!file || !path.isAbsolute(file)) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return text.trim().includes('\n') ? `${line} …` : line;
}

function clip(text: string): string {
  return text.length > MAX_TITLE ? `${text.slice(0, MAX_TITLE - 1)}…` : text;
}
