/**
 * The proxy every Claude Code run talks to, on loopback. Each run holds a token of its own that
 * names its provider and turn; the proxy adds the provider's real key, so no key ever reaches
 * Claude Code. `anthropic` providers get the request byte for byte; `openai` providers get it
 * translated to Chat Completions and the answer translated back. Every request is logged with
 * the turn that caused it.
 *
 * Paths: `/v1/…` (the provider is the token's) or `/p/<provider>/v1/…` (the standalone proxy,
 * whose single key opens any provider the path names).
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { fastifyLogging } from '../platform/http-log';
import type { ProviderConfig } from '../providers/config-schema';
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig } from '../providers/load-config';
import { bearerHeader, providerKey, providerUrl } from '../providers/provider-http';
import { AnthropicUsageTap } from './anthropic-usage-tap';
import type { ProxyAuthorizer } from './proxy-access';
import type { ProxyRequestEntry, RequestLog } from './request-log';
import { anthropicErrorType, StreamTranslator, toAnthropicMessage, type Usage } from './to-anthropic-response';
import { toOpenAiRequest } from './to-openai-request';
import { forEachSseData, postJson, readText, send } from './upstream';
import { parseJsonObject, type Json } from './json-object';
import { providerErrorBody, redactSecrets, requestSecrets } from './provider-error';

interface ProxyDeps {
  authorize: ProxyAuthorizer;
  getConfig(): HelixConfig;
  keys: KeyLookup;
  requests: RequestLog;
  /** The diagnostic log (none: nothing is logged). */
  log?: FastifyBaseLogger;
}


/** Logs one forwarded request: its status, the model asked for, what the provider said it used and answered with, and any error. */
type LogRequest = (status: number, model: string, usage?: Usage, error?: string, details?: Pick<ProxyRequestEntry, 'modelAnswered' | 'providerError'>) => void;

interface Forward {
  req: FastifyRequest;
  reply: FastifyReply;
  name: string;
  provider: ProviderConfig;
  /** `v1/…` and the query string, as Claude Code asked for them. */
  path: string;
  body: Buffer | undefined;
  log: LogRequest;
}

const ROUTE = /^\/(?:p\/([^/]+)\/)?(v1\/[^?]*)(\?.*)?$/;

export function buildProxyServer(deps: ProxyDeps): FastifyInstance {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024, ...fastifyLogging(deps.log), forceCloseConnections: true });
  // Bodies stay bytes: an anthropic provider gets exactly what Claude Code sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.head('/*', async () => '');
  app.route<{ Body: Buffer | undefined }>({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (req, reply) => {
      const route = ROUTE.exec(req.url);
      let pathProvider: string | undefined;
      try {
        pathProvider = route?.[1] === undefined ? undefined : decodeURIComponent(route[1]);
      } catch {
        return anthropicError(reply, 404, 'not_found_error', `No route ${req.method} ${req.url}.`);
      }
      const header = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
      const access = deps.authorize(typeof header === 'string' ? header : undefined, pathProvider);
      if (!access) return anthropicError(reply, 401, 'authentication_error', 'Wrong, expired or missing key for the Helix proxy.');
      if (!route) return anthropicError(reply, 404, 'not_found_error', `No route ${req.method} ${req.url}.`);

      const provider = deps.getConfig().providers[access.provider];
      if (!provider || provider.type === 'claude-login') {
        return anthropicError(reply, 404, 'not_found_error', `The proxy has no provider "${access.provider}" with an API to forward to.`);
      }
      const started = Date.now();
      const log: LogRequest = (status, model, usage, error, details) =>
        deps.requests.add({ provider: access.provider, model, status, latencyMs: Date.now() - started, inputTokens: usage?.input_tokens, outputTokens: usage?.output_tokens, turnId: access.turnId, error, ...details });
      const forward: Forward = { req, reply, name: access.provider, provider, path: `${route[2]}${route[3] ?? ''}`, body: req.body, log };
      return provider.type === 'anthropic' ? passThrough(forward, deps.keys) : translate(forward, deps.keys);
    },
  });

  app.setNotFoundHandler(async (req, reply) => anthropicError(reply, 404, 'not_found_error', `No route ${req.method} ${req.url}.`));
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _req, reply) =>
    anthropicError(reply, error.statusCode ?? 500, anthropicErrorType(error.statusCode ?? 500), error.message),
  );
  return app;
}

/** Request headers Claude Code's requests carry that the provider needs; its key for Helix is not among them. */
const FORWARDED_HEADER = /^(?:accept|content-type|user-agent|anthropic-[\w-]+|x-stainless-[\w-]+|x-app|x-claude-[\w-]+)$/;
/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/** An anthropic provider: the same method, path, query and body bytes, with the provider's key and headers. */
async function passThrough({ req, reply, name, provider, path, body, log }: Forward, keys: KeyLookup): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(req.headers)) if (FORWARDED_HEADER.test(header) && typeof value === 'string') headers[header] = value;
  const key = providerKey(provider, keys);
  Object.assign(headers, key ? { 'x-api-key': key } : {}, provider.headers);
  const secrets = requestSecrets(key, provider.headers);
  const asked = modelAsked(body);

  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  let upstream: IncomingMessage;
  try {
    upstream = await send(providerUrl(provider, `/${path}`), req.method, headers, body, abort.signal);
  } catch (error) {
    const message = `Cannot reach provider "${name}" at ${providerUrl(provider)}: ${(error as Error).message}`;
    log(502, asked, undefined, message);
    return void anthropicError(reply, 502, 'api_error', message);
  }

  const status = upstream.statusCode ?? 502;
  reply.hijack();
  if (status >= 400) {
    // An error answer goes back to Claude Code with the request's secrets cut out (a provider may echo its key).
    const text = redactSecrets(decoded(await readBytes(upstream), upstream.headers['content-encoding']), secrets);
    const providerError = providerErrorBody(status, text, secrets);
    log(status, asked, undefined, `Provider "${name}" answered HTTP ${status}: ${providerError.message || '(no message)'}`, { providerError });
    const { 'content-length': _length, 'content-encoding': _encoding, ...rest } = responseHeaders(upstream.headers);
    reply.raw.writeHead(status, { ...rest, 'content-length': Buffer.byteLength(text) });
    return void reply.raw.end(text);
  }
  reply.raw.writeHead(status, responseHeaders(upstream.headers));
  const tap = new AnthropicUsageTap(String(upstream.headers['content-type']).startsWith('text/event-stream'));
  upstream.on('data', (chunk: Buffer) => tap.push(chunk));
  // Which side broke off is known when it happens: once the provider's side fails, ours is closed too.
  let error: string | undefined;
  upstream.once('error', (failure) => {
    error ??= abort.signal.aborted ? 'Claude Code closed the request' : `Provider "${name}" cut its answer off mid-stream (${failure.message})`;
  });
  try {
    await pipeline(upstream, reply.raw);
  } catch (failure) {
    error ??= abort.signal.aborted ? 'Claude Code closed the request' : `Provider "${name}" cut its answer off mid-stream (${(failure as Error).message})`;
  }
  tap.end();
  log(error ? 502 : status, asked, tap.usage, error, { modelAnswered: tap.model });
}

/** An openai provider: the Messages request as Chat Completions, and the answer back as Messages. */
async function translate({ req, reply, name, provider, path, body: bytes, log }: Forward, keys: KeyLookup): Promise<unknown> {
  const endpoint = /^v1\/messages(\/count_tokens)?(?:\?|$)/.exec(path);
  if (req.method !== 'POST' || !endpoint) return anthropicError(reply, 404, 'not_found_error', `No route ${req.method} ${req.url} for an OpenAI-compatible provider.`);
  const body = parseJsonObject(bytes?.toString('utf8') ?? '');
  if (!body) return anthropicError(reply, 400, 'invalid_request_error', 'The request body is not a JSON object.');
  if (endpoint[1]) return { input_tokens: estimateTokens(body) };

  const model = typeof body.model === 'string' ? body.model : '';
  const upstreamBody = toOpenAiRequest(body, model);
  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  let upstream: IncomingMessage;
  const key = providerKey(provider, keys);
  const secrets = requestSecrets(key, provider.headers);
  try {
    const headers = { ...bearerHeader(key), ...provider.headers };
    upstream = await postJson(providerUrl(provider, '/chat/completions'), headers, JSON.stringify(upstreamBody), abort.signal);
  } catch (error) {
    const message = `Cannot reach provider "${name}" at ${provider.base_url}: ${(error as Error).message}`;
    log(502, model, undefined, message);
    return anthropicError(reply, 502, 'api_error', message);
  }

  const status = upstream.statusCode ?? 502;
  if (status >= 400) {
    const providerError = providerErrorBody(status, await readText(upstream), secrets);
    const message = `Provider "${name}" answered HTTP ${status}: ${providerError.message || '(no message)'}`;
    log(status, model, undefined, message, { providerError });
    return anthropicError(reply, status, anthropicErrorType(status), message);
  }

  if (!upstreamBody.stream) {
    const answer = parseJsonObject(await readText(upstream)) ?? {};
    const message = toAnthropicMessage(answer, model);
    log(200, model, message.usage as Usage, undefined, { modelAnswered: typeof answer.model === 'string' ? answer.model.slice(0, 200) : undefined });
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
  let modelAnswered: string | undefined;
  let done = false;
  try {
    await forEachSseData(upstream, (data) => {
      if (done || data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = parseJsonObject(data);
      if (!chunk) return;
      if (chunk.error) {
        streamError = providerErrorBody(200, data, secrets).message;
        done = true;
        return;
      }
      if (typeof chunk.model === 'string') modelAnswered ??= chunk.model.slice(0, 200);
      write(translator.chunk(chunk));
    });
  } catch (error) {
    streamError ??= (error as Error).message;
  }
  try {
    if (streamError) write([{ type: 'error', error: { type: 'api_error', message: `Provider "${name}": ${streamError}` } } as { type: string }]);
    else write(translator.end());
  } finally {
    log(streamError ? 502 : 200, model, translator.usage, streamError, { modelAnswered, providerError: streamError ? { status: 502, message: streamError } : undefined });
    reply.raw.end();
  }
  return undefined;
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([header]) => !HOP_BY_HOP.has(header)));
}

/** An error answer's text, whatever content coding the provider chose (it is passed on decoded). */
function decoded(bytes: Buffer, encoding: string | string[] | undefined): string {
  try {
    const coding = String(encoding ?? 'identity').trim().toLowerCase();
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(bytes).toString('utf8');
    if (coding === 'deflate') return inflateSync(bytes).toString('utf8');
    if (coding === 'br') return brotliDecompressSync(bytes).toString('utf8');
    return bytes.toString('utf8');
  } catch {
    return ''; // not what it said it was: nothing of it is passed on
  }
}

async function readBytes(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function anthropicError(reply: FastifyReply, status: number, type: string, message: string): FastifyReply {
  return reply.status(status).send({ type: 'error', error: { type, message } });
}

const MODEL_KEY = Buffer.from('"model":"');

/**
 * The model a Messages request asks for. The body stays bytes here and may be megabytes of
 * conversation: its first `"model":"` key is read rather than the whole body parsed (a quote in
 * a JSON string is escaped, so the key cannot come from the conversation's text).
 */
function modelAsked(body: Buffer | undefined): string {
  const at = body?.indexOf(MODEL_KEY) ?? -1;
  if (!body || at < 0) return '';
  const start = at + MODEL_KEY.length;
  const end = body.indexOf(0x22, start);
  return end < 0 ? '' : body.toString('utf8', start, Math.min(end, start + 200));
}

/** A rough count for /count_tokens (≈4 characters a token): providers behind the proxy have no such endpoint. */
function estimateTokens(body: Json): number {
  return Math.ceil(JSON.stringify([body.system ?? '', body.messages ?? [], body.tools ?? []]).length / 4);
}
