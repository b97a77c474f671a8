/**
 * Turns the CLI's stream-json events into RunEvents.
 *
 * With --include-partial-messages text and thinking arrive twice: as deltas (stream_event) and
 * then as a complete `assistant` event per block. Deltas are relayed; the complete block is
 * relayed only when no delta of it was seen (non-streaming fallback requests).
 */
import type { RunEvent, RunResult, RunUsage } from '../../common/run-event';
import type { CliEvent } from './stream-json';
import { describeToolCall, describeToolOutcome, toolOutputExcerpt } from './describe-tool';

interface Block {
  type: string;
  streamed: boolean;
}

export class CliEventMapper {
  /** Blocks of the message being streamed, by content index. */
  private blocks = new Map<number, Block>();
  private currentMessageId = '';
  private readonly tools = new Map<string, { name: string; title: string }>();
  private answerStarted = false;
  private newTextBlock = true;
  private cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  map(event: CliEvent): RunEvent[] {
    switch (event.type) {
      case 'system':
        return this.system(event);
      case 'stream_event':
        return this.streamEvent(event);
      case 'assistant':
        return this.assistant(event);
      case 'user':
        return this.toolResults(event);
      case 'result':
        return [{ type: 'result', result: toResult(event) }];
      default:
        return [];
    }
  }

  private system(event: CliEvent): RunEvent[] {
    if (event.subtype === 'init') {
      if (typeof event.cwd === 'string') this.cwd = event.cwd;
      const started: RunEvent = { type: 'started', sessionId: str(event.session_id), model: str(event.model), cwd: this.cwd };
      if (typeof event.apiKeySource === 'string') started.apiKeySource = event.apiKeySource;
      return [started];
    }
    if (event.subtype === 'api_retry') {
      return [
        {
          type: 'retry',
          attempt: num(event.attempt),
          maxRetries: num(event.max_retries),
          delayMs: num(event.retry_delay_ms),
          httpStatus: typeof event.error_status === 'number' ? event.error_status : null,
          error: str(event.error),
        },
      ];
    }
    return [];
  }

  private streamEvent(wrapper: CliEvent): RunEvent[] {
    const event = obj(wrapper.event);
    const index = num(event.index);
    switch (event.type) {
      case 'message_start':
        this.currentMessageId = str(obj(event.message).id) || str(wrapper.api_message_id);
        this.blocks = new Map();
        return [];
      case 'content_block_start': {
        const type = str(obj(event.content_block).type);
        this.blocks.set(index, { type, streamed: false });
        if (type === 'text') this.newTextBlock = true;
        return [];
      }
      case 'content_block_delta': {
        const delta = obj(event.delta);
        const block = this.blocks.get(index);
        if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text) {
          if (block) block.streamed = true;
          return [this.text(delta.text)];
        }
        if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string' && delta.thinking) {
          if (block) block.streamed = true;
          return [{ type: 'thinking', text: delta.thinking }];
        }
        return [];
      }
      case 'message_stop':
        return wrapper.abandoned_blocks ? [{ type: 'text_discarded' }] : [];
      default:
        return [];
    }
  }

  private assistant(event: CliEvent): RunEvent[] {
    // The CLI's own error text for a failed API call; the `result` that follows reports it.
    if (event.is_api_error_message === true) return [];
    const message = obj(event.message);
    const content = Array.isArray(message.content) ? (message.content as unknown[]) : [];
    const fromStream = str(message.id) === this.currentMessageId;
    const out: RunEvent[] = [];
    for (const raw of content) {
      const block = obj(raw);
      if (block.type === 'tool_use') {
        const name = str(block.name);
        const id = str(block.id);
        const title = describeToolCall(name, block.input, this.cwd);
        this.tools.set(id, { name, title });
        out.push(withParent({ type: 'tool_use', id, name, title, input: block.input }, event));
      } else if (block.type === 'text' && typeof block.text === 'string' && block.text) {
        if (fromStream && this.wasStreamed('text')) continue;
        this.newTextBlock = true;
        out.push(this.text(block.text));
      } else if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking) {
        if (fromStream && this.wasStreamed('thinking')) continue;
        out.push({ type: 'thinking', text: block.thinking });
      }
    }
    return out;
  }

  /** The complete block event comes right after the block's last delta, so it is the latest block of its type. */
  private wasStreamed(type: string): boolean {
    const ofType = [...this.blocks.values()].filter((b) => b.type === type);
    return ofType.at(-1)?.streamed ?? false;
  }

  private text(text: string): RunEvent {
    const separator = this.newTextBlock && this.answerStarted ? '\n\n' : '';
    this.newTextBlock = false;
    this.answerStarted = true;
    return { type: 'text', text: separator + text };
  }

  private toolResults(event: CliEvent): RunEvent[] {
    const content = obj(event.message).content;
    if (!Array.isArray(content)) return [];
    const out: RunEvent[] = [];
    for (const raw of content) {
      const part = obj(raw);
      if (part.type !== 'tool_result') continue;
      const id = str(part.tool_use_id);
      const tool = this.tools.get(id) ?? { name: 'Tool', title: 'Tool' };
      const isError = part.is_error === true;
      const outcome = describeToolOutcome(tool.name, part.content, event.tool_use_result, isError);
      out.push(withParent({ type: 'tool_result', id, name: tool.name, title: tool.title, outcome, isError, output: toolOutputExcerpt(part.content) }, event));
      // A new text block after tools starts a new paragraph of the answer.
      this.newTextBlock = true;
    }
    return out;
  }
}

/** A sub-agent's events name the Task call they belong to (`parent_tool_use_id`): kept, so its calls can be shown under it. */
function withParent<T extends RunEvent & { parentId?: string }>(out: T, event: CliEvent): T {
  if (typeof event.parent_tool_use_id === 'string' && event.parent_tool_use_id) out.parentId = event.parent_tool_use_id;
  return out;
}

function toResult(event: CliEvent): RunResult {
  const usage = obj(event.usage);
  const details = obj(usage.output_tokens_details);
  const errors = Array.isArray(event.errors) ? event.errors.map(String) : [];
  const isError = event.is_error === true;
  const usageOut: RunUsage = {
    inputTokens: num(usage.input_tokens),
    outputTokens: num(usage.output_tokens),
    cacheReadTokens: num(usage.cache_read_input_tokens),
    cacheCreationTokens: num(usage.cache_creation_input_tokens),
    thinkingTokens: num(details.thinking_tokens),
  };
  return {
    isError,
    subtype: str(event.subtype),
    text: typeof event.result === 'string' ? event.result : errors.join('\n'),
    errors,
    sessionId: str(event.session_id),
    usage: usageOut,
    costUsd: num(event.total_cost_usd),
    durationMs: num(event.duration_ms),
    numTurns: num(event.num_turns),
    apiErrorStatus: typeof event.api_error_status === 'number' ? event.api_error_status : null,
    apiFailed: event.terminal_reason === 'api_error' || event.api_error === 'connection_failed',
  };
}

function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
