/** Reading /v1/responses streams in tests, and the invariants every such stream must keep. */
import { expect } from 'vitest';
import { parseSse, type Harness } from './helix-harness';

export type ResponseEvent = Record<string, unknown> & { type?: string; sequence_number?: number };
export type Item = Record<string, unknown> & { type: string; id?: string; call_id?: string };

export const responsesBody = (input: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'helix-consultant', stream: true, input, ...extra });

/** Open WebUI's headers as its connection is set up for Helix (README): chat id, task and message. */
export const owuiHeaders = (chatId: string, task = ''): Record<string, string> => ({ 'x-helix-chat-id': chatId, 'x-helix-task': task });

export async function streamResponse(h: Harness, body: string, headers: Record<string, string> = {}): Promise<{ status: number; events: ResponseEvent[]; comments: string[] }> {
  const response = await h.api('/v1/responses', { method: 'POST', body, headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')) });
  const text = await response.text();
  const { events, comments } = parseSse(text);
  return { status: response.status, events: events as ResponseEvent[], comments };
}

/** The `response.*` and `error` events (Open WebUI's `{"event":…}` status lines left out). */
export const responseEvents = (events: ResponseEvent[]): ResponseEvent[] => events.filter((e) => typeof e.type === 'string');

export const statusLines = (events: ResponseEvent[]): Array<{ description: string; done: boolean }> =>
  events.filter((e) => 'event' in e).map((e) => (e.event as { data: { description: string; done: boolean } }).data);

/** The final response object (of response.completed or response.failed). */
export function finalResponse(events: ResponseEvent[]): Record<string, unknown> & { output: Item[]; status: string } {
  const last = responseEvents(events).at(-1);
  expect(['response.completed', 'response.failed']).toContain(last?.type);
  return last!.response as Record<string, unknown> & { output: Item[]; status: string };
}

/** What Open WebUI would have built from the stream's item events, in output order. */
export function assembledOutput(events: ResponseEvent[]): Item[] {
  const output: Item[] = [];
  for (const e of responseEvents(events)) {
    if (e.type === 'response.output_item.added' || e.type === 'response.output_item.done') output[e.output_index as number] = e.item as Item;
  }
  return output;
}

/**
 * Checks every stream must pass: sequence numbers count up from 0 without a gap, and no
 * function_call is left without a function_call_output of the same call_id (Open WebUI would
 * run it as one of its own tools) — neither in the events nor in the final response.
 */
export function checkResponseStream(events: ResponseEvent[]): void {
  const typed = responseEvents(events);
  expect(typed.map((e) => e.sequence_number)).toEqual(typed.map((_, i) => i));
  expect(typed[0]?.type).toBe('response.created');
  const ended = typed.some((e) => e.type === 'response.completed' || e.type === 'response.failed');
  // A final response too long for one line leaves its output out (see responses-route.ts).
  const finalOutput = ended ? finalResponse(events).output : undefined;
  for (const output of [assembledOutput(events), ...(finalOutput ? [finalOutput] : [])]) {
    expect(unpairedCalls(output), JSON.stringify(output)).toEqual([]);
  }
}

/** call_ids of function_call items with no function_call_output after them. */
export function unpairedCalls(output: Item[]): string[] {
  return output
    .map((item, index) => ({ item, index }))
    .filter(({ item, index }) => item.type === 'function_call' && !output.slice(index + 1).some((o) => o.type === 'function_call_output' && o.call_id === item.call_id))
    .map(({ item }) => String(item.call_id));
}

export const outputText = (output: Item[]): string =>
  output
    .filter((item) => item.type === 'message')
    .flatMap((item) => item.content as Array<{ type: string; text: string }>)
    .filter((part) => part.type === 'output_text')
    .map((part) => part.text)
    .join('');

export const toolOutputText = (item: Item): string => (item.output as Array<{ text: string }>).map((p) => p.text).join('');
