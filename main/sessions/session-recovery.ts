/**
 * What a stopped app leaves behind, read at the next start: the log records a session's file does
 * not include yet, and the claude processes of turns that were running.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { LogEntry } from '../../common/control';
import type { SessionRecord, TurnRecord } from '../../common/session';

/** One log record's change to the session it belongs to. */
export function applyRecord(session: SessionRecord, record: LogEntry): void {
  if (record.type === 'turn') {
    const turn = record.turn as TurnRecord;
    const i = session.turns.findIndex((t) => t.id === turn.id);
    if (i === -1) session.turns.push(turn);
    else session.turns[i] = turn;
  } else if (record.type === 'title') {
    session.title = String(record.title);
  } else if (record.type === 'replayed') {
    const turn = session.turns.find((t) => t.id === record.turnId);
    if (turn) turn.delivered = true;
  } else if (record.type === 'interrupted') {
    const turn = session.turns.find((t) => t.id === record.turnId);
    if (turn && (turn.status === 'running' || turn.status === 'queued')) {
      turn.status = 'interrupted';
      turn.endedAt = record.at;
      delete turn.pid;
    }
  }
  if (record.type !== 'session') session.updatedAt = record.at;
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
