/**
 * One Claude Code process: spawned with its turn on stdin, stdout parsed into RunEvents as it
 * arrives, ended by its result, a cancel, a timeout or a crash — always with a classified outcome.
 */
import { execa } from 'execa';
import type { RunError, RunEvent, RunResult } from '../../common/run-event';
import { StorageError } from '../platform/data-dir';
import { NO_LOG, type DiagLog } from '../platform/diag-log';
import { CliEventMapper } from './event-mapper';
import { loggableArgs } from './loggable-args';
import { isAlive, killTreeWindows, listDescendants, signalAll } from '../platform/process-tree';
import { StreamJsonParser } from './stream-json';

export interface RunSpec {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to stdin, which is then closed. */
  stdin: string;
  timeoutMs: number;
  /** How long the CLI gets to end its tools after SIGTERM before the tree is force-killed. */
  killGraceMs?: number;
  /** Start, stop decisions and exit (pid and arguments; never the environment or stdin). */
  log?: DiagLog;
}

export type RunOutcome = { ok: true; result: RunResult } | { ok: false; error: RunError; result?: RunResult };

export interface ClaudeRun {
  readonly pid: number | undefined;
  /** Stops the run and everything it started; the outcome is `cancelled`. */
  cancel(): void;
  readonly done: Promise<RunOutcome>;
}

const STDERR_TAIL = 4000;
/** The CLI retries a rejected key for ~3 minutes; a 401/403 will not fix itself. */
const AUTH_STATUSES = new Set([401, 403]);

export function startClaudeRun(spec: RunSpec, onEvent: (event: RunEvent) => void): ClaudeRun {
  const graceMs = spec.killGraceMs ?? 1000;
  const parser = new StreamJsonParser();
  const mapper = new CliEventMapper(spec.cwd);
  let result: RunResult | undefined;
  let stopReason: RunError | undefined;
  let stderrTail = '';
  let terminating = false;
  let consumerFailed = false;
  let killTimer: NodeJS.Timeout | undefined;
  const doomed = new Set<number>();
  const log = spec.log ?? NO_LOG;
  const startedAt = Date.now();

  const child = execa(spec.bin, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    input: spec.stdin,
    buffer: false,
    reject: false,
    cleanup: true,
    stdout: 'pipe',
    stderr: 'pipe',
  });
  log.info({ pid: child.pid ?? null, bin: spec.bin, args: loggableArgs(spec.args), cwd: spec.cwd, timeoutMs: spec.timeoutMs }, 'claude started');

  const emit = (lines: ReturnType<StreamJsonParser['push']>): void => {
    for (const line of lines) {
      if (line.kind !== 'event') continue;
      for (const event of mapper.map(line.event)) {
        if (event.type === 'result') result = event.result;
        if (event.type === 'retry' && event.httpStatus !== null && AUTH_STATUSES.has(event.httpStatus)) {
          stop({ code: 'upstream_auth', detail: `the provider answered HTTP ${event.httpStatus}`, httpStatus: event.httpStatus });
        }
        onEvent(event);
      }
    }
  };

  /** Passes output on until the consumer fails (e.g. the disk is full): that ends the run, not the app. */
  const consume = (lines: ReturnType<StreamJsonParser['push']>): void => {
    if (consumerFailed) return; // what is left of the output can no longer be recorded
    try {
      emit(lines);
    } catch (error) {
      consumerFailed = true;
      stop({ code: error instanceof StorageError ? 'storage_failed' : 'run_failed', detail: (error as Error).message });
    }
  };

  child.stdout?.on('data', (chunk: Buffer) => consume(parser.push(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
  });

  const timeout = setTimeout(
    () => stop({ code: 'timeout', detail: `no result after ${Math.round(spec.timeoutMs / 1000)} s` }),
    spec.timeoutMs,
  );

  function stop(reason: RunError): void {
    stopReason ??= reason;
    terminate();
  }

  function terminate(): void {
    const pid = child.pid;
    if (terminating || pid === undefined || child.exitCode !== null) return;
    terminating = true;
    log.info({ pid, reason: stopReason?.code, detail: stopReason?.detail, graceMs }, 'stopping claude (SIGTERM)');
    if (process.platform === 'win32') {
      killTreeWindows(pid);
      return;
    }
    for (const p of listDescendants(pid)) doomed.add(p);
    signalAll([pid], 'SIGTERM');
    killTimer = setTimeout(() => {
      for (const p of listDescendants(pid)) doomed.add(p);
      const killed = signalAll([pid, ...doomed], 'SIGKILL');
      log.warn({ pid, killed, graceMs }, 'claude still running after the grace period: killed with its processes (SIGKILL)');
    }, graceMs);
  }

  const outcome = (async (): Promise<RunOutcome> => {
    const exit = await child;
    consume(parser.end());
    clearTimeout(timeout);
    clearTimeout(killTimer);
    // Tool processes the CLI did not take down with it (they outlive a killed parent).
    const leftOver = signalAll([...doomed].filter(isAlive), 'SIGKILL');
    if (leftOver.length > 0) log.warn({ pid: child.pid ?? null, killed: leftOver }, 'killed tool processes claude left behind');

    // A complete answer stands even if the process then had to be stopped (it hung on exit, or the
    // client left), but not one refused upstream or one whose recording failed.
    const stands = !stopReason || stopReason.code === 'timeout' || stopReason.code === 'cancelled';
    if (result && !result.isError && stands) return { ok: true, result };
    if (stopReason) return { ok: false, error: stopReason, result };
    if (result) return { ok: false, error: classifyResult(result), result };
    const cause = exit.cause as NodeJS.ErrnoException | undefined;
    if (cause?.code === 'ENOENT' || cause?.code === 'EACCES') {
      return { ok: false, error: { code: 'cli_not_found', detail: `${spec.bin}: ${cause.message}` } };
    }
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode ?? 'unknown'}`;
    const said = stderrTail.trim().split('\n').slice(-3).join(' ').trim();
    return { ok: false, error: { code: 'cli_crashed', detail: said ? `${how}: ${said}` : how } };
  })();
  const done = outcome.then(async (end) => {
    const exit = await child;
    const fields = { pid: child.pid ?? null, exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, ms: Date.now() - startedAt, outcome: end.ok ? 'ok' : end.error.code };
    if (end.ok || end.error.code === 'cancelled') log.info(fields, 'claude exited');
    else log.warn({ ...fields, detail: end.error.detail }, 'claude run failed');
    return end;
  });

  return {
    get pid() {
      return child.pid;
    },
    cancel: () => stop({ code: 'cancelled', detail: 'the run was cancelled' }),
    done,
  };
}

/** Maps a failed `result` to the reason a user can act on. */
export function classifyResult(result: RunResult): RunError {
  const status = result.apiErrorStatus;
  const detail = result.text || result.errors.join('; ') || result.subtype;
  if (status === 401 || status === 403) return { code: 'upstream_auth', detail, httpStatus: status };
  if (status === 429) return { code: 'upstream_rate_limit', detail, httpStatus: status };
  if (status === 404) return { code: 'model_not_found', detail, httpStatus: status };
  if ((status !== null && status >= 500) || result.apiFailed) {
    return { code: 'upstream_unavailable', detail, httpStatus: status };
  }
  return { code: 'run_failed', detail, httpStatus: status };
}
