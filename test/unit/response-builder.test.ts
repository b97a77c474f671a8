/**
 * ResponseBuilder on generated runs: whatever order thinking, text and tool calls come in, and
 * however the run ends, the events are numbered without a gap, every item is added once and done
 * once, and no function_call is left without its function_call_output.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../common/run-event';
import { ApiError } from '../../main/server/openai-errors';
import type { ProgressEvent } from '../../main/server/progress';
import { ResponseBuilder, type ResponseEvent, type ToolItems } from '../../main/server/responses/response-builder';
import { random } from '../support/fuzz';
import { unpairedCalls, type Item } from '../support/responses-checks';

const result: RunResult = {
  isError: false,
  subtype: 'success',
  text: 'final',
  errors: [],
  sessionId: 's',
  usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 7, cacheCreationTokens: 3, thinkingTokens: 2 },
  costUsd: 0.01,
  durationMs: 1,
  numTurns: 1,
  apiErrorStatus: null,
  apiFailed: false,
};

const fields = { id: 'resp_1', model: 'helix-consultant', instructions: null, previousResponseId: null, metadata: {}, maxOutputTokens: null };

function generatedRun(seed: number): ProgressEvent[] {
  const next = random(seed);
  const events: ProgressEvent[] = [];
  const open: string[] = [];
  for (let i = 0; i < 40; i++) {
    const pick = next();
    if (pick < 0.25) events.push({ type: 'text', text: `t${i} ` });
    else if (pick < 0.4) events.push({ type: 'thinking', text: `th${i} ` });
    else if (pick < 0.6) {
      const id = `toolu_${seed}_${i}`;
      open.push(id);
      events.push({ type: 'tool_use', id, name: next() < 0.2 ? 'Task' : 'Bash', title: 'x', input: { command: 'echo', description: 'd' } });
    } else if (pick < 0.8 && open.length > 0) {
      const id = open.splice(Math.floor(next() * open.length), 1)[0]!;
      events.push({ type: 'tool_result', id, name: 'Bash', title: 'x', outcome: 'exit 0', isError: next() < 0.3, output: 'out' });
    } else if (pick < 0.85) events.push({ type: 'tool_result', id: 'never-started', name: 'Bash', title: 'x', outcome: 'x', isError: false });
    else if (pick < 0.9) events.push({ type: 'text_discarded' });
    else events.push({ type: 'retry', attempt: 1, maxRetries: 3, delayMs: 10, httpStatus: 500, error: '' });
  }
  return events;
}

function run(seed: number, toolItems: ToolItems, end: 'completed' | 'failed'): { events: ResponseEvent[]; builder: ResponseBuilder } {
  const builder = new ResponseBuilder(fields, toolItems);
  const events = [...builder.started()];
  for (const event of generatedRun(seed)) events.push(...builder.event(event));
  events.push(...(end === 'completed' ? builder.completed(result, '') : builder.failed(new ApiError(504, 'over the time limit', 'timeout_error', 'timeout'))));
  return { events, builder };
}

describe('ResponseBuilder', () => {
  it.each(['function_call', 'mcp_call'] as const)('keeps its invariants on 200 generated runs (%s items)', (toolItems) => {
    for (let seed = 1; seed <= 200; seed++) {
      const end = seed % 3 === 0 ? 'failed' : 'completed';
      const { events } = run(seed, toolItems, end);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events.at(-1)!.type).toBe(`response.${end}`);
      const final = (events.at(-1)!.response as { output: Item[] }).output;
      const added = events.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index);
      const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.output_index);
      expect(added).toEqual(final.map((_, i) => i));
      expect([...done].sort((a, b) => Number(a) - Number(b))).toEqual(added);
      expect(unpairedCalls(final)).toEqual([]);
      for (const item of final) {
        if (item.type === 'function_call' || item.type === 'mcp_call' || item.type === 'message') expect(['completed', 'failed'], JSON.stringify(item)).toContain(item.status);
        if (item.type === 'function_call_output') expect(item.output).toEqual([{ type: 'input_text', text: expect.any(String) }]);
      }
      if (toolItems === 'mcp_call') expect(final.some((i) => i.type === 'function_call' || i.type === 'function_call_output')).toBe(false);
      // A delta always names an item that was added before it, at its index.
      const ids = new Map(events.filter((e) => e.type === 'response.output_item.added').map((e) => [(e.item as Item).id, e.output_index]));
      for (const e of events.filter((e) => e.type.endsWith('.delta'))) expect(ids.get(String(e.item_id))).toBe(e.output_index);
    }
  });

  it('reports usage as the Responses API counts it: input with cached tokens, cost', () => {
    const { events } = run(1, 'mcp_call', 'completed');
    expect((events.at(-1)!.response as { usage: unknown }).usage).toEqual({
      input_tokens: 20,
      input_tokens_details: { cached_tokens: 7 },
      output_tokens: 5,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 25,
      cost: 0.01,
    });
  });

  it('an answer given only as the result text becomes a message', () => {
    const builder = new ResponseBuilder(fields, 'function_call');
    builder.started();
    const events = builder.completed(result, 'the recorded answer');
    const final = (events.at(-1)!.response as { output: Item[] }).output;
    expect(final).toMatchObject([{ type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'the recorded answer' }] }]);
  });

  it('later events do not change what an earlier event said', () => {
    const builder = new ResponseBuilder(fields, 'function_call');
    const [created] = builder.started();
    builder.event({ type: 'text', text: 'hello' });
    builder.completed(result, '');
    expect((created!.response as { output: unknown[]; status: string })).toMatchObject({ output: [], status: 'in_progress' });
  });
});
