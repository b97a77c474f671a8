/**
 * How a run's progress is shown to a chat client (chosen per request, see progress-style.ts):
 *  - openwebui: tool calls as status events, thinking as reasoning, the answer as content;
 *  - reasoning: tool calls and thinking as reasoning, the answer alone as content — what any
 *               OpenAI client can take (SDKs expose reasoning apart, chat UIs fold it);
 *  - markdown:  progress as plain lines in the content, for clients that show nothing else;
 *  - none:      the answer only.
 */
import { totalTokens, type RunResult } from '../../common/run-event';
import type { TurnEvent } from '../turns/turn-handle';
import { answeredAs, type ApprovalView } from '../../common/approval';

/** What a client is shown while a turn is under way (its end is rendered by finished/failed). */
export type ProgressEvent = Exclude<TurnEvent, { type: 'finished' }>;

export const PROGRESS_STYLES = ['openwebui', 'reasoning', 'markdown', 'none'] as const;
export type ProgressStyle = (typeof PROGRESS_STYLES)[number];

export type Piece =
  | { kind: 'content' | 'reasoning'; text: string }
  | { kind: 'status'; description: string; done: boolean };

const DISCARDED_NOTE =
  '\n\n_(The provider stalled; the partial text above was discarded and the answer is given again below.)_\n\n';

export interface ProgressRenderer {
  starting(what: string): Piece[];
  event(event: ProgressEvent): Piece[];
  finished(summary: string): Piece[];
  failed(message: string): Piece[];
}

export function createProgressRenderer(style: ProgressStyle): ProgressRenderer {
  if (style === 'openwebui') return statusRenderer();
  if (style === 'reasoning') return reasoningRenderer();
  if (style === 'markdown') return markdownRenderer();
  return answerOnlyRenderer();
}

/** One line per step, for both the status line and the markdown style. */
function progressLine(event: ProgressEvent): string | null {
  switch (event.type) {
    case 'waiting':
      return "Waiting for this chat's previous turn to finish";
    case 'queued':
      return `Queued: ${event.position} of ${event.queued} waiting for a free run slot`;
    case 'started':
      return `Claude Code is working (${event.model})`;
    case 'tool_use':
      return event.title;
    case 'tool_result':
      return `${event.title} — ${event.outcome}`;
    case 'approval':
      return approvalLine(event.approval);
    case 'retry': {
      const what = event.httpStatus ? `HTTP ${event.httpStatus}` : event.error || 'connection failed';
      const wait = (event.delayMs / 1000).toFixed(1);
      return `Provider error (${what}), retry ${event.attempt} of ${event.maxRetries} in ${wait} s`;
    }
    default:
      return null;
  }
}

/** "Waiting for your approval: Bash `npm install` in ~/app", then how it was answered. */
export function approvalLine(approval: ApprovalView): string {
  if (approval.status === 'pending') return `Waiting for your approval: ${approval.summary}`;
  const answer = approval.answer;
  if (approval.status === 'timed_out') return `${approval.summary} — denied: no one answered in time`;
  if (approval.status === 'withdrawn' || !answer) return `${approval.summary} — no longer asked`;
  return `${approval.summary} — ${answeredAs(answer.decision)} (${answer.from})`;
}

function answerPieces(event: ProgressEvent): Array<{ kind: 'content'; text: string }> {
  if (event.type === 'text') return [{ kind: 'content', text: event.text }];
  if (event.type === 'text_discarded') return [{ kind: 'content', text: DISCARDED_NOTE }];
  return [];
}

function statusRenderer(): ProgressRenderer {
  return {
    starting: (what) => [{ kind: 'status', description: `Starting Claude Code · ${what}`, done: false }],
    event(event) {
      if (event.type === 'thinking') return [{ kind: 'reasoning', text: event.text }];
      const line = progressLine(event);
      return line ? [{ kind: 'status', description: line, done: false }] : answerPieces(event);
    },
    finished: (summary) => [{ kind: 'status', description: summary, done: true }],
    failed: (message) => [{ kind: 'status', description: `Failed: ${message}`, done: true }],
  };
}

/**
 * Progress lines as paragraphs of their own in one text channel, wherever the text before them
 * left off. Only the channel's last two characters are kept: all the layout needs.
 */
function paragraphs(kind: 'content' | 'reasoning'): { line(text: string): Piece; text(text: string): Piece; raw(text: string): Piece } {
  let tail = '';
  const raw = (text: string): Piece => {
    tail = (tail + text).slice(-2);
    return { kind, text };
  };
  const atParagraph = (): boolean => tail === '' || tail === '\n\n';
  return {
    line: (text) => raw(`${atParagraph() ? '' : tail.endsWith('\n') ? '\n' : '\n\n'}▸ ${text}\n\n`),
    // Text right after a progress line starts without the blank lines it may open with.
    text: (text) => raw(atParagraph() ? text.replace(/^\n+/, '') : text),
    raw,
  };
}

function reasoningRenderer(): ProgressRenderer {
  const notes = paragraphs('reasoning');
  return {
    starting: (what) => [notes.line(`Starting Claude Code · ${what}`)],
    event(event) {
      if (event.type === 'thinking') return [notes.text(event.text)];
      const line = progressLine(event);
      return line ? [notes.line(line)] : answerPieces(event);
    },
    // The usage chunk carries the totals; an answer already under way is not followed by more reasoning.
    finished: () => [],
    failed: () => [],
  };
}

function markdownRenderer(): ProgressRenderer {
  const content = paragraphs('content');
  return {
    starting: (what) => [content.line(`Starting Claude Code · ${what}`)],
    event(event) {
      if (event.type === 'text') return [content.text(event.text)];
      const text = progressLine(event);
      return text ? [content.line(text)] : answerPieces(event).map((piece) => content.raw(piece.text));
    },
    finished: () => [],
    failed: () => [],
  };
}

function answerOnlyRenderer(): ProgressRenderer {
  return { starting: () => [], event: answerPieces, finished: () => [], failed: () => [] };
}

/** "Done in 4.2 s · 3 tool calls · 1,234 tokens · $0.0017" */
export function summarize(result: RunResult, toolCalls: number, elapsedMs: number): string {
  const tokens = totalTokens(result.usage);
  const parts = [`Done in ${(elapsedMs / 1000).toFixed(1)} s`];
  if (toolCalls > 0) parts.push(`${toolCalls} tool call${toolCalls === 1 ? '' : 's'}`);
  parts.push(`${tokens.toLocaleString('en-US')} tokens`, `$${result.costUsd.toFixed(4)}`);
  return parts.join(' · ');
}
