/**
 * A session's log as a timeline: prompts, tool calls paired with their results, thinking, the
 * answer, errors, and each turn's totals. Pure, so it can be tested and fed live events too.
 */
import type { LogEntry } from '../../common/control';
import { totalTokens, type RunEvent } from '../../common/run-event';
import type { TurnRecord } from '../../common/session';
import type { ApprovalView } from '../../common/approval';

/**
 * A tool call and, once it came, its result. `cwd`: the folder its turn ran in; `children`: a Task's
 * (sub-agent's) own calls, in order; `parentId`: the Task a call was made in.
 */
export interface ToolItem {
  kind: 'tool';
  turnId: string;
  id: string;
  name: string;
  title: string;
  input: unknown;
  outcome?: string;
  isError?: boolean;
  output?: string;
  cwd?: string;
  parentId?: string;
  children?: ToolItem[];
}

export type TimelineItem =
  /** `cwd`: the folder the turn runs in, once its run said. */
  | { kind: 'prompt'; turnId: string; text: string; images: string[]; resumed: boolean; cwd?: string }
  | ToolItem
  | { kind: 'thinking'; turnId: string; text: string }
  | { kind: 'answer'; turnId: string; text: string }
  | { kind: 'retry'; turnId: string; text: string }
  /** A permission prompt: its latest state (pending until answered, timed out or withdrawn). */
  | { kind: 'approval'; turnId: string; approval: ApprovalView }
  | { kind: 'task'; text: string }
  | { kind: 'turn-end'; turnId: string; status: string; target?: string; model?: string; tokens: number; costUsd: number; durationMs: number; error?: string };

/**
 * A timeline that follows a running session: its items, and how far into each turn they go, so
 * the live events that continue a snapshot are added once each, in order.
 */
export interface LiveTimeline {
  items: TimelineItem[];
  /** Per turn, the `seq` of the latest run event the items include. */
  held: Record<string, number>;
}

export function buildTimeline(log: LogEntry[]): TimelineItem[] {
  return openTimeline(log).items;
}

/** A page of a session's log (for the latest page, with the text not written yet) as a live timeline. */
export function openTimeline(log: LogEntry[]): LiveTimeline {
  const items: TimelineItem[] = [];
  const held: Record<string, number> = {};
  for (const record of log) {
    if (record.type === 'prompt') {
      items.push({ kind: 'prompt', turnId: String(record.turnId), text: String(record.text), images: (record.images as string[]) ?? [], resumed: Boolean(record.resumed) });
    } else if (record.type === 'event') {
      const turnId = String(record.turnId);
      addRunEvent(items, turnId, record.event as RunEvent);
      // Records are in order: the latest number is the furthest (logs written before events were numbered have none).
      if (typeof record.seq === 'number') held[turnId] = record.seq;
    } else if (record.type === 'task') {
      items.push({ kind: 'task', text: `Background task "${String(record.task)}" answered ${record.via === 'provider' ? 'by the provider' : 'locally'}` });
    } else if (record.type === 'turn') {
      const turn = record.turn as TurnRecord;
      if (['done', 'failed', 'cancelled', 'interrupted'].includes(turn.status)) {
        closeUnanswered(items, turn.id);
        items.push(turnEnd(turn));
      }
    } else if (record.type === 'interrupted') {
      closeUnanswered(items, String(record.turnId));
      items.push({ kind: 'turn-end', turnId: String(record.turnId), status: 'interrupted', tokens: 0, costUsd: 0, durationMs: 0 });
    }
  }
  return { items, held };
}

/**
 * Adds a live run event, the `seq`th of its turn. Returns the same timeline when it holds that
 * event already (the snapshot had it), and 'gap' when an earlier one never came (the event
 * stream was not open yet, or dropped): then only a new snapshot can fill the hole.
 */
export function followEvent(timeline: LiveTimeline, turnId: string, seq: number, event: RunEvent): LiveTimeline | 'gap' {
  const held = timeline.held[turnId] ?? 0;
  if (seq <= held) return timeline;
  if (seq > held + 1) return 'gap';
  const next = { items: timeline.items.slice(), held: { ...timeline.held } };
  applyEvent(next, turnId, seq, event);
  return next;
}

/**
 * followEvent on a timeline not shown yet, changed in place: many live events between two frames
 * cost one copy of the timeline, not one each. 'held' when it has the event already.
 */
export function applyEvent(draft: LiveTimeline, turnId: string, seq: number, event: RunEvent): 'added' | 'held' | 'gap' {
  const held = draft.held[turnId] ?? 0;
  if (seq <= held) return 'held';
  if (seq > held + 1) return 'gap';
  addRunEvent(draft.items, turnId, event);
  draft.held[turnId] = seq;
  return 'added';
}

/**
 * A streaming answer as the Markdown blocks it has finished (each ended by a blank line outside a
 * code block, so it will not change) and the text after them, still growing: the blocks are
 * parsed once each, the rest shown as it comes. Given the scan of the answer as it was (`before`),
 * only the text added since is scanned, and `blocks` stays the same array until a block finishes:
 * a frame of streaming costs what it adds, not the answer's length.
 */
export function finishedBlocks(text: string, before?: BlockScan): BlockScan {
  const grown = before !== undefined && text.length >= before.text.length && text.startsWith(before.text);
  let { blocks, start, at, fence } = grown ? before : { blocks: [] as string[], start: 0, at: 0, fence: null as string | null };
  const added: string[] = [];
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end === -1) break;
    const line = text.slice(at, end);
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener && (fence === null || (opener[0] === fence[0] && opener.length >= fence.length && line.trim() === opener))) fence = fence === null ? opener : null;
    else if (fence === null && line.trim() === '' && at > start) {
      added.push(text.slice(start, at));
      start = end + 1;
    }
    at = end + 1;
  }
  if (added.length > 0) blocks = [...blocks, ...added];
  return { text, blocks, rest: text.slice(start), start, at, fence };
}

/** How far an answer was scanned for finished blocks (see finishedBlocks). */
export interface BlockScan {
  text: string;
  blocks: string[];
  rest: string;
  /** Where the unfinished block starts, where the next line to look at starts, and the code fence open there. */
  start: number;
  at: number;
  fence: string | null;
}

/**
 * Adds one run event to `items`: deltas extend the last answer or thinking item, results complete
 * their call. An item it changes is replaced by a changed copy, never mutated, so a shallow copy
 * of the array is a new timeline whose untouched items keep their identity.
 */
export function addRunEvent(items: TimelineItem[], turnId: string, event: RunEvent): void {
  switch (event.type) {
    case 'text': {
      const i = lastOfTurn(items, turnId);
      const last = items[i];
      if (last?.kind === 'answer') items[i] = { ...last, text: last.text + event.text };
      else items.push({ kind: 'answer', turnId, text: event.text.replace(/^\n+/, '') });
      return;
    }
    case 'thinking': {
      const i = lastOfTurn(items, turnId);
      const last = items[i];
      if (last?.kind === 'thinking') items[i] = { ...last, text: last.text + event.text };
      else items.push({ kind: 'thinking', turnId, text: event.text });
      return;
    }
    case 'started': {
      const i = items.findLastIndex((item) => item.kind === 'prompt' && item.turnId === turnId);
      const prompt = items[i];
      if (prompt?.kind === 'prompt' && event.cwd && prompt.cwd !== event.cwd) items[i] = { ...prompt, cwd: event.cwd };
      return;
    }
    case 'tool_use': {
      const call: ToolItem = { kind: 'tool', turnId, id: event.id, name: event.name, title: event.title, input: event.input };
      const cwd = turnCwd(items, turnId);
      if (cwd) call.cwd = cwd;
      if (event.parentId) call.parentId = event.parentId;
      // A sub-agent's call goes under its Task; one whose Task is not shown (an earlier page) stands alone.
      if (!event.parentId || !changeTool(items, event.parentId, (task) => ({ ...task, children: [...(task.children ?? []), call] }))) items.push(call);
      return;
    }
    case 'tool_result':
      changeTool(items, event.id, (call) => ({ ...call, outcome: event.outcome, isError: event.isError, output: event.output }));
      return;
    case 'approval': {
      const i = items.findLastIndex((item) => item.kind === 'approval' && item.approval.id === event.approval.id);
      if (i >= 0) items[i] = { kind: 'approval', turnId, approval: event.approval };
      else items.push({ kind: 'approval', turnId, approval: event.approval });
      return;
    }
    case 'retry':
      items.push({ kind: 'retry', turnId, text: `Provider error (${event.httpStatus ?? event.error}), retry ${event.attempt} of ${event.maxRetries}` });
      return;
    default:
      return;
  }
}

/** The folder the turn runs in, as its start said (on its prompt). */
function turnCwd(items: TimelineItem[], turnId: string): string | undefined {
  const prompt = items.findLast((item) => item.kind === 'prompt' && item.turnId === turnId);
  return prompt?.kind === 'prompt' ? prompt.cwd : undefined;
}

/**
 * Replaces the latest tool call with this id (at the top level or under a Task) by `change(call)`,
 * and every Task holding it by a copy: nothing is changed in place. False if there is none.
 */
function changeTool(items: TimelineItem[], id: string, change: (call: ToolItem) => ToolItem): boolean {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.kind !== 'tool') continue;
    const changed = changedTool(item, id, change);
    if (changed) {
      items[i] = changed;
      return true;
    }
  }
  return false;
}

function changedTool(call: ToolItem, id: string, change: (call: ToolItem) => ToolItem): ToolItem | undefined {
  if (call.id === id) return change(call);
  const children = call.children;
  if (!children) return undefined;
  for (let i = children.length - 1; i >= 0; i--) {
    const changed = changedTool(children[i] as ToolItem, id, change);
    if (changed) return { ...call, children: children.with(i, changed) };
  }
  return undefined;
}

/** A prompt still pending when its turn ended (Helix stopped while it waited) shows as withdrawn, never as waiting. */
function closeUnanswered(items: TimelineItem[], turnId: string): void {
  items.forEach((item, i) => {
    if (item.kind === 'approval' && item.turnId === turnId && item.approval.status === 'pending') items[i] = { ...item, approval: { ...item.approval, status: 'withdrawn' } };
  });
}

/** The index of the turn's latest item (-1 if none); notes without a turn (background tasks) do not break a stretch of the turn's text. */
function lastOfTurn(items: TimelineItem[], turnId: string): number {
  return items.findLastIndex((item) => 'turnId' in item && item.turnId === turnId);
}

function turnEnd(turn: TurnRecord): TimelineItem {
  const u = turn.usage;
  return {
    kind: 'turn-end',
    turnId: turn.id,
    status: turn.status,
    target: turn.target,
    model: turn.model,
    tokens: u ? totalTokens(u) : 0,
    costUsd: turn.costUsd ?? 0,
    durationMs: turn.endedAt ? Date.parse(turn.endedAt) - Date.parse(turn.startedAt) : 0,
    error: turn.error,
  };
}
