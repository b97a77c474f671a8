/**
 * A scripted Anthropic Messages API on loopback, for running the real `claude` CLI offline.
 * Each POST /v1/messages is answered by the script: a streamed message (text, thinking,
 * tool_use blocks), an HTTP error, or a hang.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Block =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string }
  | { type: 'tool_use'; name: string; input: Record<string, unknown>; id?: string };

export type Reply =
  /** `until`: the streamed answer waits for it after message_start (a test holds a run in flight). */
  | { kind: 'message'; blocks: Block[]; chunkSize?: number; delayMs?: number; until?: Promise<unknown>; usage?: { input: number; output: number } }
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  /** message_start and one text delta, then the connection is cut. */
  | { kind: 'cut' }
  /** Headers and message_start, then silence until the connection is closed. */
  | { kind: 'hang' };

export interface FakeRequest {
  index: number;
  body: { model?: string; stream?: boolean; messages?: Array<{ role: string; content: unknown }> };
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
}

export type Script = (req: FakeRequest) => Reply;

export class FakeAnthropic {
  readonly requests: FakeRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  url = '';

  constructor(private script: Script) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  setScript(script: Script): void {
    this.script = script;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'HEAD' || !req.url?.startsWith('/v1/messages') || req.url.includes('count_tokens')) {
      res.writeHead(req.method === 'HEAD' ? 200 : 404).end();
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const request: FakeRequest = { index: this.requests.length, body: JSON.parse(raw), headers: req.headers, receivedAt: Date.now() };
    this.requests.push(request);
    const reply = this.script(request);

    if (reply.kind === 'error') {
      const type = reply.status === 401 ? 'authentication_error' : reply.status === 429 ? 'rate_limit_error' : 'api_error';
      res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `req_fake_${request.index}`, ...reply.headers });
      res.end(JSON.stringify({ type: 'error', error: { type, message: reply.message ?? `fake error ${reply.status}` } }));
      return;
    }
    const id = `msg_fake_${request.index}`;
    const model = request.body.model ?? 'claude-fake';
    if (reply.kind === 'cut') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, 'message_start', { type: 'message_start', message: messageShell(id, model, []) });
      sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Half an ans' } });
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (reply.kind === 'hang') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      sse(res, 'message_start', { type: 'message_start', message: messageShell(id, model, []) });
      return;
    }
    const blocks = reply.blocks.map((b, i) => (b.type === 'tool_use' ? { ...b, id: b.id ?? `toolu_fake_${request.index}_${i}` } : b));
    const stopReason = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    const usage = { input_tokens: reply.usage?.input ?? 100, output_tokens: reply.usage?.output ?? 20 };

    if (request.body.stream === false || request.body.stream === undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...messageShell(id, model, blocks.map(fullBlock)), stop_reason: stopReason, usage }));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': `req_fake_${request.index}` });
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, reply.delayMs ?? 0));
    sse(res, 'message_start', { type: 'message_start', message: { ...messageShell(id, model, []), usage: { input_tokens: usage.input_tokens, output_tokens: 1 } } });
    await reply.until;
    for (const [index, block] of blocks.entries()) {
      const start = block.type === 'text' ? { type: 'text', text: '' } : block.type === 'thinking' ? { type: 'thinking', thinking: '' } : { type: 'tool_use', id: block.id, name: block.name, input: {} };
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: start });
      const pieces = block.type === 'tool_use' ? [JSON.stringify(block.input)] : split(block.type === 'text' ? block.text : block.thinking, reply.chunkSize ?? 8);
      for (const piece of pieces) {
        await pause();
        const delta =
          block.type === 'text'
            ? { type: 'text_delta', text: piece }
            : block.type === 'thinking'
              ? { type: 'thinking_delta', thinking: piece }
              : { type: 'input_json_delta', partial_json: piece };
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta });
      }
      if (block.type === 'thinking') sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'fake-signature' } });
      sse(res, 'content_block_stop', { type: 'content_block_stop', index });
    }
    sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    sse(res, 'message_stop', { type: 'message_stop' });
    res.end();
  }
}

/** True when the request carries tool results, i.e. the turn after a tool call. */
export function hasToolResults(req: FakeRequest): boolean {
  const last = req.body.messages?.at(-1);
  return Array.isArray(last?.content) && last.content.some((part: { type?: string }) => part.type === 'tool_result');
}

/** All text the CLI sent in the request's last user message. */
export function lastUserText(req: FakeRequest): string {
  const last = req.body.messages?.filter((m) => m.role === 'user').at(-1);
  if (typeof last?.content === 'string') return last.content;
  return Array.isArray(last?.content) ? last.content.map((p: { text?: string }) => p.text ?? '').join('\n') : '';
}

export const text = (value: string, options: Partial<Extract<Reply, { kind: 'message' }>> = {}): Reply => ({
  kind: 'message',
  blocks: [{ type: 'text', text: value }],
  ...options,
});

function messageShell(id: string, model: string, content: unknown[]): Record<string, unknown> {
  return { id, type: 'message', role: 'assistant', model, content, stop_reason: null, stop_sequence: null, usage: { input_tokens: 100, output_tokens: 1 } };
}

function fullBlock(block: Block): Record<string, unknown> {
  if (block.type === 'thinking') return { ...block, signature: 'fake-signature' };
  return block;
}

function sse(res: http.ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function split(value: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += size) out.push(value.slice(i, i + size));
  return out.length > 0 ? out : [''];
}
