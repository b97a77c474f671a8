/**
 * A server-sent-events response: one JSON object per `data:` line, a `: keepalive` comment
 * after a stretch of silence (so proxies and clients do not give up on a long tool run), and
 * a refusal to write any line over the limit.
 */
import type { ServerResponse } from 'node:http';

export const MAX_SSE_LINE = 64 * 1024;

export class SseStream {
  private readonly keepaliveTimer: NodeJS.Timeout;
  private ended = false;
  private corked = false;

  constructor(
    private readonly res: ServerResponse,
    keepaliveMs: number,
    /** Longest line allowed, in bytes (Open WebUI up to 0.11 aborts a turn on lines over 128 KiB). */
    private readonly maxLine = MAX_SSE_LINE,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.keepaliveTimer = setTimeout(() => this.write(': keepalive\n\n'), keepaliveMs);
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed;
  }

  data(payload: object | '[DONE]'): void {
    const line = `data: ${payload === '[DONE]' ? payload : JSON.stringify(payload)}`;
    // A UTF-16 unit is at most 3 bytes of UTF-8: most lines need no count.
    if (line.length * 3 > this.maxLine && Buffer.byteLength(line) > this.maxLine) {
      throw new Error(`SSE line of ${Buffer.byteLength(line)} bytes exceeds ${this.maxLine}`);
    }
    this.write(`${line}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.keepaliveTimer);
    if (!this.res.destroyed) this.res.end();
  }

  private write(text: string): void {
    if (this.closed) return;
    // What is written in one tick (a CLI output chunk holds many events) goes out in one packet.
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    this.res.write(text);
    this.keepaliveTimer.refresh();
  }
}
