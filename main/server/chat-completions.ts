/**
 * POST /v1/chat/completions: a turn of a Claude Code session, streamed live or answered at once;
 * Open WebUI's background tasks are answered without Claude Code. The stream opens before the
 * run starts, so the client never waits in silence; a client that leaves (Open WebUI's stop
 * button) ends the run and everything it started, unless settings.on_disconnect is `finish`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RunResult } from '../../common/run-event';
import type { HelixConfig, Role } from '../providers/load-config';
import { readConversation } from './read-conversation';
import type { TurnEvent, TurnHandle } from '../turns/turn-handle';
import type { TurnService } from '../turns/turn-service';
import { detectTask } from '../tasks/detect-task';
import type { TaskService } from '../tasks/task-service';
import { messageText, parseChatRequest, type ChatRequest } from './chat-request';
import { ChunkBuilder, toOpenAiUsage, type OpenAiUsage } from './chunks';
import { errorField, turnFields, type ApiRequestLog } from './api-request-log';
import { findRole } from './find-role';
import { chatIdOf, followTurn, requestHeader } from './follow-turn';
import { ApiError } from './openai-errors';
import { createProgressRenderer, summarize, type Piece, type ProgressStyle } from './progress';
import { chooseProgressStyle } from './progress-style';
import { describeRunError } from './run-errors';
import { SseStream } from './sse';

export interface ChatDeps {
  getConfig(): HelixConfig;
  turns: TurnService;
  tasks: TaskService;
  requests: ApiRequestLog;
}

export function registerChatCompletions(app: FastifyInstance, deps: ChatDeps): void {
  app.post('/v1/chat/completions', async (req, reply) => {
    const request = parseChatRequest(req.body);
    const style = chooseProgressStyle(req.headers);
    const config = deps.getConfig();
    const role = findRole(config, request.model);
    const chatId = chatIdOf(req);

    // Answered requests log themselves here, with their turn's figures (a streamed reply is hijacked, past Fastify's hooks).
    const logAnswered = deps.requests.answered(req, '/v1/chat/completions', request.model);

    const userTexts = request.messages.filter((m) => m.role === 'user').map(messageText);
    const task = detectTask(requestHeader(req, 'x-helix-task'), request.stream, userTexts);
    if (task) {
      const answer = await deps.tasks.answer(task, userTexts.at(-1) ?? '', role, config, chatId);
      const body = sendWhole(reply, request, answer.content);
      logAnswered();
      return body;
    }

    const { handle, session, turn } = deps.turns.begin({ role, config, conversation: readConversation(request.messages), chatId });
    const leave = (): void => {
      if (config.settings.on_disconnect === 'cancel') handle.cancel();
    };
    if (request.stream) {
      const { tokens, error } = await streamTurn(reply, handle, leave, config, role, request, style);
      // A stream's status is 200 from its start: a turn that failed in it is logged with its error's status.
      logAnswered(error?.status ?? 200, { tokens, ...turnFields(session, turn), ...errorField(error) });
      return undefined;
    }
    try {
      const completion = await completeTurn(reply, handle, leave, config, role, request, style);
      logAnswered(200, { tokens: completion.usage.total_tokens, ...turnFields(session, turn) });
      return completion;
    } catch (error) {
      if (error instanceof ApiError) logAnswered(error.status, { ...turnFields(session, turn), ...errorField(error) });
      throw error;
    }
  });
}

async function streamTurn(
  reply: FastifyReply,
  handle: TurnHandle,
  leave: () => void,
  config: HelixConfig,
  role: Role,
  request: ChatRequest,
  style: ProgressStyle,
): Promise<{ tokens?: number; error?: ApiError }> {
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
  let failure: ApiError | undefined;
  const fail = (error: ApiError): void => {
    failure = error;
    send(renderer.failed(error.message));
    sse.data(error.toBody());
  };

  sse.data(chunks.role());
  send(renderer.starting(`${role.name} · ${role.provider}:${role.model}`));
  let toolCalls = 0;
  let tokens: number | undefined;
  await followTurn(reply, handle, leave, (event) => {
    if (event.type === 'handoff') {
      for (const chunk of chunks.text('content', event.question)) sse.data(chunk);
      send(renderer.finished('Waiting for your answer in this chat'));
      sse.data(chunks.finish('stop'));
      return;
    }
    if (event.type !== 'finished') {
      if (event.type === 'tool_use') toolCalls += 1;
      send(renderer.event(event));
      return;
    }
    const { outcome } = event;
    if (outcome.ok) {
      const usage = toOpenAiUsage(outcome.result);
      tokens = usage.total_tokens;
      send(renderer.finished(summarize(outcome.result, toolCalls, Date.now() - started)));
      sse.data(chunks.finish('stop'));
      if (request.includeUsage) sse.data(chunks.usage(usage));
    } else if (outcome.error.code !== 'cancelled') {
      fail(describeRunError(outcome.error, role, config));
    }
  });
  sse.data('[DONE]');
  sse.end();
  return { tokens, error: failure };
}

async function completeTurn(
  reply: FastifyReply,
  handle: TurnHandle,
  leave: () => void,
  config: HelixConfig,
  role: Role,
  request: ChatRequest,
  style: ProgressStyle,
): Promise<{ usage: OpenAiUsage }> {
  // The answer alone is the content; the reasoning the style would stream goes beside it.
  const renderer = createProgressRenderer(style);
  let reasoning = '';
  const keepReasoning = (pieces: Piece[]): void => {
    for (const piece of pieces) if (piece.kind === 'reasoning') reasoning += piece.text;
  };
  keepReasoning(renderer.starting(`${role.name} · ${role.provider}:${role.model}`));
  let answer = '';
  let finished: Extract<TurnEvent, { type: 'finished' }> | undefined;
  let question: string | undefined;
  await followTurn(reply, handle, leave, (event) => {
    if (event.type === 'handoff') question = event.question;
    else if (event.type === 'text') answer += event.text;
    // Unlike a stream, a one-shot answer can take back text the CLI discarded.
    else if (event.type === 'text_discarded') answer = '';
    else if (event.type === 'finished') finished = event;
    else keepReasoning(renderer.event(event));
  });
  const empty = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 };
  if (question !== undefined) return new ChunkBuilder(request.model).completion(answer + question, 'stop', toOpenAiUsage({ usage: empty, costUsd: 0 } as RunResult), reasoning.trimEnd());
  const outcome = finished?.outcome ?? { ok: false as const, error: { code: 'cancelled' as const, detail: 'the client left' } };
  if (!outcome.ok) throw describeRunError(outcome.error, role, config);
  return new ChunkBuilder(request.model).completion(answer || outcome.result.text, 'stop', toOpenAiUsage(outcome.result), reasoning.trimEnd());
}

/** A whole answer (a background task's) in the form the request asked for. */
function sendWhole(reply: FastifyReply, request: ChatRequest, content: string): object | undefined {
  const chunks = new ChunkBuilder(request.model);
  const usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 }, cost: 0 };
  if (!request.stream) return chunks.completion(content, 'stop', usage);
  reply.hijack();
  const sse = new SseStream(reply.raw, 15_000);
  sse.data(chunks.role());
  for (const chunk of chunks.text('content', content)) sse.data(chunk);
  sse.data(chunks.finish('stop'));
  if (request.includeUsage) sse.data(chunks.usage(usage));
  sse.data('[DONE]');
  sse.end();
  return undefined;
}
