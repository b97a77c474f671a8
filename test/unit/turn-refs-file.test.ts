/**
 * The turn refs file: a line per ended turn, read after the start; a torn line is skipped, and the
 * lines of sessions deleted since are dropped once they are most of the file.
 */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TurnRefsFile } from '../../main/sessions/turn-refs-file';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const allAtOnce = async (more: () => boolean, work: () => void): Promise<void> => {
  while (more()) work();
};

function file(): TurnRefsFile {
  return new TurnRefsFile(path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-refs-')), 'turn-refs.ndjson'), (error) => {
    throw error;
  });
}

describe('the turn refs file', () => {
  it('gives back each line appended, and skips a line torn by a crash', async () => {
    const refs = file();
    refs.append(A, [['t1', 'key 1', '', 'c1']]);
    refs.append(A, [['t2', 'key,2', '', 'c1']]);
    appendFileSync(refs.file, `${B.slice(0, 20)}`); // torn in its session id
    const taken: Array<ReturnType<typeof TurnRefsFile.parse>> = [];
    await refs.takeAll((line) => (taken.push(TurnRefsFile.parse(line)), true), allAtOnce);
    expect(taken.filter(Boolean)).toEqual([
      [A, [['t1', 'key 1', '', 'c1']]],
      [A, [['t2', 'key,2', '', 'c1']]],
    ]);
  });

  it('is rewritten without the lines of sessions gone once they are most of it', async () => {
    const refs = file();
    for (let i = 0; i < 150; i++) refs.append(i < 10 ? A : B, [[`t${i}`, `k${i}`, '', '']]);
    await refs.takeAll((line) => line.startsWith(A), allAtOnce);
    const lines = readFileSync(refs.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines.every((line) => line.startsWith(A))).toBe(true);
    // Started from what the index and the folders hold until that is over, once.
    refs.seed(B, [['t', 'k', '', '']]);
    expect(readFileSync(refs.file, 'utf8').trimEnd().split('\n')).toHaveLength(11);
    refs.seeded();
    const again = new TurnRefsFile(refs.file, () => undefined);
    again.seed(B, [['t2', 'k2', '', '']]);
    expect(readFileSync(refs.file, 'utf8').trimEnd().split('\n')).toHaveLength(11);
  });

  it('ends a line torn by a crash before appending, so the next line is whole', async () => {
    const refs = file();
    refs.append(A, [['t1', 'k1', '', '']]);
    appendFileSync(refs.file, `${A}\tt2 k`); // torn after its session id
    const after = new TurnRefsFile(refs.file, () => undefined);
    after.append(A, [['t3', 'k3', '', '']]);
    const parsed = after.linesNow().map((line) => TurnRefsFile.parse(line)).filter(Boolean);
    expect(parsed.at(-1)).toEqual([A, [['t3', 'k3', '', '']]]);
  });
});
