/**
 * The translating proxy: Claude Code speaks the Anthropic Messages API to it, and it speaks
 * OpenAI Chat Completions to an `openai`-type provider. It listens on loopback with a key of
 * its own; Claude Code reaches it at `/p/<provider>/t/<turn id>`, so each request it logs is
 * joined to the turn (and session) that caused it.
 */
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { fastifyLogging } from '../core/http-log';
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig } from '../providers/load-config';
import { bearerHeader, providerKey, providerUrl } from '../providers/provider-http';
import { checkKey } from '../server/auth';
import type { RequestLog } from './request-log';
import { anthropicErrorType, StreamTranslator, toAnthropicMessage, type Usage } from './to-anthropic-response';
import { toOpenAiRequest } from './to-openai-request';
import { forEachSseData, postJson, readText } from './upstream';

interface ProxyDeps {
  key: string;
  getConfig(): HelixConfig;
  keys: KeyLookup;
  requests: RequestLog;
  /** The diagnostic log (none: nothing is logged). */
  log?: FastifyBaseLogger;
}

type Json = Record<string, unknown>;

export function buildProxyServer(deps: ProxyDeps): FastifyInstance {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024, ...fastifyLogging(deps.log), forceCloseConnections: true });

  app.addHook('onRequest', async (req, reply) => {
    const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
    if (req.method !== 'HEAD' && !checkKey(typeof key === 'string' ? key : undefined, deps.key)) {
      return anthropicError(reply, 401, 'authentication_error', 'Wrong or missing key for the Helix proxy.');
    }
  });
  app.head('/*', async () => '');

  app.post<{ Params: { provider: string; '*': string }; Body: Json }>('/p/:provider/*', async (req, reply) => {
    const route = /^(?:t\/([\w-]+)\/)?v1\/messages(\/count_tokens)?$/.exec(req.params['*'].split('?')[0] ?? '');
    if (!route) return anthropicError(reply, 404, 'not_found_error', `No route ${req.url}.`);
    const config = deps.getConfig();
    const name = req.params.provider;
    const provider = config.providers[name];
    if (provider?.type !== 'openai' || !provider.base_url) {
      return anthropicError(reply, 404, 'not_found_error', `The proxy has no OpenAI-compatible provider "${name}".`);
    }
    const body = req.body ?? {};
    if (route[2]) return { input_tokens: estimateTokens(body) };

    const model = typeof body.model === 'string' ? body.model : '';
    const upstreamBody = toOpenAiRequest(body, model);
    const started = Date.now();
    const log = (status: number, usage?: Usage, error?: string): void => {
      deps.requests.add({ provider: name, model, status, latencyMs: Date.now() - started, inputTokens: usage?.input_tokens, outputTokens: usage?.output_tokens, turnId: route[1], error });
    };

    const abort = new AbortController();
    reply.raw.on('close', () => abort.abort());
    let upstream: IncomingMessage;
    try {
      const headers = { ...bearerHeader(providerKey(provider, deps.keys)), ...provider.headers };
      upstream = await postJson(providerUrl(provider, '/chat/completions'), headers, JSON.stringify(upstreamBody), abort.signal);
    } catch (error) {
      const message = `Cannot reach provider "${name}" at ${provider.base_url}: ${(error as Error).message}`;
      log(502, undefined, message);
      return anthropicError(reply, 502, 'api_error', message);
    }

    const status = upstream.statusCode ?? 502;
    if (status >= 400) {
      const message = `Provider "${name}" answered HTTP ${status}: ${upstreamMessage(await readText(upstream))}`;
      log(status, undefined, message);
      return anthropicError(reply, status, anthropicErrorType(status), message);
    }

    if (!upstreamBody.stream) {
      const message = toAnthropicMessage(parseJson(await readText(upstream)) ?? {}, model);
      log(200, message.usage as Usage);
      return message;
    }

    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const translator = new StreamTranslator(model);
    const write = (events: Array<{ type: string }>): void => {
      if (events.length === 0) return;
      reply.raw.write(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(''));
    };
    let streamError: string | undefined;
    let done = false;
    try {
      await forEachSseData(upstream, (data) => {
        if (done || data === '[DONE]') {
          done = true;
          return;
        }
        const chunk = parseJson(data);
        if (!chunk) return;
        if (chunk.error) {
          streamError = upstreamMessage(data);
          done = true;
          return;
        }
        write(translator.chunk(chunk));
      });
    } catch (error) {
      streamError ??= (error as Error).message;
    }
    try {
      if (streamError) write([{ type: 'error', error: { type: 'api_error', message: `Provider "${name}": ${streamError}` } } as { type: string }]);
      else write(translator.end());
    } finally {
      log(streamError ? 502 : 200, translator.usage, streamError);
      reply.raw.end();
    }
  });

  app.setNotFoundHandler(async (req, reply) => anthropicError(reply, 404, 'not_found_error', `No route ${req.method} ${req.url}.`));
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _req, reply) =>
    anthropicError(reply, error.statusCode ?? 500, anthropicErrorType(error.statusCode ?? 500), error.message),
  );
  return app;
}

function anthropicError(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply.status(status).send({ type: 'error', error: { type, message } });
}

function parseJson(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** The provider's own error message, from OpenAI's `{"error":{"message"}}` shape when it uses it. */
function upstreamMessage(text: string): string {
  const parsed = parseJson(text);
  const error = parsed?.error;
  const message = typeof error === 'object' && error !== null ? (error as Json).message : typeof error === 'string' ? error : undefined;
  return (typeof message === 'string' ? message : text).slice(0, 2000);
}

/** A rough count for /count_tokens (≈4 characters a token): providers behind the proxy have no such endpoint. */
function estimateTokens(body: Json): number {
  return Math.ceil(JSON.stringify([body.system ?? '', body.messages ?? [], body.tools ?? []]).length / 4);
}
