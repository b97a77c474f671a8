/**
 * OpenAI Chat Completions answers as Anthropic Messages answers: a whole response, or a stream
 * translated chunk by chunk into Anthropic's event sequence (message_start, content blocks for
 * thinking, text and tool_use with input_json_delta, message_delta with the stop reason and the
 * upstream's real usage, message_stop).
 */

type Json = Record<string, unknown>;

export interface AnthropicEvent {
  type: string;
  [key: string]: unknown;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}

const STOP_REASONS: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', function_call: 'tool_use', content_filter: 'refusal' };

export function toUsage(usage: unknown): Usage {
  const u = (usage ?? {}) as Json;
  const cached = ((u.prompt_tokens_details ?? {}) as Json).cached_tokens;
  const prompt = typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0;
  const cachedTokens = typeof cached === 'number' ? cached : 0;
  return {
    input_tokens: prompt - cachedTokens,
    output_tokens: typeof u.completion_tokens === 'number' ? u.completion_tokens : 0,
    ...(cachedTokens > 0 ? { cache_read_input_tokens: cachedTokens } : {}),
  };
}

/** A non-streaming completion as an Anthropic message. */
export function toAnthropicMessage(completion: Json, model: string): Json {
  const choice = ((completion.choices as Json[] | undefined)?.[0] ?? {}) as Json;
  const message = (choice.message ?? {}) as Json;
  const content: Json[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (typeof message.content === 'string' && message.content) content.push({ type: 'text', text: message.content });
  for (const call of (message.tool_calls as Json[] | undefined) ?? []) {
    const fn = (call.function ?? {}) as Json;
    content.push({ type: 'tool_use', id: call.id ?? toolId(), name: fn.name, input: parseArguments(fn.arguments) });
  }
  const hasTools = content.some((b) => b.type === 'tool_use');
  return {
    id: `msg_${String(completion.id ?? crypto.randomUUID())}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: hasTools ? 'tool_use' : (STOP_REASONS[String(choice.finish_reason)] ?? 'end_turn'),
    stop_sequence: null,
    usage: toUsage(completion.usage),
  };
}

/** Translates one streamed completion; feed it every parsed chunk, then call end(). */
export class StreamTranslator {
  private started = false;
  private open: { kind: 'text' | 'thinking' | 'tool'; index: number; toolIndex?: number; toolId?: string } | undefined;
  private nextIndex = 0;
  private stopReason: string | undefined;
  private sawTool = false;
  private reported: Usage | undefined;

  constructor(private readonly model: string) {}

  /** The upstream's usage from the last chunk that reported it, if any did. */
  get usage(): Usage | undefined {
    return this.reported;
  }

  chunk(chunk: Json): AnthropicEvent[] {
    const out = this.start(chunk);
    if (chunk.usage) this.reported = toUsage(chunk.usage);
    const choice = ((chunk.choices as Json[] | undefined)?.[0] ?? undefined) as Json | undefined;
    if (!choice) return out;
    const delta = (choice.delta ?? {}) as Json;

    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning) {
      out.push(...this.openBlock('thinking', { type: 'thinking', thinking: '', signature: '' }));
      out.push(this.delta({ type: 'thinking_delta', thinking: reasoning }));
    }
    if (typeof delta.content === 'string' && delta.content) {
      out.push(...this.openBlock('text', { type: 'text', text: '' }));
      out.push(this.delta({ type: 'text_delta', text: delta.content }));
    }
    for (const call of (delta.tool_calls as Json[] | undefined) ?? []) {
      const toolIndex = typeof call.index === 'number' ? call.index : 0;
      const fn = (call.function ?? {}) as Json;
      // Some providers number parallel calls all 0 (or not at all): a new id is a new call too.
      const newId = typeof call.id === 'string' && call.id !== this.open?.toolId;
      if (this.open?.kind !== 'tool' || this.open.toolIndex !== toolIndex || newId) {
        out.push(...this.closeBlock());
        const id = typeof call.id === 'string' ? call.id : toolId();
        this.open = { kind: 'tool', index: this.nextIndex++, toolIndex, toolId: id };
        this.sawTool = true;
        out.push({ type: 'content_block_start', index: this.open.index, content_block: { type: 'tool_use', id, name: fn.name ?? '', input: {} } });
      }
      if (typeof fn.arguments === 'string' && fn.arguments) out.push(this.delta({ type: 'input_json_delta', partial_json: fn.arguments }));
    }
    if (typeof choice.finish_reason === 'string') this.stopReason = STOP_REASONS[choice.finish_reason] ?? 'end_turn';
    return out;
  }

  /** The closing events, once the upstream stream has ended. */
  end(): AnthropicEvent[] {
    const out = [...this.start({}), ...this.closeBlock()];
    const stopReason = this.sawTool ? 'tool_use' : (this.stopReason ?? 'end_turn');
    out.push({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: this.reported ?? { input_tokens: 0, output_tokens: 0 } });
    out.push({ type: 'message_stop' });
    return out;
  }

  private start(chunk: Json): AnthropicEvent[] {
    if (this.started) return [];
    this.started = true;
    const id = `msg_${String(chunk.id ?? crypto.randomUUID())}`;
    return [{ type: 'message_start', message: { id, type: 'message', role: 'assistant', model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } }];
  }

  private openBlock(kind: 'text' | 'thinking', contentBlock: Json): AnthropicEvent[] {
    if (this.open?.kind === kind) return [];
    const out = this.closeBlock();
    this.open = { kind, index: this.nextIndex++ };
    out.push({ type: 'content_block_start', index: this.open.index, content_block: contentBlock });
    return out;
  }

  private closeBlock(): AnthropicEvent[] {
    if (!this.open) return [];
    const out: AnthropicEvent[] = [];
    if (this.open.kind === 'thinking') out.push(this.delta({ type: 'signature_delta', signature: '' }));
    out.push({ type: 'content_block_stop', index: this.open.index });
    this.open = undefined;
    return out;
  }

  private delta(delta: Json): AnthropicEvent {
    return { type: 'content_block_delta', index: this.open?.index ?? 0, delta };
  }
}

function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string' || !value.trim()) return {};
  try {
    return JSON.parse(value);
  } catch {
    return {};
  }
}

function toolId(): string {
  return `toolu_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** An upstream HTTP error as Anthropic's error type for that status. */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 422) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return 'api_error';
}
