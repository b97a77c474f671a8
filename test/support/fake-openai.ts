/**
 * A scripted OpenAI-compatible Chat Completions API on loopback (the kind of upstream OpenRouter,
 * Ollama or vLLM are): streamed or whole answers, tool calls streamed in fragments, errors.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type OpenAiReply =
  | { kind: 'text'; text: string; reasoning?: string; chunkSize?: number; usage?: { prompt: number; completion: number } }
  | { kind: 'tool'; name: string; fragments: string[]; id?: string; usage?: { prompt: number; completion: number } }
  | { kind: 'error'; status: number; message: string };

export interface OpenAiRequestSeen {
  index: number;
  body: { model?: string; stream?: boolean; stream_options?: unknown; messages: Array<Record<string, unknown>>; tools?: unknown[] };
  headers: http.IncomingHttpHeaders;
  path: string;
}

export class FakeOpenAi {
  readonly requests: OpenAiRequestSeen[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  constructor(private script: (req: OpenAiRequestSeen) => OpenAiReply) {}

  setScript(script: (req: OpenAiRequestSeen) => OpenAiReply): void {
    this.script = script;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'vendor/model-x' }, { id: 'vendor/model-y' }] }));
      return;
    }
    if (!req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const seen: OpenAiRequestSeen = { index: this.requests.length, body: JSON.parse(raw), headers: req.headers, path: req.url };
    this.requests.push(seen);
    const reply = this.script(seen);
    if (reply.kind === 'error') {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: reply.message, type: 'fake_error', code: reply.status } }));
      return;
    }
    const id = `chatcmpl-fake-${seen.index}`;
    const usage = { prompt_tokens: reply.usage?.prompt ?? 50, completion_tokens: reply.usage?.completion ?? 10, total_tokens: (reply.usage?.prompt ?? 50) + (reply.usage?.completion ?? 10) };
    const model = seen.body.model;
    if (!seen.body.stream) {
      const message =
        reply.kind === 'text'
          ? { role: 'assistant', content: reply.text, ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}) }
          : { role: 'assistant', content: null, tool_calls: [{ id: reply.id ?? 'call_fake_1', type: 'function', function: { name: reply.name, arguments: reply.fragments.join('') } }] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, object: 'chat.completion', model, choices: [{ index: 0, message, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls' }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', model, choices, ...extra })}\n\n`);
    };
    send([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (reply.kind === 'text') {
      if (reply.reasoning) send([{ index: 0, delta: { reasoning_content: reply.reasoning }, finish_reason: null }]);
      const size = reply.chunkSize ?? 5;
      for (let i = 0; i < reply.text.length; i += size) send([{ index: 0, delta: { content: reply.text.slice(i, i + size) }, finish_reason: null }]);
      send([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    } else {
      reply.fragments.forEach((fragment, i) => {
        const head = i === 0 ? { id: reply.id ?? 'call_fake_1', type: 'function', function: { name: reply.name, arguments: fragment } } : { function: { arguments: fragment } };
        send([{ index: 0, delta: { tool_calls: [{ index: 0, ...head }] }, finish_reason: null }]);
      });
      send([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]);
    }
    const wantsUsage = (seen.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
    if (wantsUsage) send([], { usage });
    res.end('data: [DONE]\n\n');
  }
}
