/**
 * Builds the JSON objects of an OpenAI chat-completion stream (and the one-shot response).
 * Every chunk is a valid `chat.completion.chunk` with one choice, as strict clients (the openai
 * SDK's `chunk.choices[0]`, the Vercel AI SDK's schema) require; the only chunk with
 * `choices: []` is the usage chunk a client asks for with `stream_options.include_usage`, as
 * OpenAI sends it. Long text is cut into several chunks so no SSE line comes near the 64 KB
 * limit, even when every character needs a \uXXXX escape.
 */
import type { RunResult } from '../../common/run-event';

/** Characters of text per chunk: 8,192 × 6 bytes of worst-case escaping stays under 64 KB. */
export const MAX_TEXT_PER_CHUNK = 8192;
const MAX_STATUS = 300;

export interface Delta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  /** USD, as reported by Claude Code (the field OpenRouter uses; Open WebUI shows it). */
  cost: number;
}

export class ChunkBuilder {
  readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly model: string,
    id = `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`,
  ) {
    this.id = id;
  }

  private base(): { id: string; object: string; created: number; model: string } {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }

  /** The opening chunk: names the role before anything else is known. */
  role(): object {
    return { ...this.base(), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  }

  /** Text as one or more delta chunks. */
  text(kind: 'content' | 'reasoning_content', text: string): object[] {
    return splitText(text).map((piece) => ({
      ...this.base(),
      choices: [{ index: 0, delta: { [kind]: piece }, finish_reason: null }],
    }));
  }

  /**
   * An Open WebUI status line, travelling alongside an empty delta: Open WebUI reads `event`
   * before `choices`, other clients see a chunk that adds nothing.
   */
  status(description: string, done: boolean): object {
    const short = description.length > MAX_STATUS ? `${description.slice(0, MAX_STATUS - 1)}…` : description;
    return { ...this.base(), choices: [{ index: 0, delta: {}, finish_reason: null }], event: { type: 'status', data: { description: short, done } } };
  }

  finish(reason: 'stop' | 'length'): object {
    return { ...this.base(), choices: [{ index: 0, delta: {}, finish_reason: reason }] };
  }

  /** The last chunk when the client asked for usage: no choices, as OpenAI sends it. */
  usage(usage: OpenAiUsage): object {
    return { ...this.base(), choices: [], usage };
  }

  /** A whole answer; `reasoning` (thinking, progress) goes beside it, as reasoning models send it. */
  completion(content: string, reason: 'stop' | 'length', usage: OpenAiUsage, reasoning = ''): Record<string, unknown> & { usage: OpenAiUsage } {
    const message = { role: 'assistant', content, ...(reasoning ? { reasoning_content: reasoning } : {}) };
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, message, finish_reason: reason }],
      usage,
    };
  }
}

export function splitText(text: string, max = MAX_TEXT_PER_CHUNK): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + max, text.length);
    // Never split a surrogate pair.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Claude Code's usage in OpenAI's terms: prompt tokens include cached ones, as OpenAI counts them. */
export function toOpenAiUsage(result: RunResult): OpenAiUsage {
  const u = result.usage;
  const prompt = u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.outputTokens,
    total_tokens: prompt + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: u.thinkingTokens },
    cost: result.costUsd,
  };
}
