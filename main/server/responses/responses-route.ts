/**
 * POST /v1/responses: a turn of a Claude Code session as an OpenAI Responses object, streamed as
 * its events or answered whole. The turn machinery is the one chat completions use (sessions,
 * resume, queue, cancel on disconnect, errors with advice); what differs is the shape: each tool
 * Claude Code runs is an output item with its outcome (see response-builder.ts), interleaved
 * with reasoning and text. Open WebUI's background tasks are answered without Claude Code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunResult } from '../../../common/run-event';
import type { HelixConfig, Role } from '../../providers/load-config';
import type { Exchange } from '../../sessions/conversation';
import { readConversation } from '../read-conversation';
import type { TurnEvent, TurnHandle } from '../../turns/turn-handle';
import type { TurnService } from '../../turns/turn-service';
import { detectTask } from '../../tasks/detect-task';
import type { TaskService } from '../../tasks/task-service';
import { errorField, turnFields, type ApiRequestLog } from '../api-request-log';
import { messageText } from '../chat-request';
import { ChunkBuilder } from '../chunks';
import { findRole } from '../find-role';
import { chatIdOf, followTurn, requestHeader } from '../follow-turn';
import { ApiError, invalidRequest } from '../openai-errors';
import { createProgressRenderer, summarize, type Piece } from '../progress';
import { describeRunError } from '../run-errors';
import { MAX_SSE_LINE, SseStream } from '../sse';
import { itemId, ResponseBuilder, type ResponseEvent, type ResponseFields, type ToolItems } from './response-builder';
import { toChatMessages } from './responses-input';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request';

export interface ResponsesDeps {
  getConfig(): HelixConfig;
  turns: TurnService;
  tasks: TaskService;
  requests: ApiRequestLog;
}

const PATH = '/v1/responses';
const TOOL_ITEMS: readonly ToolItems[] = ['function_call', 'mcp_call'];

export function registerResponses(app: FastifyInstance, deps: ResponsesDeps): void {
  app.post(PATH, async (req, reply) => {
    const request = parseResponsesRequest(req.body);
    const openWebUi = fromOpenWebUi(req);
    const toolItems = toolItemsFor(req, openWebUi);
    const config = deps.getConfig();
    const role = findRole(config, request.model);
    const chatId = chatIdOf(req);

    const logAnswered = deps.requests.answered(req, PATH, request.model);
    const fields = (id: string): ResponseFields => ({
      id,
      model: request.model,
      instructions: request.instructions,
      previousResponseId: request.previousResponseId,
      metadata: request.metadata,
      maxOutputTokens: request.maxOutputTokens,
    });

    const messages = toChatMessages(request.items, request.instructions, earlierExchanges(deps.turns, request));
    const userTexts = messages.filter((m) => m.role === 'user').map(messageText);
    const task = detectTask(requestHeader(req, 'x-helix-task'), request.stream, userTexts);
    if (task) {
      const answer = await deps.tasks.answer(task, userTexts.at(-1) ?? '', role, config, chatId);
      const builder = new ResponseBuilder(fields(itemId('resp')), toolItems);
      const events = [...builder.started(), ...builder.completed(emptyResult(), answer.content)];
      logAnswered();
      if (!request.stream) return builder.response();
      reply.hijack();
      const sse = new SseStream(reply.raw, config.settings.keepalive_seconds * 1000);
      for (const event of events) sse.data(event);
      sse.end();
      return undefined;
    }

    const continues = request.previousResponseId ? turnIdOf(request.previousResponseId) : undefined;
    const { handle, session, turn } = deps.turns.begin({ role, config, conversation: readConversation(messages), chatId, continues });
    const builder = new ResponseBuilder(fields(responseIdOf(turn.id)), toolItems);
    const leave = (): void => {
      if (config.settings.on_disconnect === 'cancel') handle.cancel();
    };
    if (!request.stream) {
      try {
        const response = await completeTurn(reply, handle, leave, builder, config, role);
        logAnswered(200, { tokens: builder.totalTokens, ...turnFields(session, turn) });
        return response;
      } catch (error) {
        if (error instanceof ApiError) logAnswered(error.status, { ...turnFields(session, turn), ...errorField(error) });
        throw error;
      }
    }
    const error = await streamTurn(reply, handle, leave, builder, config, role, openWebUi);
    // A stream's status is 200 from its start: a turn that failed in it is logged with its error's status.
    logAnswered(error?.status ?? 200, { tokens: builder.totalTokens, ...turnFields(session, turn), ...errorField(error) });
    return undefined;
  });
}

/** A response's id names its turn, which the session store keeps: previous_response_id finds it again, across restarts. */
function responseIdOf(turnId: string): string {
  return `resp_${turnId.replaceAll('-', '')}`;
}

function turnIdOf(responseId: string): string | undefined {
  const match = /^resp_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(responseId);
  return match ? match.slice(1).join('-') : undefined;
}

/** The exchanges before this request's input: those of the response it continues, if it names one. */
function earlierExchanges(turns: TurnService, request: ResponsesRequest): Exchange[] {
  const id = request.previousResponseId;
  if (!id) return [];
  const turnId = turnIdOf(id);
  const found = turnId ? turns.conversationThrough(turnId) : undefined;
  if (!found) throw invalidRequest(`Previous response with id '${id.slice(0, 100)}' not found.`, 'previous_response_id', 'previous_response_not_found');
  return found.exchanges;
}

/** Open WebUI sends its forwarded user/chat headers, or the X-Helix-Chat-Id header its connection is set up with. */
function fromOpenWebUi(req: FastifyRequest): boolean {
  return Object.keys(req.headers).some((name) => name.startsWith('x-openwebui-') || name === 'x-helix-chat-id');
}

function toolItemsFor(req: FastifyRequest, openWebUi: boolean): ToolItems {
  const asked = requestHeader(req, 'x-helix-tool-items')?.toLowerCase();
  if (asked === undefined) return openWebUi ? 'function_call' : 'mcp_call';
  if ((TOOL_ITEMS as readonly string[]).includes(asked)) return asked as ToolItems;
  throw invalidRequest(`X-Helix-Tool-Items must be one of ${TOOL_ITEMS.join(', ')}; got "${asked}".`, 'X-Helix-Tool-Items');
}

async function streamTurn(
  reply: FastifyReply,
  handle: TurnHandle,
  leave: () => void,
  builder: ResponseBuilder,
  config: HelixConfig,
  role: Role,
  openWebUi: boolean,
): Promise<ApiError | undefined> {
  reply.hijack();
  const started = Date.now();
  // Open WebUI (up to 0.11) aborts a turn on a line over 128 KiB; SDKs read lines of any length.
  const sse = new SseStream(reply.raw, config.settings.keepalive_seconds * 1000, openWebUi ? MAX_SSE_LINE : Number.POSITIVE_INFINITY);
  const send = (events: ResponseEvent[]): void => {
    for (const event of events) sse.data(openWebUi ? withinLineLimit(event) : event);
  };
  // Open WebUI shows `{"event": …}` lines as the status line above the message (queue, retries,
  // waiting); other clients would read them as malformed events, so only Open WebUI gets them.
  const statuses = createProgressRenderer('openwebui');
  const chunks = new ChunkBuilder(builder.response().model as string);
  const status = (pieces: Piece[]): void => {
    if (!openWebUi) return;
    for (const piece of pieces) if (piece.kind === 'status') sse.data(chunks.status(piece.description, piece.done));
  };

  send(builder.started());
  status(statuses.starting(`${role.name} · ${role.provider}:${role.model}`));
  let toolCalls = 0;
  let failure: ApiError | undefined;
  await followTurn(reply, handle, leave, (event: TurnEvent) => {
    if (event.type === 'handoff') {
      // The question ends this response; the tool's call waits for the reply that answers it.
      send(builder.handedOff(event.question));
      status(statuses.finished('Waiting for your answer in this chat'));
      return;
    }
    if (event.type !== 'finished') {
      if (event.type === 'tool_use') toolCalls += 1;
      if (event.type === 'waiting' || event.type === 'queued' || event.type === 'started' || event.type === 'retry' || event.type === 'approval') status(statuses.event(event));
      send(builder.event(event));
      return;
    }
    const { outcome } = event;
    if (outcome.ok) {
      send(builder.completed(outcome.result, outcome.result.text));
      status(statuses.finished(summarize(outcome.result, toolCalls, Date.now() - started)));
    } else {
      // Also when cancelled: a client still reading (the run was stopped from the panel) must get
      // every started tool call closed, or Open WebUI would run the unanswered ones itself.
      const error = describeRunError(outcome.error, role, config);
      if (outcome.error.code !== 'cancelled') failure = error;
      send(builder.failed(error));
      status(statuses.failed(error.message));
    }
  });
  sse.end();
  return failure;
}

async function completeTurn(
  reply: FastifyReply,
  handle: TurnHandle,
  leave: () => void,
  builder: ResponseBuilder,
  config: HelixConfig,
  role: Role,
): Promise<Record<string, unknown>> {
  let finished: Extract<TurnEvent, { type: 'finished' }> | undefined;
  let question: string | undefined;
  await followTurn(reply, handle, leave, (event) => {
    if (event.type === 'handoff') question = event.question;
    else if (event.type === 'finished') finished = event;
    // Unlike a stream, a one-shot answer can take back text the CLI discarded.
    else if (event.type === 'text_discarded') builder.discardText();
    else builder.event(event);
  });
  if (question !== undefined) {
    builder.handedOff(question);
    return builder.response();
  }
  const outcome = finished?.outcome ?? { ok: false as const, error: { code: 'cancelled' as const, detail: 'the client left' } };
  if (!outcome.ok) throw describeRunError(outcome.error, role, config);
  builder.completed(outcome.result, outcome.result.text);
  return builder.response();
}

/**
 * The final response repeats every item: for a long run its line would pass the limit. Open
 * WebUI keeps the output it built from the item events when the final response names none.
 */
function withinLineLimit(event: ResponseEvent): ResponseEvent {
  const response = event.response as Record<string, unknown> | undefined;
  if (!response || Buffer.byteLength(JSON.stringify(event)) < MAX_SSE_LINE - 64) return event;
  const { output: _left, ...rest } = response;
  return { ...event, response: rest };
}

/** A background task's answer costs no Claude Code run. */
function emptyResult(): RunResult {
  return {
    isError: false,
    subtype: 'success',
    text: '',
    errors: [],
    sessionId: '',
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0, thinkingTokens: 0 },
    costUsd: 0,
    durationMs: 0,
    numTurns: 0,
    apiErrorStatus: null,
    apiFailed: false,
  };
}
