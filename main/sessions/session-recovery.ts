/**
 * What a stopped app leaves behind, read at the next start: the log records a session's file does
 * not include yet, and the claude processes of turns that were running.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LogEntry } from '../../common/control';
import { totalTokens, type RunEvent } from '../../common/run-event';
import { turnInFlight, type EarlierTurns, type SessionRecord, type TurnRecord } from '../../common/session';
import { isAlive, signalAll } from '../platform/process-tree';
import { normalize } from './conversation';
import { usageRows } from './session-summary';

/**
 * Applies log records, in order, to the session they belong to. A turn's record names its text
 * only the first time (the answer is written once, as the run's text events), so a finished turn
 * whose prompt is among the records gets its answer back from its text events.
 */
export function replayRecords(session: SessionRecord, records: LogEntry[]): void {
  const answers = new Map<string, string>();
  for (const record of records) {
    const turnId = String(record.turnId);
    if (record.type === 'prompt') answers.set(turnId, '');
    else if (record.type === 'event') {
      const event = record.event as RunEvent | undefined;
      const answer = answers.get(turnId);
      if (event?.type === 'text' && answer !== undefined) answers.set(turnId, answer + event.text);
    } else if (record.type === 'turn') {
      const written = record.turn as TurnRecord;
      const i = session.turns.findIndex((t) => t.id === written.id);
      const turn: TurnRecord = { ...(session.turns[i] ?? { user: '', assistant: '' }), ...written };
      const answer = answers.get(written.id);
      if (written.assistant === undefined && turn.status === 'done' && answer !== undefined) turn.assistant = normalize(answer);
      if (i === -1) session.turns.push(turn);
      else session.turns[i] = turn;
    } else if (record.type === 'title') {
      if (record.by === 'user') session.renamed = true;
      else if (session.renamed) continue;
      session.title = String(record.title);
    } else if (record.type === 'replayed') {
      const turn = session.turns.find((t) => t.id === turnId);
      if (turn) turn.delivered = true;
    } else if (record.type === 'interrupted') {
      const turn = session.turns.find((t) => t.id === turnId);
      if (turn && turnInFlight(turn)) {
        turn.status = 'interrupted';
        turn.endedAt = record.at;
        delete turn.pid;
      }
    }
    if (record.type !== 'session') session.updatedAt = record.at;
  }
}

/**
 * A turn as its session's file keeps it: a turn a client received is kept without its prompt and
 * answer, which are in the log (a retry of one that was not received needs them at hand).
 */
export function turnOnDisk(turn: TurnRecord): TurnRecord | Omit<TurnRecord, 'user' | 'assistant'> {
  if (!turn.delivered) return turn;
  const { user: _user, assistant: _assistant, ...kept } = turn;
  return kept;
}

/**
 * Turn records a session's file holds: the latest few (a follow-up continues the last, a regenerate
 * forks from the one before), so that writing it costs the same at the 500th turn as at the 4th.
 * The rest are in the log, read when a message of the chat names one (see TurnLookups).
 */
export const TURNS_IN_FILE = 3;

/**
 * Turns a session holds in memory at most: past that, the settled ones before its latest few are
 * summed up in `earlier` (as its file keeps them), so a change costs the same at the 500th turn.
 */
export const HELD_TURNS = 50;

/** How long an answer no client received is kept for a retry of the same message (it runs on after a disconnect). */
export const RETRY_WINDOW_MS = 10 * 60 * 1000;

/**
 * Whether a turn is done changing: not in flight, and received by a client or past being retried
 * (stopped or failed, or an answer older than the retry window). Only such a turn is summed up.
 */
export function settled(turn: TurnRecord, now: number): boolean {
  if (turnInFlight(turn)) return false;
  return turn.delivered || turn.status !== 'done' || now - Date.parse(turn.endedAt ?? '') >= RETRY_WINDOW_MS;
}

/** A session's turns split into those kept (the latest few, and every one not settled, in order) and the settled ones before them. */
function split(turns: TurnRecord[], now: number): { kept: TurnRecord[]; gone: TurnRecord[] } {
  const latest = turns.length - TURNS_IN_FILE;
  const kept: TurnRecord[] = [];
  const gone: TurnRecord[] = [];
  turns.forEach((turn, i) => (i < latest && settled(turn, now) ? gone : kept).push(turn));
  return { kept, gone };
}

/**
 * Sums up in `earlier` the settled turns before the session's latest few, once it holds more than
 * HELD_TURNS; returns the turns let go (the oldest first).
 */
export function letGoOfTurns(session: SessionRecord, now = Date.now()): TurnRecord[] {
  if (session.turns.length <= HELD_TURNS) return [];
  const { kept, gone } = split(session.turns, now);
  if (gone.length === 0) return [];
  session.turns.splice(0, session.turns.length, ...kept);
  session.earlier = withTurns(session.earlier, gone);
  return gone;
}

/** What a session's file holds: its latest turns' records and those not settled, and what it keeps of the rest. */
export function sessionOnDisk(session: SessionRecord, now = Date.now()): SessionRecord {
  const { kept, gone } = split(session.turns, now);
  const turns = kept.map(turnOnDisk) as TurnRecord[];
  return gone.length === 0 ? { ...session, turns } : { ...session, turns, earlier: withTurns(session.earlier, gone) };
}

/** What a session keeps of turns it no longer holds, with these turns added. */
function withTurns(earlier: EarlierTurns | undefined, turns: TurnRecord[]): EarlierTurns {
  const sums = earlier ?? { turns: 0, tokens: 0, costUsd: 0, usage: [], claudeSessionIds: [] };
  const continued = turns.filter((t) => t.status === 'done' && t.claudeSessionId).map((t) => t.claudeSessionId as string);
  return {
    turns: sums.turns + turns.length,
    tokens: turns.reduce((sum, t) => sum + (t.usage ? totalTokens(t.usage) : 0), sums.tokens),
    costUsd: turns.reduce((sum, t) => sum + (t.costUsd ?? 0), sums.costUsd),
    usage: usageRows(turns, sums.usage),
    // Not known for turns written before it was kept: it stays unknown (and their transcripts kept).
    ...(sums.claudeSessionIds ? { claudeSessionIds: [...new Set([...sums.claudeSessionIds, ...continued])] } : {}),
  };
}

/**
 * Gives a session back, from `logged` (its turns as its log tells them, with their text), the turns
 * its file no longer holds, in their place among those it holds, and the text of the held ones a
 * client received (kept without it, see turnOnDisk). False if it held every turn already.
 */
export function holdEveryTurn(session: SessionRecord, logged: () => TurnRecord[]): boolean {
  if (!session.earlier?.turns) return false;
  const held = new Map(session.turns.map((t) => [t.id, t]));
  const all = logged();
  for (const t of all) {
    const same = held.get(t.id);
    if (same && !same.user && !same.assistant) Object.assign(same, { user: t.user, assistant: t.assistant });
  }
  // In the log's order, the held turns as they are in memory (any not logged yet last).
  const inLog = new Set(all.map((t) => t.id));
  session.turns.splice(0, session.turns.length, ...all.map((t) => held.get(t.id) ?? t), ...session.turns.filter((t) => !inLog.has(t.id)));
  delete session.earlier;
  return true;
}

/** A turn read from a session's file: a text it was kept without is empty in memory. */
export function turnFromDisk(turn: TurnRecord): TurnRecord {
  turn.user ??= '';
  turn.assistant ??= '';
  return turn;
}

/** Whether a pid (recorded before the app stopped) is still a claude process, not one that reused the number. */
export function isClaude(pid: number): boolean {
  try {
    const command = process.platform === 'linux' ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    return command.includes('claude');
  } catch {
    return false;
  }
}

/**
 * Turns in flight in a session read from disk were in flight when the app stopped: marked
 * interrupted (each one logged), their processes ended if alive. True if there were any.
 */
export function interruptTurns(session: SessionRecord, log: (record: { type: 'interrupted'; turnId: string }) => void): boolean {
  let interrupted = false;
  for (const turn of session.turns) {
    if (!turnInFlight(turn)) continue;
    if (turn.pid && isAlive(turn.pid) && isClaude(turn.pid)) signalAll([turn.pid], 'SIGKILL');
    turn.status = 'interrupted';
    turn.endedAt = new Date().toISOString();
    delete turn.pid;
    log({ type: 'interrupted', turnId: turn.id });
    interrupted = true;
  }
  return interrupted;
}
