/**
 * Every ended turn's refs, one line each (`<data dir>/turn-refs.ndjson`): its session, id, key and
 * Claude Code session, appended once when the turn ends. A session's file and index line keep only
 * its latest turns; this file lets a look-up after a restart find any turn by its id (a response
 * id) or its key (a history sent without a chat id). It is read after the start, with the check
 * of the index, never before serving.
 *
 *     <session id> TAB <the turn's refs, as refsText writes them>
 *
 * A line torn by a crash is skipped, or names a value no turn has (a look-up then reads a session
 * and finds nothing there): never a wrong turn. Lines of sessions deleted since are left out when
 * read, and the file is rewritten without them once they are most of it.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseRefs, refsText, type TurnRefs } from './session-summary';

const ID_LENGTH = 36;

export class TurnRefsFile {
  /** There was no file (a data dir of an earlier version): the refs the index and the folders hold start it (see seed). */
  private readonly isNew: boolean;

  constructor(
    readonly file: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.isNew = !existsSync(file);
  }

  /** Refs read from the index or a folder after the start: written only to a file that was new then. */
  seed(sessionId: string, refs: TurnRefs): void {
    if (this.isNew && refs.length > 0) this.append(sessionId, refs);
  }

  /** Appends a turn's refs: one short line, written at once. */
  append(sessionId: string, refs: TurnRefs): void {
    try {
      appendFileSync(this.file, `${sessionId}\t${refsText(refs)}\n`);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /**
   * Hands every line to `take` (false: its session is gone), in slices between which the server
   * serves; then drops the lines of sessions gone if they are most of the file.
   */
  async takeAll(take: (line: string) => boolean, slices: (more: () => boolean, work: () => void) => Promise<void>): Promise<void> {
    const lines = (await readFile(this.file, 'utf8').catch(() => '')).split('\n');
    const kept: string[] = [];
    let at = 0;
    await slices(
      () => at < lines.length,
      () => {
        const line = lines[at++] as string;
        if (take(line)) kept.push(line);
      },
    );
    if (at === lines.length && lines.length > 100 && kept.length < lines.length / 2) await this.keepOnly(kept, lines);
  }

  /** The file's lines, read at once. */
  linesNow(): string[] {
    try {
      return readFileSync(this.file, 'utf8').split('\n');
    } catch {
      return [];
    }
  }

  /** A line's session and refs; undefined for a line that is not one. */
  static parse(line: string): [sessionId: string, refs: TurnRefs] | undefined {
    return line[ID_LENGTH] === '\t' ? [line.slice(0, ID_LENGTH), parseRefs(line.slice(ID_LENGTH + 1))] : undefined;
  }

  /** Rewrites the file with these of its `lines` only, if it has not grown since they were read. */
  private async keepOnly(kept: string[], lines: string[]): Promise<void> {
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(temp, kept.map((line) => `${line}\n`).join(''));
      // Checked and renamed in one go: an append (on this thread) cannot come between the two.
      if (statSync(this.file).size === Buffer.byteLength(lines.join('\n'))) renameSync(temp, this.file);
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
