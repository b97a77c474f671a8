/**
 * A session's folder read back: its file (`session.json`) brought up to date with its log
 * (`events.ndjson`) when the app stopped before writing it, or rebuilt from the log when missing
 * or damaged (the damaged file kept aside), with the lengths the sessions' index records of it.
 */
import { readFileSync, renameSync, statSync } from 'node:fs';
import type { SessionRecord } from '../../common/session';
import { writeFileAtomic } from '../platform/data-dir';
import type { EventLog } from './event-log';
import { readLog, readLogFrom } from './event-log';
import { replayRecords, sessionOnDisk, turnFromDisk } from './session-recovery';

type SessionFile = SessionRecord & { logBytes?: number };

export interface FolderRead {
  session: SessionRecord;
  /** The length of the log the file includes, and the file's own length. */
  logBytes: number;
  fileBytes: number;
}

/** A session file's text: the session as kept on disk, and the length of the log it includes. */
export function fileText(session: SessionRecord, logBytes: number): string {
  return `${JSON.stringify({ ...sessionOnDisk(session), logBytes })}\n`;
}

export class SessionFolders {
  constructor(
    private readonly fileOf: (id: string) => string,
    private readonly logOf: (id: string) => string,
    /** The session's log if it is open (its length is known without a stat). */
    private readonly openLog: (id: string) => EventLog | undefined,
  ) {}

  /** The log's length, without keeping a log open for a session that is only read. */
  logSize(id: string): number {
    const log = this.openLog(id);
    if (log) return log.size();
    try {
      return statSync(this.logOf(id)).size;
    } catch {
      return 0;
    }
  }

  /**
   * A session from its folder, its file brought up to date with its log (or rebuilt from the log
   * if missing or damaged), with the lengths its index line records.
   */
  read(id: string): FolderRead | undefined {
    const file = this.fileOf(id);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // none: rebuilt from the log
    }
    if (text !== undefined) {
      try {
        const { logBytes, ...session } = JSON.parse(text) as SessionFile;
        if (session?.id === id && Array.isArray(session.turns)) {
          session.turns.forEach(turnFromDisk);
          // Written before logBytes was kept: the file is the whole story, as it always was then.
          if (logBytes === undefined) return { session, logBytes: this.logSize(id), fileBytes: Buffer.byteLength(text) };
          return this.catchUp(session, logBytes) ?? { session, logBytes, fileBytes: Buffer.byteLength(text) };
        }
      } catch {
        // damaged: kept aside for inspection, and rebuilt from the log
      }
      renameSync(file, `${file}.damaged-${Date.now()}`);
    }
    return this.rebuildFromLog(id);
  }

  /** Applies what the log holds past the file's point (the changes made after its last write), and writes the file. */
  catchUp(session: SessionRecord, logBytes: number): FolderRead | undefined {
    const size = this.logSize(session.id);
    if (size <= logBytes) return undefined;
    const records = readLogFrom(this.logOf(session.id), logBytes);
    if (records.length === 0) return undefined;
    replayRecords(session, records);
    return this.rewrite(session, size);
  }

  /** A session as its log tells it: the log starts with the session and records every turn. */
  rebuildFromLog(id: string): FolderRead | undefined {
    const records = readLog(this.logOf(id));
    const start = records.findLastIndex((record) => record.type === 'session');
    if (start === -1) return undefined;
    const session: SessionRecord = { ...(records[start]?.session as SessionRecord), turns: [] };
    replayRecords(session, records.slice(start + 1));
    return this.rewrite(session, this.logSize(id));
  }

  rewrite(session: SessionRecord, logBytes: number): FolderRead {
    const text = fileText(session, logBytes);
    writeFileAtomic(this.fileOf(session.id), text);
    return { session, logBytes, fileBytes: Buffer.byteLength(text) };
  }
}
