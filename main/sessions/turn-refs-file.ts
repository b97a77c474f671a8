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
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { endsTorn } from './event-log';
import { parseRefs, refsText, type TurnRefs } from './session-summary';

const ID_LENGTH = 36;

export class TurnRefsFile {
  /**
   * The file has not been started from what the index and the folders hold (a data dir of an
   * earlier version, or a start that stopped before its check was over): see seed. A marker file
   * says it has.
   */
  private seeding: boolean;
  /** The file ends in a line torn by a crash: the next append ends it first. */
  private torn: boolean;

  constructor(
    readonly file: string,
    private readonly onError: (error: Error) => void,
  ) {
    this.seeding = !existsSync(this.seedMarker);
    this.torn = fileEndsTorn(file);
  }

  private get seedMarker(): string {
    return `${this.file}.seeded`;
  }

  /** Refs read from the index or a folder after the start: written while the file is being started. */
  seed(sessionId: string, refs: TurnRefs): void {
    if (this.seeding && refs.length > 0) this.append(sessionId, refs);
  }

  /** Every session's refs were given to seed: the file is started. */
  seeded(): void {
    if (!this.seeding) return;
    this.seeding = false;
    try {
      writeFileSync(this.seedMarker, '');
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** Appends a turn's refs: one short line, written at once. */
  append(sessionId: string, refs: TurnRefs): void {
    try {
      appendFileSync(this.file, `${this.torn ? '\n' : ''}${sessionId}\t${refsText(refs)}\n`);
      this.torn = false;
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
    rmSync(temp, { force: true });
  }
}

/** Whether the file ends in a torn line (no file does not). */
function fileEndsTorn(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    return endsTorn(fd);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
