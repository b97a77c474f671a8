/**
 * A tool call in the timeline, shown the way that tool reads: a command with its folder, exit
 * code and coloured output; a file and line range; an edit as a diff; a search and its matches; a
 * to-do checklist; a sub-agent (Task) with its own calls nested under it. The raw input stays one
 * "Details" away. Long output is shown collapsed, with a button for all of it.
 */
import { memo, useState } from 'react';
import { parseAnsi } from '../ansi';
import type { ToolItem } from '../timeline';
import { firstLines, splitLines, taskReport, toolView, type DiffLine, type Todo, type ToolView } from '../tool-view';

/** Lines shown of a long output, diff or list before "Show all". */
export const COLLAPSED_LINES = 20;

export const ToolCard = memo(function ToolCard({ call }: { call: ToolItem }): React.JSX.Element {
  const view = toolView(call);
  const running = call.outcome === undefined;
  return (
    <article className={`item tool tool-${view.kind}${call.isError ? ' failed' : ''}`} aria-label={call.title}>
      <div className="tool-head">
        <span className="tool-name">{call.name}</span>
        <Headline view={view} title={call.title} />
        <Outcome view={view} outcome={call.outcome} failed={call.isError === true} />
      </div>
      <Body view={view} call={call} running={running} />
      {call.isError && view.kind !== 'bash' && view.kind !== 'other' && <ErrorText call={call} />}
      {call.children && call.children.length > 0 && (
        <div className="tool-children" role="group" aria-label={`Tool calls of ${call.title}`}>
          {call.children.map((child) => (
            <ToolCard key={child.id} call={child} />
          ))}
        </div>
      )}
      {view.kind === 'task' && call.output && !call.isError && (
        <>
          <div className="muted report-label">Report</div>
          <Collapsible className="output report" lines={splitLines(taskReport(call.output))} />
        </>
      )}
      <details className="tool-raw">
        <summary>Details</summary>
        <pre>{JSON.stringify(call.input, null, 2)}</pre>
        {call.output && view.kind !== 'bash' && view.kind !== 'other' && <pre className="output">{call.output}</pre>}
      </details>
    </article>
  );
});

/** What the call acts on, in one line next to the tool's name. */
function Headline({ view, title }: { view: ToolView; title: string }): React.JSX.Element | null {
  switch (view.kind) {
    case 'bash':
      return view.description ? <span className="tool-target">{view.description}</span> : null;
    case 'read':
    case 'edit':
    case 'write':
      return (
        <code className="tool-target path" title={view.fullPath}>
          {view.path}
        </code>
      );
    case 'search':
      return (
        <span className="tool-target">
          <code>{view.pattern}</code>
          {view.path && (
            <>
              {' in '}
              <code>{view.path}</code>
            </>
          )}
          {view.filter && <span className="muted"> ({view.filter})</span>}
        </span>
      );
    case 'todos':
      return <span className="tool-target">{view.todos.length === 1 ? 'To-do' : 'To-do list'}</span>;
    case 'task':
      return (
        <span className="tool-target">
          {view.description || 'Sub-agent'}
          {view.agent && <span className="muted"> · {view.agent}</span>}
        </span>
      );
    case 'web':
      return <code className="tool-target">{view.target}</code>;
    case 'other':
      return <span className="tool-target">{title}</span>;
  }
}

/** How it ended: an exit code badge, a line or match count, a failure, or still running. */
function Outcome({ view, outcome, failed }: { view: ToolView; outcome: string | undefined; failed: boolean }): React.JSX.Element {
  if (outcome === undefined) return <span className="tool-badge running">running…</span>;
  if (view.kind === 'bash') {
    if (view.interrupted) return <span className="tool-badge bad">interrupted</span>;
    if (view.exitCode !== null) return <span className={`tool-badge ${view.exitCode === 0 ? 'good' : 'bad'}`}>exit {view.exitCode}</span>;
  }
  // A failure's text is under the card's body; the badge says only that it failed (or was denied).
  if (failed) return <span className="tool-badge bad">{outcome.startsWith('failed') ? 'failed' : outcome}</span>;
  if (view.kind === 'read' && view.lines !== null) return <span className="tool-badge">{view.lines} lines</span>;
  if (view.kind === 'search') return <span className="tool-badge">{view.matches.length === 1 ? '1 match' : `${view.matches.length} matches`}</span>;
  if (view.kind === 'todos' && view.todos.length > 1) {
    const done = view.todos.filter((t) => t.status === 'completed').length;
    return <span className="tool-badge">{`${done} of ${view.todos.length} done`}</span>;
  }
  return <span className="tool-badge">{outcome}</span>;
}

function Body({ view, call, running }: { view: ToolView; call: ToolItem; running: boolean }): React.JSX.Element | null {
  switch (view.kind) {
    case 'bash':
      return (
        <>
          <pre className="command">
            <span className="prompt-sign" aria-hidden="true">
              ${' '}
            </span>
            {view.command}
          </pre>
          {view.cwd && <div className="muted cwd">in {view.cwd}</div>}
          {view.output && <AnsiOutput text={view.output} />}
        </>
      );
    case 'read':
      return view.range ? <div className="muted range">{view.range}</div> : null;
    case 'edit':
      return (
        <>
          {view.replaceAll && <div className="muted">every occurrence</div>}
          {view.diffs.map((diff, i) => (
            <Diff key={i} lines={diff} />
          ))}
        </>
      );
    case 'write':
      return <Diff lines={view.lines.map((text) => ({ kind: 'added', text }))} />;
    case 'search':
      return call.isError || running ? null : <MatchList matches={view.matches} />;
    case 'todos':
      return <TodoList todos={view.todos} />;
    case 'task':
      // The sub-agent's calls and its report follow, below the body.
      return view.prompt ? (
        <details className="task-prompt">
          <summary>Instructions</summary>
          <pre>{view.prompt}</pre>
        </details>
      ) : null;
    case 'web':
      return view.prompt ? <div className="muted">{view.prompt}</div> : null;
    case 'other':
      return (
        <>
          <pre>{JSON.stringify(call.input, null, 2)}</pre>
          {call.output && <pre className="output">{call.output}</pre>}
        </>
      );
  }
}

function ErrorText({ call }: { call: ToolItem }): React.JSX.Element | null {
  return call.output ? <pre className="output error-text">{call.output.replace(/<\/?tool_use_error>/g, '')}</pre> : null;
}

/** A command's output with its terminal colours, the first lines of it until "Show all". */
function AnsiOutput({ text }: { text: string }): React.JSX.Element {
  const [all, setAll] = useState(false);
  const lines = splitLines(text);
  const { hidden } = firstLines(lines, COLLAPSED_LINES);
  const shown = all || hidden === 0 ? text : lines.slice(0, COLLAPSED_LINES).join('\n');
  return (
    <>
      <pre className="output ansi">
        {parseAnsi(shown).map((run, i) =>
          run.classes.length ? (
            <span key={i} className={run.classes.join(' ')}>
              {run.text}
            </span>
          ) : (
            run.text
          ),
        )}
      </pre>
      <ShowAll hidden={all ? 0 : hidden} onClick={() => setAll(true)} what="lines" />
    </>
  );
}

function ShowAll({ hidden, onClick, what }: { hidden: number; onClick(): void; what: string }): React.JSX.Element | null {
  if (hidden === 0) return null;
  return (
    <button type="button" className="show-all" onClick={onClick}>
      Show all ({hidden} more {what})
    </button>
  );
}

function Collapsible({ lines, className }: { lines: string[]; className: string }): React.JSX.Element {
  const [all, setAll] = useState(false);
  const { shown, hidden } = firstLines(lines, all ? Infinity : COLLAPSED_LINES);
  return (
    <>
      <pre className={className}>{shown.join('\n')}</pre>
      <ShowAll hidden={hidden} onClick={() => setAll(true)} what="lines" />
    </>
  );
}

const SIGN: Record<DiffLine['kind'], string> = { same: ' ', removed: '-', added: '+' };

function Diff({ lines }: { lines: DiffLine[] }): React.JSX.Element {
  const [all, setAll] = useState(false);
  const { shown, hidden } = firstLines(lines, all ? Infinity : COLLAPSED_LINES);
  return (
    <>
      <pre className="diff">
        {shown.map((line, i) => (
          <span key={i} className={line.kind}>
            <span className="sign" aria-hidden="true">
              {SIGN[line.kind]}{' '}
            </span>
            {line.kind !== 'same' && <span className="sr-only">{line.kind === 'added' ? 'added: ' : 'removed: '}</span>}
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
      <ShowAll hidden={hidden} onClick={() => setAll(true)} what="lines" />
    </>
  );
}

function MatchList({ matches }: { matches: string[] }): React.JSX.Element | null {
  const [all, setAll] = useState(false);
  if (matches.length === 0) return <div className="muted">No matches.</div>;
  const { shown, hidden } = firstLines(matches, all ? Infinity : COLLAPSED_LINES);
  return (
    <>
      <ul className="matches">
        {shown.map((match, i) => (
          <li key={i}>
            <code>{match}</code>
          </li>
        ))}
      </ul>
      <ShowAll hidden={hidden} onClick={() => setAll(true)} what="matches" />
    </>
  );
}

const TODO_MARK: Record<Todo['status'], string> = { pending: '○', in_progress: '◐', completed: '✓' };
const TODO_STATUS: Record<Todo['status'], string> = { pending: 'pending', in_progress: 'in progress', completed: 'completed' };

function TodoList({ todos }: { todos: Todo[] }): React.JSX.Element {
  if (todos.length === 0) return <div className="muted">The list is empty.</div>;
  return (
    <ul className="todos">
      {todos.map((todo, i) => (
        <li key={i} className={`todo ${todo.status}`}>
          <span className="todo-mark" aria-hidden="true">
            {TODO_MARK[todo.status]}
          </span>
          <span className="todo-text">{todo.text}</span>
          <span className="todo-status">{TODO_STATUS[todo.status]}</span>
        </li>
      ))}
    </ul>
  );
}
