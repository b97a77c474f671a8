/**
 * Reads the model and token usage out of an Anthropic Messages answer as its bytes pass through
 * unchanged: from `message_start` and `message_delta` in a stream, or from a whole JSON message.
 * Only the few lines that can carry usage are parsed.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Usage } from './to-anthropic-response';
import { parseJsonObject, type Json } from './json-object';


/** A whole (non-streamed) answer is read for usage only up to this size. */
const MAX_JSON_BYTES = 1024 * 1024;

export class AnthropicUsageTap {
  model: string | undefined;
  usage: Usage | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private tooLarge = false;

  constructor(private readonly stream: boolean) {}

  push(chunk: Buffer): void {
    if (this.tooLarge) return;
    this.pending += this.decoder.write(chunk);
    if (!this.stream) {
      this.tooLarge = this.pending.length > MAX_JSON_BYTES;
      if (this.tooLarge) this.pending = '';
      return;
    }
    const end = this.pending.lastIndexOf('\n');
    if (end < 0) return;
    const complete = this.pending.slice(0, end);
    this.pending = this.pending.slice(end + 1);
    // Most chunks are text deltas: look for the two events that carry usage before splitting lines.
    if (complete.includes('"message_start"') || complete.includes('"message_delta"')) for (const line of complete.split('\n')) this.line(line);
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.stream) this.line(this.pending);
    else this.message(parseJsonObject(this.pending));
    this.pending = '';
  }

  private line(line: string): void {
    if (!line.startsWith('data:') || !(line.includes('"message_start"') || line.includes('"message_delta"'))) return;
    const event = parseJsonObject(line.slice(5));
    if (event?.type === 'message_start') this.message(event.message as Json | undefined);
    else if (event?.type === 'message_delta') this.add(event.usage as Json | undefined);
  }

  private message(message: Json | undefined): void {
    if (!message) return;
    if (typeof message.model === 'string') this.model = message.model;
    this.add(message.usage as Json | undefined);
  }

  /** Later figures replace earlier ones: message_delta carries the final output count. */
  private add(usage: Json | undefined): void {
    if (!usage) return;
    const number = (key: string): number | undefined => (typeof usage[key] === 'number' ? (usage[key] as number) : undefined);
    const cacheRead = number('cache_read_input_tokens') ?? this.usage?.cache_read_input_tokens;
    this.usage = {
      input_tokens: number('input_tokens') ?? this.usage?.input_tokens ?? 0,
      output_tokens: number('output_tokens') ?? this.usage?.output_tokens ?? 0,
      ...(cacheRead ? { cache_read_input_tokens: cacheRead } : {}),
    };
  }
}

