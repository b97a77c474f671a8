/**
 * Open WebUI 0.11 with a connection of API type "Responses", as far as Helix sees it, ported
 * from its source: `convert_to_responses_payload` (routers/openai.py) builds the request from the
 * chat (earlier assistant messages carry the output items Open WebUI stored, replayed with only
 * the fields RESPONSES_ALLOWED_FIELDS keeps), `handle_responses_streaming_event`
 * (utils/middleware.py) builds the message's output from the stream, and its tool rule: a
 * function_call with no function_call_output of the same call_id is run as Open WebUI's own tool.
 */
import type { Harness } from './helix-harness';
import type { Item } from './responses-checks';

type ChatMessage = { role: string; content: string; output?: Item[] };

const RESPONSES_ALLOWED_FIELDS: Record<string, string[]> = {
  message: ['type', 'role', 'content'],
  function_call: ['type', 'call_id', 'name', 'arguments', 'id'],
  function_call_output: ['type', 'call_id', 'output'],
};

/** Open WebUI's built-in tools, which it injects in Native function-calling mode (the default since 0.10). */
const BUILTIN_TOOLS = [
  { type: 'function', function: { name: 'get_current_timestamp', description: 'Get the current time', parameters: { type: 'object', properties: {} } } },
  { type: 'function', function: { name: 'search_chats', description: "Search the user's chats", parameters: { type: 'object', properties: { query: { type: 'string' } } } } },
];

function normalizeStoredItem(item: Item): Item {
  const allowed = RESPONSES_ALLOWED_FIELDS[item.type];
  if (!allowed) return item;
  return Object.fromEntries(Object.entries(item).filter(([key]) => allowed.includes(key))) as Item;
}

/** Port of convert_to_responses_payload. */
export function convertToResponsesPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const { messages, ...rest } = payload as { messages: ChatMessage[] } & Record<string, unknown>;
  let system = '';
  const input: unknown[] = [];
  for (const message of messages) {
    if (Array.isArray(message.output) && message.output.length > 0) {
      input.push(...message.output.map(normalizeStoredItem));
      continue;
    }
    if (message.role === 'system') {
      system = message.content;
      continue;
    }
    const textType = message.role === 'assistant' ? 'output_text' : 'input_text';
    input.push({ type: 'message', role: message.role, content: [{ type: textType, text: message.content }] });
  }
  const body: Record<string, unknown> = { ...rest, input };
  if (system) body.instructions = system;
  if ('max_tokens' in body) {
    body.max_output_tokens = body.max_tokens;
    delete body.max_tokens;
  }
  for (const key of ['stream_options', 'logit_bias', 'frequency_penalty', 'presence_penalty', 'stop']) delete body[key];
  if (Array.isArray(body.tools)) {
    body.tools = (body.tools as Array<{ type: string; function?: Record<string, unknown> }>).map((tool) => (tool.function ? { type: tool.type, ...tool.function } : tool));
  }
  return body;
}

/** Port of handle_responses_streaming_event: the message's output after one event. */
export function applyResponsesEvent(data: Record<string, unknown>, output: Item[]): { output: Item[]; done?: boolean; error?: unknown; responseId?: string; usage?: unknown } {
  const type = String(data.type);
  const at = (data.output_index as number | undefined) ?? output.length - 1;
  const next = output.map((item) => structuredClone(item));
  const item = next[at];
  if (type === 'response.output_item.added') return { output: [...next, data.item as Item] };
  if (type === 'response.content_part.added' && item) {
    if (item.type !== 'reasoning') item.content = [...((item.content as unknown[]) ?? []), data.part];
    return { output: next };
  }
  if (type === 'response.reasoning_summary_part.added' && item) {
    item.summary = [...((item.summary as unknown[]) ?? []), data.part];
    return { output: next };
  }
  if (type.endsWith('.delta') && item) {
    const kind = type.split('.')[1];
    if (kind === 'function_call_arguments' && item.type === 'function_call') item.arguments = String(item.arguments ?? '') + String(data.delta);
    else if (item.type === 'message' && (kind === 'output_text' || kind === 'text')) {
      const parts = ((item.content as Array<{ text?: string }>) ??= []);
      const index = (data.content_index as number | undefined) ?? 0;
      while (parts.length <= index) parts.push({ text: '' });
      parts[index]!.text = (parts[index]!.text ?? '') + String(data.delta);
    } else if (item.type === 'reasoning' && kind === 'reasoning_summary_text') {
      const parts = ((item.summary as Array<{ text?: string }>) ??= []);
      const index = (data.summary_index as number | undefined) ?? 0;
      while (parts.length <= index) parts.push({ text: '' });
      parts[index]!.text = (parts[index]!.text ?? '') + String(data.delta);
    }
    return { output: next };
  }
  if (type === 'response.output_item.done') {
    if (data.item && at >= 0 && at < next.length) next[at] = data.item as Item;
    else if (data.item) next.push(data.item as Item);
    return { output: next };
  }
  if (type === 'response.completed') {
    const response = data.response as { output?: Item[]; usage?: unknown; id?: string };
    return { output: response.output ?? next, done: true, usage: response.usage, responseId: response.id };
  }
  if (type === 'response.failed') return { output: next, error: (data.response as { error?: unknown }).error ?? {} };
  return { output: next };
}

/** The function_calls Open WebUI would run itself: no function_call_output with their call_id. */
export function callsOpenWebUiWouldRun(output: Item[]): Item[] {
  const answered = new Set(output.filter((item) => item.type === 'function_call_output').map((item) => item.call_id));
  return output.filter((item) => item.type === 'function_call' && !answered.has(item.call_id));
}

export interface TurnResult {
  status: number;
  output: Item[];
  statuses: Array<{ description: string; done: boolean }>;
  error?: unknown;
  usage?: unknown;
  /** True when the stream ended with response.completed (or response.failed). */
  ended: boolean;
  /** What Open WebUI sent. */
  request: Record<string, unknown>;
}

/** One chat in Open WebUI, with the connection headers the README sets up. */
export class OpenWebUiChat {
  readonly messages: ChatMessage[] = [];

  constructor(
    private readonly h: Harness,
    readonly chatId: string,
    private readonly system?: string,
  ) {}

  /** A user turn, streamed; the assistant message (its text and output items) is kept as Open WebUI stores it. */
  async send(text: string, options: { signal?: AbortSignal; onEvent?: (data: Record<string, unknown>) => void } = {}): Promise<TurnResult> {
    this.messages.push({ role: 'user', content: text });
    const payload = {
      model: 'helix-consultant',
      messages: [...(this.system ? [{ role: 'system', content: this.system }] : []), ...this.messages],
      stream: true,
      stream_options: { include_usage: true },
      tools: BUILTIN_TOOLS,
    };
    const request = convertToResponsesPayload(payload);
    const result: TurnResult = { status: 0, output: [], statuses: [], ended: false, request };
    try {
      const response = await this.h.api('/v1/responses', { method: 'POST', body: JSON.stringify(request), headers: this.headers(''), signal: options.signal });
      result.status = response.status;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (!line.startsWith('data:')) continue; // comments (keep-alives) and event: lines are skipped
          const data = JSON.parse(line.slice(5).trim()) as Record<string, unknown>;
          options.onEvent?.(data);
          if (data.event) result.statuses.push((data.event as { data: { description: string; done: boolean } }).data);
          if (String(data.type ?? '').startsWith('response.')) {
            const applied = applyResponsesEvent(data, result.output);
            result.output = applied.output;
            if (applied.done) {
              result.ended = true;
              result.usage = applied.usage;
            }
            if (applied.error) {
              result.ended = true;
              result.error = applied.error;
            }
          }
        }
      }
    } catch (error) {
      if (!options.signal?.aborted) throw error;
    }
    // Open WebUI stores what it got, also when the stop button cut it short.
    const content = result.output
      .filter((item) => item.type === 'message')
      .map((item) => (item.content as Array<{ text?: string }>).map((part) => part.text ?? '').join(''))
      .join('');
    this.messages.push({ role: 'assistant', content, output: result.output });
    return result;
  }

  /** A background task (title, tags, follow-ups): non-streamed, one user message, the answer read from output_text parts. */
  async task(task: string, prompt: string): Promise<{ status: number; content: string }> {
    const request = convertToResponsesPayload({ model: 'helix-consultant', messages: [{ role: 'user', content: prompt }], stream: false, max_tokens: 1000 });
    const response = await this.h.api('/v1/responses', { method: 'POST', body: JSON.stringify(request), headers: this.headers(task) });
    const body = (await response.json()) as { output?: Item[] };
    // convert_responses_result
    let content = '';
    for (const item of body.output ?? []) if (item.type === 'message') for (const part of item.content as Array<{ type: string; text: string }>) if (part.type === 'output_text') content += part.text;
    return { status: response.status, content };
  }

  /** The connection's custom headers: {"X-Helix-Chat-Id": "{{CHAT_ID}}", "X-Helix-Task": "{{TASK}}"} (an empty task for a chat turn). */
  private headers(task: string): Record<string, string> {
    return { 'x-helix-chat-id': this.chatId, 'x-helix-task': task };
  }
}
