/**
 * One warm Claude Code process serving the turns of one chat, steered over its stream-json
 * control protocol: a turn is one user line on stdin and ends with its `result`; the process
 * takes the next line once it reports itself idle. Cancel is an interrupt (the process stays);
 * only a process that does not settle, a turn that times out, output that cannot be recorded or
 * a crash ends the whole process tree. Permission prompts (`can_use_tool`) go to the turn's
 * `onPermission` (the approvals) and are answered when it resolves; a turn without one has them
 * refused at once. A prompt the CLI withdraws (`control_cancel_request`) or whose turn ends is
 * aborted, so nobody answers a question that is no longer asked.
 */
import { execa } from 'execa';
import type { RunError, RunEvent } from '../../common/run-event';
import { StorageError } from '../platform/data-dir';
import { NO_LOG, type DiagLog } from '../platform/diag-log';
import { loggableArgs } from './loggable-args';
import { LiveStateMachine, type LiveState, type LiveStateChange } from './live-state';
import { isAlive, killTreeWindows, listDescendants, signalAll } from '../platform/process-tree';
import { answerFor, controlRequestLine, obj, residentBytes, str } from './control-protocol';
import { openTurn, type LiveTurn, type OpenTurn, type TurnInput } from './live-turn';
import { StreamJsonParser, type CliEvent } from './stream-json';
import { exitOutcome, resultOutcome, stoppedOutcome, type LiveOutcome, type ProcessExit } from './turn-outcome';

export type { LiveOutcome } from './turn-outcome';
export type { LiveTurn, TurnInput } from './live-turn';

export interface LiveSpec {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** How long the CLI gets to end its tools after SIGTERM before the tree is force-killed. */
  killGraceMs?: number;
  /** How long an interrupted turn gets to end before the process is killed. */
  interruptGraceMs?: number;
  /** How long a closed stdin gets to end the process before it is killed. */
  closeGraceMs?: number;
  /** Start, state changes, stop decisions and exit (pid and arguments; never the environment or stdin). */
  log?: DiagLog;
}

const STDERR_TAIL = 4000;
/** The CLI retries a rejected key for ~3 minutes; a 401/403 will not fix itself. */
const AUTH_STATUSES = new Set([401, 403]);
/** If no `idle` follows a result (a CLI without session state events), the process is taken as ready after this. */
const IDLE_FALLBACK_MS = 1500;
const CONTROL_TIMEOUT_MS = 10_000;

export class LiveSession {
  private readonly machine = new LiveStateMachine();
  private readonly child;
  private readonly parser = new StreamJsonParser();
  private readonly pending = new Map<string, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly doomed = new Set<number>();
  private readonly waitingForReady: Array<() => void> = [];
  private turnOpen: OpenTurn | undefined;
  private stderrTail = '';
  private terminating = false;
  private killTimer: NodeJS.Timeout | undefined;
  private idleFallback: NodeJS.Timeout | undefined;
  /** A written turn has ended; the process takes the next line once it says idle. */
  private finishing = false;
  private requestCount = 0;
  private readonly log: DiagLog;
  private endReason: string | undefined;
  /** The Claude Code session the process holds, as its latest turn reported it. */
  sessionId: string | undefined;
  /** The last assistant message of the latest turn that completed: the conversation's tip. */
  tipMessageUuid: string | undefined;
  /** Resolves once the process has exited and its leftovers are gone. */
  readonly exited: Promise<void>;

  constructor(
    private readonly spec: LiveSpec,
    onState?: (change: LiveStateChange) => void,
  ) {
    if (onState) this.machine.onChange(onState);
    this.child = execa(spec.bin, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      extendEnv: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: true,
    });
    // Writing to a process that just died is reported by its exit, not by a stream error.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdout?.on('data', (chunk: Buffer) => this.lines(this.parser.push(chunk)));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.exited = this.child.then((exit) => this.onExit(exit));
    const log = (this.log = spec.log ?? NO_LOG);
    log.info({ pid: this.child.pid ?? null, bin: spec.bin, args: loggableArgs(spec.args), cwd: spec.cwd }, 'claude started');
    this.machine.onChange(({ from, to, reason }) => log.info({ pid: this.child.pid ?? null, from, to, reason }, 'live session state'));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get state(): LiveState {
    return this.machine.state;
  }

  onState(listener: (change: LiveStateChange) => void): () => void {
    return this.machine.onChange(listener);
  }

  /** Resident memory of the CLI process in bytes (Linux), for the panel. */
  rssBytes(): number | undefined {
    return this.pid === undefined || this.machine.ended ? undefined : residentBytes(this.pid);
  }

  /**
   * Sends one user turn. It is written once the previous turn has fully ended (the process said
   * idle); the outcome is always classified, whatever happens to the process.
   */
  turn(input: TurnInput, onEvent: (event: RunEvent) => void): LiveTurn {
    if (this.turnOpen && !this.turnOpen.settled) throw new Error('a live session takes one turn at a time');
    const { turn, done } = openTurn(input, onEvent, {
      cwd: this.spec.cwd,
      pid: () => this.pid,
      log: this.log,
      write: (line) => this.child.stdin?.write(line),
      alive: () => !this.machine.ended,
    });
    this.turnOpen = turn;
    const write = (): void => {
      if (turn.settled) return;
      if (this.machine.ended) return turn.settle(this.failure(turn));
      if (this.machine.state === 'ready') this.machine.to('running', 'turn sent');
      turn.written = true;
      this.child.stdin?.write(input.line(turn.uuid));
      turn.timers.push(
        setTimeout(() => this.stopTurn(turn, { code: 'timeout', detail: `no result after ${Math.round(input.timeoutMs / 1000)} s` }, 'kill'), input.timeoutMs),
      );
    };
    // A process that has not finished its previous turn (result seen, idle not yet) takes the line once idle.
    if (this.machine.state === 'running') this.waitingForReady.push(write);
    else write();
    const pid = (): number | undefined => this.pid;
    return {
      get pid() {
        return pid();
      },
      cancel: () => this.stopTurn(turn, { code: 'cancelled', detail: 'the run was cancelled' }, 'interrupt'),
      done,
    };
  }

  /** Sends a control request; resolves with the CLI's answer, rejects with its error. */
  control(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.machine.ended) return Promise.reject(new Error('the process has ended'));
    const id = `helix_${++this.requestCount}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${String(request.subtype)} within ${CONTROL_TIMEOUT_MS / 1000} s`));
      }, CONTROL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin?.write(controlRequestLine(id, request));
    });
  }

  /** Ends the process the gentle way: stdin closed, so it exits once idle; killed if it does not. */
  close(reason = 'closed'): Promise<void> {
    if (!this.machine.ended) {
      this.endReason = reason;
      this.machine.to('closing', reason);
      this.child.stdin?.end();
      const timer = setTimeout(() => this.terminate(), this.spec.closeGraceMs ?? 5000);
      void this.exited.finally(() => clearTimeout(timer));
    }
    return this.exited;
  }

  /** Ends the process tree now: SIGTERM, then SIGKILL of whatever is left after the grace period. */
  kill(reason = 'killed'): Promise<void> {
    if (!this.machine.ended) {
      this.endReason = reason;
      this.machine.to('closing', reason);
    }
    this.terminate();
    return this.exited;
  }

  private stopTurn(turn: OpenTurn, reason: RunError, how: 'interrupt' | 'kill'): void {
    if (turn.settled) return;
    turn.stopReason ??= reason;
    if (!turn.written && how === 'interrupt') return turn.settle(stoppedOutcome(turn));
    if (how === 'kill' || this.machine.ended) {
      void this.kill(reason.code);
      return;
    }
    if (turn.interruptSent) return;
    turn.interruptSent = true;
    this.log.info({ pid: this.pid ?? null, reason: reason.code, detail: reason.detail }, 'interrupting the turn');
    // Also drops the line if it is still queued (then no result comes: the cancellation says so).
    this.control({ subtype: 'interrupt', cancel_queued: true })
      .then((answer) => {
        if (Array.isArray(answer.cancelled) && answer.cancelled.includes(turn.uuid)) this.ended(turn, stoppedOutcome(turn));
      })
      .catch(() => undefined);
    turn.timers.push(setTimeout(() => void this.kill(`${reason.code}: not settled after an interrupt`), this.spec.interruptGraceMs ?? 3000));
  }

  private lines(lines: ReturnType<StreamJsonParser['push']>): void {
    for (const line of lines) if (line.kind === 'event') this.event(line.event);
  }

  private event(event: CliEvent): void {
    switch (event.type) {
      case 'control_request':
        return this.answerControl(event);
      case 'control_response':
        return this.controlAnswered(obj(event.response));
      case 'control_cancel_request':
        // Withdrawn by the CLI (an interrupt): the prompt is no longer asked.
        this.turnOpen?.prompts?.withdraw(str(event.request_id));
        return;
      case 'command_lifecycle': {
        const turn = this.turnOpen;
        if (turn && !turn.settled && event.command_uuid === turn.uuid && event.state === 'cancelled') this.ended(turn, stoppedOutcome(turn));
        return;
      }
      case 'system':
        if (event.subtype === 'session_state_changed') return this.sessionState(str(event.state));
        break;
    }
    const turn = this.turnOpen;
    if (!turn || turn.settled) return; // nothing of a turn is expected between turns
    if (event.type === 'system' && event.subtype === 'init') {
      this.sessionId = str(event.session_id) || this.sessionId;
      if (this.machine.state === 'starting') this.machine.to('running', 'first turn started');
    }
    if (event.type === 'assistant' && event.parent_tool_use_id == null && event.is_api_error_message !== true && typeof event.uuid === 'string') {
      turn.messageUuid = event.uuid;
    }
    if (event.type === 'result') {
      const reason = event.terminal_reason;
      turn.aborted = typeof reason === 'string' && reason.startsWith('aborted');
    }
    this.consume(turn, event);
    if (event.type === 'result' && turn.result) {
      const outcome = resultOutcome(turn, turn.result);
      // The conversation's tip moves with each completed turn; an interrupted or failed one leaves it.
      if (outcome.ok && outcome.messageUuid) this.tipMessageUuid = outcome.messageUuid;
      this.ended(turn, outcome);
    }
  }

  /** A written turn is over: its outcome goes out now, the next line once the CLI says idle. */
  private ended(turn: OpenTurn, outcome: LiveOutcome): void {
    if (turn.settled) return;
    turn.settle(outcome);
    this.finishing = true;
    // Ready when the CLI says idle (a few ms later), or after a while if it never does.
    clearTimeout(this.idleFallback);
    this.idleFallback = setTimeout(() => this.becameIdle('no idle event'), IDLE_FALLBACK_MS);
  }

  /** Passes the turn's events on until the consumer fails (e.g. the disk is full): that ends the process, not the app. */
  private consume(turn: OpenTurn, event: CliEvent): void {
    if (turn.consumerFailed) return;
    try {
      for (const mapped of turn.mapper.map(event)) {
        if (mapped.type === 'result') turn.result = mapped.result;
        if (mapped.type === 'retry' && mapped.httpStatus !== null && AUTH_STATUSES.has(mapped.httpStatus)) {
          this.stopTurn(turn, { code: 'upstream_auth', detail: `the provider answered HTTP ${mapped.httpStatus}`, httpStatus: mapped.httpStatus }, 'interrupt');
        }
        turn.onEvent(mapped);
      }
    } catch (error) {
      turn.consumerFailed = true;
      // What is left of the output could not be recorded: the process and what it holds are ended.
      this.stopTurn(turn, { code: error instanceof StorageError ? 'storage_failed' : 'run_failed', detail: (error as Error).message }, 'kill');
    }
  }

  private sessionState(state: string): void {
    const turn = this.turnOpen;
    if (state !== 'idle') return;
    if (turn && turn.written && !turn.settled && turn.interruptSent) {
      // Interrupted before it produced a result (e.g. still queued): it is over all the same.
      this.ended(turn, stoppedOutcome(turn));
    }
    this.becameIdle('idle');
  }

  private becameIdle(reason: string): void {
    if (!this.finishing) return;
    clearTimeout(this.idleFallback);
    this.finishing = false;
    // The finished turn's listener (and what it holds) is not kept while the process waits.
    if (this.turnOpen?.settled) this.turnOpen = undefined;
    if (this.machine.state !== 'running' && this.machine.state !== 'starting') return;
    this.machine.to('ready', reason);
    const next = this.waitingForReady.shift();
    next?.();
  }

  private answerControl(event: CliEvent): void {
    const request = obj(event.request);
    const turn = this.turnOpen;
    if (request.subtype === 'can_use_tool' && turn?.prompts && !turn.settled) return turn.prompts.prompt(str(event.request_id), request);
    this.child.stdin?.write(answerFor(event));
  }

  private controlAnswered(response: Record<string, unknown>): void {
    const id = str(response.request_id);
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    clearTimeout(waiter.timer);
    if (response.subtype === 'success') waiter.resolve(obj(response.response));
    else waiter.reject(new Error(str(response.error) || 'the CLI refused the request'));
  }

  private failure(turn: OpenTurn, exit?: ProcessExit): LiveOutcome {
    return exitOutcome(turn, { bin: this.spec.bin, exit, stderrTail: this.stderrTail, endReason: this.endReason });
  }

  private terminate(): void {
    const pid = this.child.pid;
    if (this.terminating || pid === undefined || this.child.exitCode !== null) return;
    this.terminating = true;
    this.log.info({ pid, reason: this.endReason }, 'stopping claude (SIGTERM)');
    if (process.platform === 'win32') return killTreeWindows(pid);
    for (const p of listDescendants(pid)) this.doomed.add(p);
    signalAll([pid], 'SIGTERM');
    this.killTimer = setTimeout(() => {
      for (const p of listDescendants(pid)) this.doomed.add(p);
      const killed = signalAll([pid, ...this.doomed], 'SIGKILL');
      this.log.warn({ pid, killed }, 'claude still running after the grace period: killed with its processes (SIGKILL)');
    }, this.spec.killGraceMs ?? 1000);
  }

  private onExit(exit: ProcessExit): void {
    this.lines(this.parser.end());
    clearTimeout(this.killTimer);
    clearTimeout(this.idleFallback);
    // Tool processes the CLI did not take down with it (they outlive a killed parent).
    const leftOver = signalAll([...this.doomed].filter(isAlive), 'SIGKILL');
    if (leftOver.length > 0) this.log.warn({ pid: this.child.pid ?? null, killed: leftOver }, 'killed tool processes claude left behind');
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode ?? 'unknown'}`;
    this.log.info({ pid: this.child.pid ?? null, exitCode: exit.exitCode ?? null, signal: exit.signal ?? null, reason: this.endReason ?? null }, 'claude exited');
    if (this.machine.state === 'closing') this.machine.to('closed', this.endReason ? `${this.endReason} (${how})` : how);
    else if (!this.machine.ended) this.machine.to('crashed', how);
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('the process ended'));
      this.pending.delete(id);
    }
    const turn = this.turnOpen;
    if (turn && !turn.settled) turn.settle(this.failure(turn, exit));
    // Turns waiting for this process to be ready learn it is gone.
    for (const write of this.waitingForReady.splice(0)) write();
  }
}
