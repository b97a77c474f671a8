/**
 * Sessions as the app records them: one per chat, each a tree of turns (a regenerated answer or
 * an edited message branches off an earlier turn). Shared with the UI.
 */
import type { RunUsage } from './run-event';

export type TurnStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface TurnRecord {
  id: string;
  /** Key of the conversation before this turn (see conversationKey). */
  parentKey: string;
  /** Key of the conversation after it: parent history plus this exchange. Set when done. */
  key?: string;
  user: string;
  assistant: string;
  /** The `provider:model` that served the run. */
  target?: string;
  /** The model Claude Code ran, as its start reported it: what an alias such as `sonnet` meant. */
  model?: string;
  /** Where Claude Code's credentials came from, as its start reported (`apiKeySource`): "none" is its own login, else the key's source. */
  apiKeySource?: string;
  /** The folder it ran in: Claude Code keeps its sessions per folder, so only a turn there can be resumed. */
  cwd?: string;
  /** The Claude Code session holding the conversation up to and including this turn. */
  claudeSessionId?: string;
  /** This turn's last message in that session (its uuid): where a branch from this turn forks. */
  claudeMessageUuid?: string;
  status: TurnStatus;
  /** False while no client has received the answer (it ran on after a disconnect). */
  delivered: boolean;
  startedAt: string;
  endedAt?: string;
  usage?: RunUsage;
  costUsd?: number;
  error?: string;
  /** Pid of the claude process while it runs, to end it if the app died meanwhile. */
  pid?: number;
  /**
   * A turn that asked for an approval in its chat is, to the client, two exchanges: its answer up
   * to the question, then the reply that answered it and the rest of the answer.
   */
  askedInChat?: { answer: string; reply: string; rest: string };
}

/** Whether a turn is waiting for its run or running (not ended). */
export const turnInFlight = (turn: Pick<TurnRecord, 'status'>): boolean => turn.status === 'running' || turn.status === 'queued';

/** The exchanges a turn is to its client (see askedInChat). */
export function exchangesOf(turn: TurnRecord): Array<{ user: string; assistant: string }> {
  const asked = turn.askedInChat;
  return asked ? [{ user: turn.user, assistant: asked.answer }, { user: asked.reply, assistant: asked.rest }] : [{ user: turn.user, assistant: turn.assistant }];
}

export interface SessionRecord {
  id: string;
  chatId?: string;
  role: string;
  title: string;
  /** The title was given by a person (renamed in the panel): titles the chat client generates no longer replace it. */
  renamed?: boolean;
  cwd: string;
  createdAt: string;
  updatedAt: string;
  /** The turns held (after a restart, the latest ones; every turn is in the session's log). */
  turns: TurnRecord[];
  /** The turns in the log but not held in `turns` (the oldest), in sum. */
  earlier?: EarlierTurns;
}

export interface TurnTotals {
  turns: number;
  tokens: number;
  costUsd: number;
}

/** Finished turns' usage summed per day, provider and login (`apiKeySource`). */
export interface UsageRow {
  day: string;
  provider: string;
  source: string;
  costUsd: number;
  tokens: number;
  turns: number;
}

/** What a session keeps of the turns it no longer holds: sums, and what outlives them. */
export interface EarlierTurns extends TurnTotals {
  /** Their usage per day, provider and login (absent in files written before it was kept). */
  usage?: UsageRow[];
  /** The Claude Code sessions their done turns ran in: an edit may still fork one, so its transcript stays (absent: not known). */
  claudeSessionIds?: string[];
}

/** The longest title a session can be given. */
export const MAX_TITLE = 200;

/** A title as a person typed it, trimmed; or why it cannot be one. */
export function checkTitle(input: string): { title: string } | { problem: string } {
  const title = input.trim();
  if (!title) return { problem: 'A title cannot be empty.' };
  if (title.length > MAX_TITLE) return { problem: `A title is at most ${MAX_TITLE} characters (this one has ${title.length}).` };
  return { title };
}
