/** The diagnostic log's file: bounded rotation, the tail read back, levels, and what a record may hold. */
import { EventEmitter } from 'node:events';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDiagLog, resolveLogLevel } from '../../main/platform/diag-log';
import { readLogTail } from '../../main/platform/log-tail';
import { RotatingFile } from '../../main/platform/rotating-file';
import { logUncaught } from '../../main/platform/uncaught';
import { loggableArgs } from '../../main/runner/loggable-args';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'helix-diaglog-'));

describe('the rotating file', () => {
  it('never lets a file pass the limit, and keeps at most the given number of files', () => {
    const dir = tmp();
    const file = path.join(dir, 'helix.log');
    const rotating = new RotatingFile({ file, maxBytes: 10_000, files: 3 });
    const record = (i: number): string => `${JSON.stringify({ i, pad: 'x'.repeat(i % 90) })}\n`;
    let written = 0;
    for (let i = 0; i < 2000; i++) {
      rotating.write(record(i));
      written += Buffer.byteLength(record(i));
    }
    rotating.close();
    expect(written).toBeGreaterThan(10 * 10_000);
    const files = [file, `${file}.1`, `${file}.2`, `${file}.3`].filter((f) => existsSync(f));
    expect(files).toEqual([file, `${file}.1`, `${file}.2`]);
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(10_000);
    // The newest records are kept, in order, across the files; nothing is cut in two.
    const lines = [`${file}.2`, `${file}.1`, file].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
    const numbers = lines.map((line) => (JSON.parse(line) as { i: number }).i);
    expect(numbers.at(-1)).toBe(1999);
    expect(numbers).toEqual(numbers.map((_, k) => numbers[0]! + k));
    expect(statSync(`${file}.1`).size).toBeGreaterThan(9_000); // files are filled, not rotated early
  });

  it('goes on from the size a file already has when reopened', () => {
    const dir = tmp();
    const file = path.join(dir, 'helix.log');
    writeFileSync(file, 'x'.repeat(950) + '\n');
    const rotating = new RotatingFile({ file, maxBytes: 1000, files: 2 });
    rotating.write(`${'y'.repeat(99)}\n`);
    rotating.close();
    expect(readFileSync(`${file}.1`, 'utf8')).toBe('x'.repeat(950) + '\n');
    expect(readFileSync(file, 'utf8')).toBe(`${'y'.repeat(99)}\n`);
  });

  it('drops what it cannot write (a full disk) without throwing', () => {
    const rotating = new RotatingFile({ file: '/dev/full', maxBytes: 1_000_000, files: 1 });
    expect(() => rotating.write('{"msg":"lost"}\n')).not.toThrow();
    expect(() => rotating.write('x'.repeat(2_000_000))).not.toThrow();
    expect(rotating.dropped).toBe(2);
  });
});

describe('the diagnostic log', () => {
  it('writes JSON lines with labels and ISO times, at the level asked, and reads back its tail filtered by level', () => {
    const dir = tmp();
    const diag = openDiagLog({ dir, level: 'info', maxBytes: 4000, files: 3 });
    const log = diag.log.child({ component: 'runner' });
    log.debug({ n: 0 }, 'not written at info');
    for (let n = 1; n <= 60; n++) (n % 10 === 0 ? log.warn : log.info).call(log, { n }, n % 10 === 0 ? 'a warning' : 'a step');
    diag.log.level = 'debug';
    log.debug({ n: 61 }, 'written at debug');
    diag.close();

    expect(diag.file).toBe(path.join(dir, 'helix.log'));
    expect(existsSync(`${diag.file}.1`)).toBe(true); // rotated: the tail reads across files
    const first = JSON.parse(readFileSync(diag.file, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['level', 'time', 'component', 'n', 'msg']);
    expect(first).toMatchObject({ level: 'info', component: 'runner', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const tail = readLogTail(diag.files, 20);
    expect(tail).toHaveLength(20);
    expect(tail.map((e) => e.fields.n)).toEqual(Array.from({ length: 20 }, (_, k) => 42 + k));
    expect(tail.at(-1)).toMatchObject({ level: 'debug', msg: 'written at debug', component: 'runner', fields: { n: 61 } });
    const warnings = readLogTail(diag.files, 3, 'warn');
    expect(warnings.map((e) => [e.level, e.fields.n])).toEqual([['warn', 40], ['warn', 50], ['warn', 60]]);
    expect(readLogTail(diag.files, 100, 'error')).toEqual([]);
    expect(readLogTail(diag.files, 1000).some((e) => e.msg === 'not written at info')).toBe(false);
  });

  it('skips a torn line and missing files', () => {
    const dir = tmp();
    const file = path.join(dir, 'helix.log');
    writeFileSync(file, '{"level":"info","time":"t1","msg":"one"}\n{"level":"info","ti');
    appendFileSync(file, '\n{"level":"error","time":"t2","msg":"two","code":7}\n');
    expect(readLogTail([file, `${file}.1`], 10)).toEqual([
      { time: 't1', level: 'info', msg: 'one', component: undefined, fields: {} },
      { time: 't2', level: 'error', msg: 'two', component: undefined, fields: { code: 7 } },
    ]);
  });

  it('logs of an error only its name, message, code and stack', () => {
    const dir = tmp();
    const diag = openDiagLog({ dir });
    const error = Object.assign(new Error('spawn claude ENOENT'), { code: 'ENOENT', spawnargs: ['--token', 'sk-in-spawnargs'], options: { env: { KEY: 'sk-in-env' } } });
    diag.log.error({ err: error, req: { method: 'GET', url: '/x?token=sk-in-url', headers: { authorization: 'Bearer sk-in-header' } } }, 'failed');
    diag.close();
    const text = readFileSync(diag.file, 'utf8');
    expect(text).toContain('spawn claude ENOENT');
    expect(text).toContain('"path":"/x"');
    for (const secret of ['sk-in-spawnargs', 'sk-in-env', 'sk-in-url', 'sk-in-header']) expect(text).not.toContain(secret);
  });

  it('takes its level from HELIX_LOG_LEVEL when that names one, else from the config', () => {
    expect(resolveLogLevel('debug', 'info')).toBe('debug');
    expect(resolveLogLevel(' WARN ', 'info')).toBe('warn');
    expect(resolveLogLevel('loud', 'error')).toBe('error');
    expect(resolveLogLevel(undefined, 'silent')).toBe('silent');
  });
});

describe("a run's command line in the log", () => {
  it('shows the flags and the values of known flags, and only the length of anything else', () => {
    const args = ['-p', '--model', 'claude-sonnet-4-5', '--permission-mode', 'default', '--allowedTools', 'Read', 'Bash', '--append-system-prompt', 'You are secret-prompt', '--settings={"token":"sk-x"}', '--resume', 'abc-123', '--fork-session', '- a value that looks like a flag'];
    expect(loggableArgs(args)).toEqual(['-p', '--model', 'claude-sonnet-4-5', '--permission-mode', 'default', '--allowedTools', 'Read', 'Bash', '--append-system-prompt', '<21 chars>', '--settings=<16 chars>', '--resume', 'abc-123', '--fork-session', '<32 chars>']);
    // A value after a shown one is not taken for a second value.
    expect(loggableArgs(['--model', 'm', 'the prompt'])).toEqual(['--model', 'm', '<10 chars>']);
  });
});

describe('uncaught errors', () => {
  it('are logged: a rejection leaves the process running, an exception goes to onException', () => {
    const records: Array<[string, Record<string, unknown>, string]> = [];
    const capture = (level: string) => (fields: Record<string, unknown>, message: string) => void records.push([level, fields, message]);
    const log = { fatal: capture('fatal'), error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug'), child: () => log };
    const emitter = new EventEmitter();
    const target = emitter as unknown as NodeJS.Process;
    const fatal: unknown[] = [];
    const remove = logUncaught(log, target, (error) => fatal.push(error));
    emitter.emit('unhandledRejection', 'plain reason');
    const thrown = new Error('boom');
    emitter.emit('uncaughtException', thrown);
    expect(records.map(([level, fields, message]) => [level, (fields.err as Error).message, message])).toEqual([
      ['error', 'plain reason', 'unhandled promise rejection'],
      ['fatal', 'boom', 'uncaught exception'],
    ]);
    expect(fatal).toEqual([thrown]);
    remove();
    expect(emitter.listenerCount('uncaughtException') + emitter.listenerCount('unhandledRejection')).toBe(0);
  });
});
