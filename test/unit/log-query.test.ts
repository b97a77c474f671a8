/** Searching the diagnostic log on the server: by level and text, across its rotated files, the latest matches only. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARG_CHECKS } from '../../main/control/command-args';
import { openDiagLog } from '../../main/platform/diag-log';
import { readLogTail } from '../../main/platform/log-tail';

function rotatedLog(): string[] {
  const diag = openDiagLog({ dir: mkdtempSync(path.join(os.tmpdir(), 'helix-logquery-')), level: 'debug', maxBytes: 20_000, files: 3 });
  const log = diag.log.child({ component: 'runner' });
  log.warn({ pid: 4242, reason: 'Needle-In-Fields' }, 'an old warning'); // soon in the oldest file
  for (let i = 0; i < 300; i++) {
    if (i % 50 === 0) log.error({ i }, `run ${i} failed`);
    else log.info({ i, pad: 'x'.repeat(20) }, `run ${i} done`);
  }
  log.debug({ i: 300 }, 'the newest, at debug');
  diag.close();
  return diag.files;
}

describe('log:query', () => {
  it('finds the text case-insensitively in the message, the component or the fields, through the rotated files', () => {
    const files = rotatedLog();
    expect(files.length).toBe(3);
    const found = readLogTail(files, 200, undefined, 'needle-in-FIELDS');
    expect(found.map((e) => e.msg)).toEqual(['an old warning']);
    expect(found[0]!.fields).toMatchObject({ pid: 4242 });
    expect(readLogTail(files, 5, undefined, 'RUNNER').length).toBe(5); // the component
  });

  it('gives the latest `limit` matches at the level or worse, oldest first', () => {
    const files = rotatedLog();
    const failures = readLogTail(files, 3, 'error', 'failed');
    expect(failures.map((e) => e.msg)).toEqual(['run 150 failed', 'run 200 failed', 'run 250 failed']);
    expect(readLogTail(files, 10, 'warn', 'done')).toEqual([]); // "done" records are at info
    expect(readLogTail(files, 2, undefined, 'run 29')).toEqual([expect.objectContaining({ msg: 'run 298 done' }), expect.objectContaining({ msg: 'run 299 done' })]);
    expect(readLogTail(files, 1, undefined, '  ').map((e) => e.msg)).toEqual(['the newest, at debug']); // a blank text filters nothing
  });

  it('refuses a query of the wrong shape (unknown field, level, a huge limit or text)', () => {
    const check = ARG_CHECKS['log:query'];
    expect(check([{ limit: 100, level: 'warn', text: 'pid' }])).toBe(true);
    expect(check([{}])).toBe(true);
    expect(check([{ level: 'loud' }])).toBe(false);
    expect(check([{ limit: 5000 }])).toBe(false);
    expect(check([{ text: 'x'.repeat(5000) }])).toBe(false);
    expect(check([{ file: '/etc/passwd' }])).toBe(false);
    expect(check([])).toBe(false);
  });
});
