import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/run-event';
import { CliEventMapper } from '../../main/runner/event-mapper';
import { StreamJsonParser } from '../../main/runner/stream-json';
import { claudeFixture, FIXTURE_CWD } from '../support/fixtures';

function mapFixture(name: Parameters<typeof claudeFixture>[0]): RunEvent[] {
  const mapper = new CliEventMapper('/somewhere/else');
  return new StreamJsonParser().push(claudeFixture(name)).flatMap((l) => (l.kind === 'event' ? mapper.map(l.event) : []));
}

const answer = (events: RunEvent[]): string => events.map((e) => (e.type === 'text' ? e.text : '')).join('');

describe('CliEventMapper on real CLI output', () => {
  it('streams a plain answer token by token, once, then the result with real usage', () => {
    const events = mapFixture('text');
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThan(3);
    expect(answer(events)).toBe('Hello from the fake model. This answer arrives in small pieces.');
    const result = events.at(-1);
    expect(result?.type).toBe('result');
    if (result?.type !== 'result') return;
    expect(result.result.isError).toBe(false);
    expect(result.result.usage.inputTokens).toBe(100);
    expect(result.result.usage.outputTokens).toBe(20);
    expect(result.result.costUsd).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ type: 'started', model: 'claude-sonnet-4-5', cwd: FIXTURE_CWD, apiKeySource: 'ANTHROPIC_API_KEY' });
  });

  it('relays thinking, narration, each tool call and its outcome, then the final answer', () => {
    const events = mapFixture('tools');
    const kinds = events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);
    expect(kinds).toEqual(['started', 'thinking', 'text', 'tool_use', 'tool_result', 'text', 'result']);
    expect(events.filter((e) => e.type === 'thinking').map((e) => (e.type === 'thinking' ? e.text : '')).join('')).toBe(
      'The user wants a file read and a command run.',
    );
    const tools = events.filter((e) => e.type === 'tool_use' || e.type === 'tool_result');
    expect(tools.map((e) => (e.type === 'tool_result' ? `${e.title} — ${e.outcome}` : e.type === 'tool_use' ? e.title : ''))).toEqual([
      'Read hello.txt',
      'Bash: echo hi',
      'Read hello.txt — 3 lines',
      'Bash: echo hi — exit 0',
    ]);
    // The final text block is a new paragraph after the tools, and nothing is relayed twice.
    expect(answer(events)).toBe('I will use tools.\n\nFinal answer after tools.');
  });

  it('turns an auth failure into a retry event and an error result with the HTTP status', () => {
    const events = mapFixture('auth-401');
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ httpStatus: 401, attempt: 1 });
    expect(answer(events)).toBe(''); // the CLI's synthetic error message is not answer text
    const result = events.at(-1);
    expect(result).toMatchObject({ type: 'result', result: { isError: true, apiErrorStatus: 401, apiFailed: true } });
  });

  it('reports a server error after retries as a failed API call', () => {
    const result = mapFixture('error-500').at(-1);
    expect(result).toMatchObject({ type: 'result', result: { isError: true, apiErrorStatus: 500 } });
  });

  it('relays a complete block that was never streamed (non-streaming fallback), and flags discarded text', () => {
    const mapper = new CliEventMapper('/w');
    const map = (e: object): RunEvent[] => mapper.map(e as never);
    map({ type: 'stream_event', event: { type: 'message_start', message: { id: 'm1' } } });
    map({ type: 'stream_event', event: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } });
    expect(map({ type: 'stream_event', event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial' } } })).toEqual([
      { type: 'text', text: 'partial' },
    ]);
    expect(map({ type: 'stream_event', event: { type: 'message_stop' }, abandoned_blocks: { from_block_index: 0 } })).toEqual([
      { type: 'text_discarded' },
    ]);
    const fallback = map({ type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'Full answer.' }] } });
    expect(fallback).toEqual([{ type: 'text', text: '\n\nFull answer.' }]);
  });

  it('ignores event types it does not know', () => {
    const mapper = new CliEventMapper('/w');
    expect(mapper.map({ type: 'rate_limit_event' })).toEqual([]);
    expect(mapper.map({ type: 'system', subtype: 'hook_started' })).toEqual([]);
  });

  it('keeps which Task a sub-agent\'s tool call and result belong to (parent_tool_use_id), and none for the main agent\'s', () => {
    const mapper = new CliEventMapper('/w');
    const map = (e: object): RunEvent[] => mapper.map(e as never);
    const task = map({ type: 'assistant', parent_tool_use_id: null, message: { id: 'm1', content: [{ type: 'tool_use', id: 'toolu_task', name: 'Task', input: { description: 'Look around', prompt: 'List files' } }] } });
    expect(task).toEqual([{ type: 'tool_use', id: 'toolu_task', name: 'Task', title: 'Agent: Look around', input: { description: 'Look around', prompt: 'List files' } }]);
    const inner = map({ type: 'assistant', parent_tool_use_id: 'toolu_task', message: { id: 'm2', content: [{ type: 'tool_use', id: 'toolu_ls', name: 'Bash', input: { command: 'ls' } }] } });
    expect(inner).toEqual([{ type: 'tool_use', id: 'toolu_ls', name: 'Bash', title: 'Bash: ls', input: { command: 'ls' }, parentId: 'toolu_task' }]);
    const innerResult = map({ type: 'user', parent_tool_use_id: 'toolu_task', message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_ls', content: 'a.txt' }] }, tool_use_result: { stdout: 'a.txt', interrupted: false } });
    expect(innerResult).toEqual([{ type: 'tool_result', id: 'toolu_ls', name: 'Bash', title: 'Bash: ls', outcome: 'exit 0', isError: false, output: 'a.txt', parentId: 'toolu_task' }]);
    const taskResult = map({ type: 'user', parent_tool_use_id: null, message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_task', content: 'Found a.txt' }] } });
    expect(taskResult[0]).not.toHaveProperty('parentId');
  });
});
