/**
 * A warm session's state machine, and a LiveSession driven through its paths by a scripted CLI
 * that speaks the stream-json control protocol (test/support/fake-live-claude.mjs).
 */
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import { userMessageLine } from '../../main/runner/claude-command';
import { LiveSession, type LiveSpec } from '../../main/runner/live-session';
import { IllegalTransition, LiveStateMachine, type LiveStateChange } from '../../main/runner/live-state';
import { isAlive } from '../../main/platform/process-tree';

const fake = path.join(import.meta.dirname, '../support/fake-live-claude.mjs');
chmodSync(fake, 0o755);
const dir = mkdtempSync(path.join(os.tmpdir(), 'helix-live-'));

describe('the live state machine', () => {
  it('goes starting → running → ready → running → ready → closing → closed, telling its listeners each step', () => {
    const machine = new LiveStateMachine();
    const seen: string[] = [];
    machine.onChange((c) => seen.push(`${c.from}>${c.to}:${c.reason}`));
    machine.to('running', 'first turn');
    machine.to('ready', 'idle');
    machine.to('running', 'turn');
    machine.to('ready', 'idle');
    machine.to('closing', 'evicted');
    machine.to('closed', 'exit code 0');
    expect(seen).toEqual(['starting>running:first turn', 'running>ready:idle', 'ready>running:turn', 'running>ready:idle', 'ready>closing:evicted', 'closing>closed:exit code 0']);
    expect(machine.ended).toBe(true);
  });

  it('refuses transitions the table does not allow, and keeps its state', () => {
    const machine = new LiveStateMachine();
    expect(() => machine.to('closed', 'x')).toThrow(IllegalTransition);
    machine.to('running', 'turn');
    machine.to('crashed', 'signal SIGKILL');
    for (const to of ['ready', 'running', 'closing', 'starting'] as const) expect(() => machine.to(to, 'x')).toThrow(IllegalTransition);
    expect(machine.state).toBe('crashed');
    const closing = new LiveStateMachine();
    closing.to('closing', 'stop');
    expect(() => closing.to('crashed', 'x')).toThrow(IllegalTransition); // asked to stop: its exit is a close, not a crash
  });
});

let sessions: LiveSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.kill()));
  sessions = [];
});

function start(extra: Partial<LiveSpec> = {}, env: Record<string, string> = {}): { live: LiveSession; changes: LiveStateChange[]; stdin: string } {
  const stdin = path.join(dir, `stdin-${Math.random().toString(36).slice(2)}.log`);
  const changes: LiveStateChange[] = [];
  const live = new LiveSession({ bin: fake, args: [], cwd: dir, env: { PATH: process.env.PATH ?? '', FAKE_STDIN_LOG: stdin, ...env }, interruptGraceMs: 500, killGraceMs: 200, ...extra }, (c) => changes.push(c));
  sessions.push(live);
  return { live, changes, stdin };
}

function send(live: LiveSession, text: string, timeoutMs = 10_000) {
  const events: RunEvent[] = [];
  const turn = live.turn({ line: (uuid) => userMessageLine(text, [], uuid), timeoutMs }, (e) => events.push(e));
  return { turn, events };
}

const states = (changes: LiveStateChange[]): string[] => changes.map((c) => c.to);
const stdinLines = (file: string): Array<Record<string, unknown>> => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a live session', () => {
  it('serves turn after turn in one process, each turn one line on its stdin, and closes on stdin EOF', async () => {
    const { live, changes, stdin } = start();
    const pid = live.pid;
    const first = send(live, 'hello');
    expect(await first.turn.done).toMatchObject({ ok: true, result: { text: 'answer 1 to hello' }, messageUuid: 'assistant-1' });
    // Sent before the process said idle: it is written once it has.
    const second = send(live, 'again');
    expect(await second.turn.done).toMatchObject({ ok: true, result: { text: 'answer 2 to again' }, messageUuid: 'assistant-2' });
    expect(live.pid).toBe(pid);
    expect(live.sessionId).toBe('11111111-2222-4333-8444-555555555555');
    expect(live.tipMessageUuid).toBe('assistant-2');
    expect(second.events.map((e) => e.type)).toEqual(['started', 'text', 'result']);
    await expect.poll(() => live.state).toBe('ready');
    await live.close('test done');
    expect(states(changes)).toEqual(['running', 'ready', 'running', 'ready', 'closing', 'closed']);
    expect(changes.at(-1)?.reason).toContain('test done');
    const lines = stdinLines(stdin);
    expect(lines.map((l) => l.type)).toEqual(['user', 'user']);
    expect(lines[1]).toMatchObject({ message: { content: [{ text: 'again' }] }, uuid: expect.any(String) });
    expect(isAlive(pid!)).toBe(false);
  });

  it('refuses a permission prompt at once with a message saying why, and the turn goes on', async () => {
    const { live, stdin } = start();
    const { turn } = send(live, 'ask to write');
    const outcome = await turn.done;
    expect(outcome.ok).toBe(true);
    const answer = stdinLines(stdin).find((l) => l.type === 'control_response') as { response: { request_id: string; response: { behavior: string; message: string } } };
    expect(answer.response).toMatchObject({ subtype: 'success', request_id: 'prompt-1', response: { behavior: 'deny' } });
    expect(answer.response.response.message).toContain('Write (written.txt)');
    expect(answer.response.response.message).toContain("haven't granted it");
  });

  it("hands a permission prompt to the turn's onPermission and writes its answer once it comes", async () => {
    const { live, stdin } = start();
    const asked: Array<{ tool: string; input: unknown }> = [];
    let allow!: () => void;
    const turn = live.turn(
      {
        line: (uuid) => userMessageLine('ask to write', [], uuid),
        timeoutMs: 10_000,
        onPermission: (request) => {
          asked.push({ tool: request.toolName, input: request.input });
          return new Promise((resolve) => (allow = () => resolve({ behavior: 'allow', updatedInput: request.input })));
        },
      },
      () => undefined,
    );
    await expect.poll(() => asked.length).toBe(1);
    expect(asked[0]).toEqual({ tool: 'Write', input: { file_path: 'x' } });
    expect(stdinLines(stdin).filter((l) => l.type === 'control_response')).toEqual([]); // nothing answered before the person does
    allow();
    expect(await turn.done).toMatchObject({ ok: true, result: { text: 'prompt answered: {"behavior":"allow","updatedInput":{"file_path":"x"}}' } });
  });

  it('a prompt whose turn is cancelled is withdrawn: its signal aborts and no answer is written for it', async () => {
    const { live, stdin } = start();
    let withdrawn = false;
    const turn = live.turn(
      {
        line: (uuid) => userMessageLine('ask to write', [], uuid),
        timeoutMs: 10_000,
        onPermission: (_request, signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              withdrawn = true;
              resolve({ behavior: 'allow', updatedInput: {} }); // an answer after the withdrawal must not reach the CLI
            });
          }),
      },
      () => undefined,
    );
    await expect.poll(() => stdinLines(stdin).length).toBe(1);
    turn.cancel();
    expect((await turn.done).ok).toBe(false);
    expect(withdrawn).toBe(true);
    expect(stdinLines(stdin).filter((l) => l.type === 'control_response')).toEqual([]);
  });

  it('cancel interrupts the turn: the outcome is cancelled, the process stays warm and answers the next turn', async () => {
    const { live, changes, stdin } = start();
    const pid = live.pid;
    await send(live, 'warm up').turn.done;
    const hanging = send(live, 'hang on');
    await expect.poll(() => hanging.events.length).toBeGreaterThan(0);
    hanging.turn.cancel();
    expect(await hanging.turn.done).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(live.tipMessageUuid).toBe('assistant-1'); // the interrupted turn is not where a branch forks
    const next = await send(live, 'next').turn.done;
    expect(next).toMatchObject({ ok: true, result: { text: 'answer 3 to next' } });
    expect(live.pid).toBe(pid);
    expect(stdinLines(stdin).find((l) => l.type === 'control_request')).toMatchObject({ request: { subtype: 'interrupt', cancel_queued: true } });
    expect(states(changes)).not.toContain('closing');
  });

  it('a process that does not settle after an interrupt is killed, tree and all', async () => {
    const { live, changes } = start();
    const pid = live.pid!;
    const stubborn = send(live, 'stubborn');
    await expect.poll(() => stubborn.events.length).toBeGreaterThan(0);
    stubborn.turn.cancel();
    expect(await stubborn.turn.done).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    await live.exited;
    expect(states(changes)).toEqual(['running', 'closing', 'closed']);
    expect(isAlive(pid)).toBe(false);
  });

  it('a turn that times out ends the process with a timeout', async () => {
    const { live, changes } = start();
    const { turn } = send(live, 'hang', 300);
    expect(await turn.done).toMatchObject({ ok: false, error: { code: 'timeout' } });
    await live.exited;
    expect(states(changes).slice(-2)).toEqual(['closing', 'closed']);
  });

  it('a process that dies mid-turn is crashed, and its turn says so', async () => {
    const { live, changes } = start();
    const { turn } = send(live, 'die now');
    expect(await turn.done).toMatchObject({ ok: false, error: { code: 'cli_crashed', detail: expect.stringContaining('exit code 3') } });
    expect(states(changes)).toEqual(['running', 'crashed']);
    expect(() => send(live, 'more')).not.toThrow(); // a turn on a dead process fails, it does not throw
  });

  it('a turn on a process that has ended fails at once', async () => {
    const { live } = start();
    await live.close();
    expect(await send(live, 'too late').turn.done).toMatchObject({ ok: false, error: { code: 'cli_crashed' } });
  });

  it('a turn cancelled while it waits for the previous one to end is never written', async () => {
    const { live, stdin } = start();
    const first = send(live, 'one');
    await first.turn.done; // the result is in, the idle event not yet
    const second = send(live, 'two');
    second.turn.cancel();
    expect(await second.turn.done).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    await expect.poll(() => live.state).toBe('ready');
    expect(stdinLines(stdin).filter((l) => l.type === 'user')).toHaveLength(1);
  });

  it('answers control requests (set_model) and reports refusals as errors', async () => {
    const { live } = start();
    await send(live, 'hi').turn.done;
    await expect(live.control({ subtype: 'set_model', model: 'sonnet' })).resolves.toEqual({ model: 'resolved-sonnet' });
    await expect(live.control({ subtype: 'bogus' })).rejects.toThrow('Unsupported control request subtype: bogus');
  });

  it('a missing executable fails the turn as cli_not_found', async () => {
    const live = new LiveSession({ bin: path.join(dir, 'no-such-claude'), args: [], cwd: dir, env: { PATH: '' } });
    sessions.push(live);
    expect(await send(live, 'x').turn.done).toMatchObject({ ok: false, error: { code: 'cli_not_found' } });
    expect(live.state).toBe('crashed');
  });
});
