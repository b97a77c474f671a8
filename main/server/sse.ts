/**
 * A server-sent-events response: one JSON object per `data:` line, a `: keepalive` comment
 * after a stretch of silence (so proxies and clients do not give up on a long tool run), and
 * a refusal to write any line over the limit.
 */
import type { ServerResponse } from 'node:http';

export const MAX_SSE_LINE = 64 * 1024;

export class SseStream {
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly keepaliveMs: number,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    this.armKeepalive();
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed;
  }

  data(payload: object | '[DONE]'): void {
    const line = `data: ${payload === '[DONE]' ? payload : JSON.stringify(payload)}`;
    if (Buffer.byteLength(line) > MAX_SSE_LINE) {
      throw new Error(`SSE line of ${Buffer.byteLength(line)} bytes exceeds ${MAX_SSE_LINE}`);
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
    this.res.write(text);
    this.armKeepalive();
  }

  private armKeepalive(): void {
    clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = setTimeout(() => this.write(': keepalive\n\n'), this.keepaliveMs);
  }
}
