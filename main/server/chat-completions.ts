/**
 * POST /v1/chat/completions: one Claude Code run per turn, streamed live or answered at once.
 * The stream opens before Claude Code starts, so the client never waits in silence; a client
 * that goes away (Open WebUI's stop button) ends the run and everything it started.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunEvent } from '../../common/run-event';
import type { RunService } from '../core/run-service';
import type { HelixConfig, Role } from '../providers/load-config';
import { findRole } from './find-role';
import { ProviderError } from '../providers/run-target';
import { buildTurnPrompt, parseChatRequest, type ChatRequest } from './chat-request';
import { ChunkBuilder, toOpenAiUsage } from './chunks';
import { ApiError, invalidRequest } from './openai-errors';
import { createProgressRenderer, PROGRESS_STYLES, summarize, type Piece, type ProgressStyle } from './progress';
import { describeRunError } from './run-errors';
import { SseStream } from './sse';

export interface ChatDeps {
  getConfig(): HelixConfig;
  runs: RunService;
}

export function registerChatCompletions(app: FastifyInstance, deps: ChatDeps): void {
  app.post('/v1/chat/completions', async (req, reply) => {
    const request = parseChatRequest(req.body);
    const style = progressStyle(req.headers['x-helix-progress']);
    const config = deps.getConfig();
    const role = findRole(config, request.model);
    return request.stream ? streamTurn(req, reply, deps, config, role, request, style) : completeTurn(req, reply, deps, config, role, request);
  });
}

function progressStyle(header: string | string[] | undefined): ProgressStyle {
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase() || 'openwebui';
  if ((PROGRESS_STYLES as readonly string[]).includes(value)) return value as ProgressStyle;
  throw invalidRequest(`X-Helix-Progress must be one of ${PROGRESS_STYLES.join(', ')}; got "${value}".`, 'X-Helix-Progress');
}

async function streamTurn(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ChatDeps,
  config: HelixConfig,
  role: Role,
  request: ChatRequest,
  style: ProgressStyle,
): Promise<void> {
  reply.hijack();
  const started = Date.now();
  const sse = new SseStream(reply.raw, config.settings.keepalive_seconds * 1000);
  const chunks = new ChunkBuilder(request.model);
  const renderer = createProgressRenderer(style);
  const send = (pieces: Piece[]): void => {
    for (const piece of pieces) {
      if (piece.kind === 'status') sse.data(chunks.status(piece.description, piece.done));
      else for (const chunk of chunks.text(piece.kind === 'content' ? 'content' : 'reasoning_content', piece.text)) sse.data(chunk);
    }
  };
  const fail = (error: ApiError): void => {
    send(renderer.failed(error.message));
    sse.data(error.toBody());
  };

  sse.data(chunks.role());
  send(renderer.starting(`${role.name} · ${role.provider}:${role.model}`));

  let toolCalls = 0;
  const onEvent = (event: RunEvent): void => {
    if (event.type === 'tool_use') toolCalls += 1;
    send(renderer.event(event));
  };

  try {
    const run = deps.runs.start(role, config, buildTurnPrompt(request.messages), onEvent);
    reply.raw.on('close', () => {
      if (!reply.raw.writableEnded) run.cancel();
    });
    const outcome = await run.done;
    if (outcome.ok) {
      send(renderer.finished(summarize(outcome.result, toolCalls, Date.now() - started)));
      sse.data(chunks.finish('stop', request.includeUsage ? toOpenAiUsage(outcome.result) : undefined));
    } else if (outcome.error.code !== 'cancelled') {
      fail(describeRunError(outcome.error, role, config));
    }
  } catch (error) {
    if (!(error instanceof ProviderError)) req.log.error(error);
    fail(error instanceof ProviderError ? new ApiError(503, error.message, 'server_error', 'provider_misconfigured') : internalError(error));
  }
  sse.data('[DONE]');
  sse.end();
}

async function completeTurn(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: ChatDeps, config: HelixConfig, role: Role, request: ChatRequest): Promise<object> {
  let answer = '';
  const onEvent = (event: RunEvent): void => {
    if (event.type === 'text') answer += event.text;
    // Unlike a stream, a one-shot answer can take back text the CLI discarded.
    if (event.type === 'text_discarded') answer = '';
  };
  let run;
  try {
    run = deps.runs.start(role, config, buildTurnPrompt(request.messages), onEvent);
  } catch (error) {
    if (error instanceof ProviderError) throw new ApiError(503, error.message, 'server_error', 'provider_misconfigured');
    throw error;
  }
  reply.raw.on('close', () => {
    if (!reply.raw.writableEnded) run.cancel();
  });
  const outcome = await run.done;
  if (!outcome.ok) throw describeRunError(outcome.error, role, config);
  return new ChunkBuilder(request.model).completion(answer || outcome.result.text, 'stop', toOpenAiUsage(outcome.result));
}

function internalError(error: unknown): ApiError {
  return new ApiError(500, `Internal error: ${error instanceof Error ? error.message : String(error)}`, 'server_error', 'internal_error');
}
