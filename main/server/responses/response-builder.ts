/**
 * A turn as an OpenAI Responses object and its stream of events. Claude Code's output becomes
 * output items in the order it happened: `reasoning` (thinking), `message` (answer text, a new
 * item after each tool), and one item per tool call, already run by Claude Code:
 *
 *  - `function_call` + `function_call_output` with the same call_id (Open WebUI): Open WebUI
 *    executes a function_call that has no output with its call_id, and only displays a paired one
 *    (a card, loading until its output arrives). So every call gets its output before the
 *    response ends — a tool that never returned (cancel, timeout, crash) gets one saying so.
 *  - `mcp_call` (every other client): the Responses item for a tool the server ran, with its
 *    output; SDKs show it and never ask the caller to execute it, while a bare function_call
 *    would be a request to run a client-side function.
 *
 * Every event has a sequence_number; the same builder makes the one-shot response.
 */
import type { RunResult } from '../../../common/run-event';
import { splitText, toOpenAiUsage } from '../chunks';
import type { ApiError } from '../openai-errors';
import type { ProgressEvent } from '../progress';

export type ToolItems = 'function_call' | 'mcp_call';

interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD, as reported by Claude Code. */
  cost: number;
}

type OutputItem = Record<string, unknown> & { type: string; id: string };
export type ResponseEvent = Record<string, unknown> & { type: string; sequence_number: number };

export interface ResponseFields {
  id: string;
  model: string;
  instructions: string | null;
  previousResponseId: string | null;
  metadata: Record<string, string>;
  maxOutputTokens: number | null;
}

/** Longest string kept per tool argument: a Write tool's whole file does not belong in a card. */
const MAX_ARGUMENT = 4000;
/** Name Open WebUI labels "Sub-agent" for a Claude Code Task/Agent call. */
const SUB_AGENT = 'delegate_task';
const DISCARDED_NOTE = 'The provider stalled: the partial answer text above was discarded by Claude Code and is given again below.';

/**
 * Text an item holds before the next piece starts a new item (bytes, as JSON): its done events
 * repeat the whole text, and each must stay one SSE line well under Open WebUI's 128 KiB limit.
 */
const MAX_ITEM_TEXT_BYTES = 24 * 1024;

type Open = { kind: 'message' | 'reasoning'; index: number; item: OutputItem; text: string; bytes: number };
type PendingTool = { index: number; item: OutputItem; startedAt: number };

export class ResponseBuilder {
  private sequence = 0;
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private output: OutputItem[] = [];
  private open: Open | undefined;
  private readonly tools = new Map<string, PendingTool>();
  private status: 'in_progress' | 'completed' | 'failed' = 'in_progress';
  private usage: ResponseUsage | null = null;
  private error: { code: string; message: string } | null = null;

  constructor(
    private readonly fields: ResponseFields,
    private readonly toolItems: ToolItems,
  ) {}

  /** The response as it stands: the body of a one-shot answer and of the lifecycle events. */
  response(): Record<string, unknown> {
    return {
      id: this.fields.id,
      object: 'response',
      created_at: this.createdAt,
      status: this.status,
      background: false,
      error: this.error,
      incomplete_details: null,
      instructions: this.fields.instructions,
      max_output_tokens: this.fields.maxOutputTokens,
      model: this.fields.model,
      output: this.output,
      parallel_tool_calls: true,
      previous_response_id: this.fields.previousResponseId,
      reasoning: null,
      store: true,
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: this.usage,
      metadata: this.fields.metadata,
    };
  }

  started(): ResponseEvent[] {
    return [this.lifecycle('response.created'), this.lifecycle('response.in_progress')];
  }

  /** The output events for one event of the run (progress-only events make none). */
  event(event: ProgressEvent): ResponseEvent[] {
    switch (event.type) {
      case 'text':
        return this.appendText('message', event.text);
      case 'thinking':
        return this.appendText('reasoning', event.text);
      case 'text_discarded':
        return [...this.closeOpen(), ...this.appendText('reasoning', DISCARDED_NOTE), ...this.closeOpen()];
      case 'tool_use':
        return this.toolStarted(event.id, event.name, event.input);
      case 'tool_result':
        return this.toolEnded(event.id, toolResultText(event.outcome, event.output, event.isError), event.isError);
      default:
        return [];
    }
  }

  /** Ends the response with the run's answer and usage. */
  completed(result: RunResult, fallbackText: string): ResponseEvent[] {
    const events = this.closeTools('the run ended before this tool returned');
    // A replayed or one-shot answer may come only as the result's text.
    if (!this.output.some((item) => item.type === 'message') && fallbackText) events.push(...this.appendText('message', fallbackText));
    events.push(...this.closeOpen());
    const usage = toOpenAiUsage(result);
    this.usage = {
      input_tokens: usage.prompt_tokens,
      input_tokens_details: { cached_tokens: usage.prompt_tokens_details.cached_tokens },
      output_tokens: usage.completion_tokens,
      output_tokens_details: { reasoning_tokens: usage.completion_tokens_details.reasoning_tokens },
      total_tokens: usage.total_tokens,
      cost: usage.cost,
    };
    this.status = 'completed';
    events.push(this.lifecycle('response.completed'));
    return events;
  }

  /**
   * Ends the response with an approval's question (settings.approvals.in_chat): the tool call
   * it asks about is closed as waiting (a client must not run it itself), the question is the
   * message's end, and the turn goes on for the reply that answers it.
   */
  handedOff(question: string): ResponseEvent[] {
    const events = this.closeTools('waiting for your approval: reply in this chat');
    events.push(...this.appendText('message', question), ...this.closeOpen());
    this.status = 'completed';
    events.push(this.lifecycle('response.completed'));
    return events;
  }

  /** Ends the response with the run's error: every open item and tool call is closed first. */
  failed(error: ApiError): ResponseEvent[] {
    const events = [...this.closeTools(error.message), ...this.closeOpen()];
    this.status = 'failed';
    this.error = { code: error.code ?? 'server_error', message: error.message };
    events.push(this.lifecycle('response.failed'));
    return events;
  }

  /** Drops the answer text so far: a one-shot answer takes back what the CLI discarded. */
  discardText(): void {
    this.open = undefined;
    this.output = this.output.filter((item) => item.type !== 'message');
  }

  get totalTokens(): number | undefined {
    return this.usage?.total_tokens;
  }

  private next<T extends Record<string, unknown>>(type: string, body: T): ResponseEvent {
    const event = { type, sequence_number: this.sequence, ...body };
    this.sequence += 1;
    return event;
  }

  private lifecycle(type: string): ResponseEvent {
    // A copy: later events must not change what an earlier one said.
    return this.next(type, { response: structuredClone(this.response()) });
  }

  private addItem(item: OutputItem): { index: number; event: ResponseEvent } {
    const index = this.output.length;
    this.output.push(item);
    return { index, event: this.next('response.output_item.added', { output_index: index, item: structuredClone(item) }) };
  }

  private itemDone(index: number): ResponseEvent {
    return this.next('response.output_item.done', { output_index: index, item: structuredClone(this.output[index]) });
  }

  private appendText(kind: Open['kind'], text: string): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    if (this.open?.kind !== kind) {
      events.push(...this.closeOpen());
      events.push(...this.openItem(kind));
    }
    for (const piece of splitText(text)) {
      const bytes = Buffer.byteLength(JSON.stringify(piece));
      if ((this.open as Open).bytes > 0 && (this.open as Open).bytes + bytes > MAX_ITEM_TEXT_BYTES) events.push(...this.closeOpen(), ...this.openItem(kind));
      const open = this.open as Open;
      open.bytes += bytes;
      open.text += piece;
      if (kind === 'message') {
        (open.item.content as Array<{ text: string }>)[0]!.text = open.text;
        events.push(this.next('response.output_text.delta', { item_id: open.item.id, output_index: open.index, content_index: 0, delta: piece, logprobs: [] }));
      } else {
        (open.item.summary as Array<{ text: string }>)[0]!.text = open.text;
        events.push(this.next('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.index, summary_index: 0, delta: piece }));
      }
    }
    return events;
  }

  private openItem(kind: Open['kind']): ResponseEvent[] {
    if (kind === 'message') {
      const { index, event } = this.addItem({ id: itemId('msg'), type: 'message', role: 'assistant', status: 'in_progress', content: [] });
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      const item = this.output[index] as OutputItem;
      item.content = [{ ...part }];
      this.open = { kind, index, item, text: '', bytes: 0 };
      return [event, this.next('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part })];
    }
    const { index, event } = this.addItem({ id: itemId('rs'), type: 'reasoning', summary: [] });
    const part = { type: 'summary_text', text: '' };
    const item = this.output[index] as OutputItem;
    item.summary = [{ ...part }];
    item.started_at = Date.now();
    this.open = { kind, index, item, text: '', bytes: 0 };
    return [event, this.next('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part })];
  }

  private closeOpen(): ResponseEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const { item, index, text } = open;
    if (open.kind === 'message') {
      item.status = 'completed';
      const part = { type: 'output_text', text, annotations: [], logprobs: [] };
      return [
        this.next('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] }),
        this.next('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part }),
        this.itemDone(index),
      ];
    }
    item.status = 'completed';
    // Open WebUI shows "Thought for N seconds" from this.
    item.duration = Math.round((Date.now() - (item.started_at as number)) / 1000);
    delete item.started_at;
    const part = { type: 'summary_text', text };
    return [
      this.next('response.reasoning_summary_text.done', { item_id: item.id, output_index: index, summary_index: 0, text }),
      this.next('response.reasoning_summary_part.done', { item_id: item.id, output_index: index, summary_index: 0, part }),
      this.itemDone(index),
    ];
  }

  private toolStarted(callId: string, name: string, input: unknown): ResponseEvent[] {
    const events = this.closeOpen();
    const subAgent = name === 'Task' || name === 'Agent';
    const args = JSON.stringify(subAgent ? subAgentArguments(input) : clipStrings(input ?? {}));
    const toolName = subAgent ? SUB_AGENT : name;
    if (this.toolItems === 'function_call') {
      const { index, event } = this.addItem({ id: itemId('fc'), type: 'function_call', call_id: callId, name: toolName, arguments: '', status: 'in_progress' });
      const item = this.output[index] as OutputItem;
      item.arguments = args;
      this.tools.set(callId, { index, item, startedAt: Date.now() });
      events.push(
        event,
        this.next('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: args }),
        this.next('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: toolName, arguments: args }),
      );
      return events;
    }
    const { index, event } = this.addItem({ id: itemId('mcp'), type: 'mcp_call', server_label: 'claude_code', name: toolName, arguments: '', status: 'in_progress', output: null, error: null });
    const item = this.output[index] as OutputItem;
    item.arguments = args;
    this.tools.set(callId, { index, item, startedAt: Date.now() });
    events.push(
      event,
      this.next('response.mcp_call_arguments.delta', { item_id: item.id, output_index: index, delta: args }),
      this.next('response.mcp_call_arguments.done', { item_id: item.id, output_index: index, arguments: args }),
      this.next('response.mcp_call.in_progress', { item_id: item.id, output_index: index }),
    );
    return events;
  }

  private toolEnded(callId: string, text: string, isError: boolean): ResponseEvent[] {
    const tool = this.tools.get(callId);
    if (!tool) return [];
    this.tools.delete(callId);
    const { index, item } = tool;
    const events = this.closeOpen();
    if (this.toolItems === 'function_call') {
      item.status = 'completed';
      events.push(this.itemDone(index));
      // Open WebUI reads the output as content parts; a plain string would show an empty card.
      const output = { id: itemId('fco'), type: 'function_call_output', call_id: callId, output: [{ type: 'input_text', text }], status: isError ? 'incomplete' : 'completed' };
      const added = this.addItem(output);
      events.push(added.event, this.itemDone(added.index));
      return events;
    }
    item.status = isError ? 'failed' : 'completed';
    if (isError) item.error = text;
    else item.output = text;
    events.push(this.next(isError ? 'response.mcp_call.failed' : 'response.mcp_call.completed', { item_id: item.id, output_index: index }), this.itemDone(index));
    return events;
  }

  /** Tool calls that never returned get their outcome now: no call is left for the client to run. */
  private closeTools(why: string): ResponseEvent[] {
    const events: ResponseEvent[] = [];
    for (const callId of [...this.tools.keys()]) events.push(...this.toolEnded(callId, `Not finished: ${why}`, true));
    return events;
  }
}

export function itemId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;
}

function toolResultText(outcome: string, output: string | undefined, isError: boolean): string {
  const body = output?.trim() ? output : outcome;
  return isError && !body.startsWith('Error') ? `Error: ${body}` : body;
}

/** What Open WebUI's sub-agent card shows (its task), with Claude Code's own fields kept. */
function subAgentArguments(input: unknown): Record<string, unknown> {
  const fields = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const task = typeof fields.description === 'string' ? fields.description : typeof fields.prompt === 'string' ? fields.prompt : '';
  return { task, background: fields.run_in_background === true, ...(clipStrings(fields) as Record<string, unknown>) };
}

function clipStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_ARGUMENT ? `${value.slice(0, MAX_ARGUMENT)}… (${value.length - MAX_ARGUMENT} more characters)` : value;
  if (Array.isArray(value)) return value.map(clipStrings);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v)]));
  return value;
}
