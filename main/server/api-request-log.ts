/**
 * The API server's request log for the control panel: method, path, who sent it, the model asked
 * for, status, latency and, for chat turns, what the turn recorded (the model that answered, its
 * provider, tokens, cost, its session, its error). Nothing from headers or bodies beyond the model
 * name and the client's name.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestEntry } from '../../common/control';
import type { SessionRecord, TurnRecord } from '../../common/session';
import { BoundedLog } from '../platform/bounded-log';

export type ApiRequestEntry = Omit<RequestEntry, 'source' | 'id'> & { seq: number };

/** How much of an error message an entry keeps. */
const ERROR_CHARS = 2000;

export class ApiRequestLog extends BoundedLog<ApiRequestEntry> {
  /** Requests whose route logged them already (a chat turn, with its figures): the server's hook leaves them. */
  readonly logged = new WeakSet<object>();

  /**
   * How a chat route logs its request once answered, with the turn's figures: a streamed reply is
   * hijacked, past Fastify's hooks. Latency counts from this call.
   */
  answered(req: { headers: IncomingHttpHeaders }, path: string, model: string): (status?: number, fields?: Partial<ApiRequestEntry>) => void {
    const started = Date.now();
    return (status = 200, fields = {}) => {
      this.logged.add(req);
      this.add({ method: 'POST', path, client: clientName(req.headers), model, status, latencyMs: Date.now() - started, ...fields });
    };
  }
}

/** An error as an entry keeps it (bounded); nothing without one. */
export function errorField(error: { message: string } | undefined): Partial<ApiRequestEntry> {
  return error ? { error: error.message.slice(0, ERROR_CHARS) } : {};
}

/**
 * Who sent a request: Open WebUI (by the headers only it sends), else the first product of its
 * User-Agent ("OpenAI/JS", "python-requests") — a name, never the rest of the header.
 */
export function clientName(headers: IncomingHttpHeaders): string | undefined {
  if (Object.keys(headers).some((name) => name.startsWith('x-openwebui-') || name === 'x-helix-chat-id' || name === 'x-helix-task')) return 'Open WebUI';
  const agent = headers['user-agent'];
  return typeof agent === 'string' ? /^[A-Za-z][\w.-]{0,40}(?:\/[\w.-]{1,20})?/.exec(agent.trim())?.[0] : undefined;
}

/** What a chat turn adds to its request's entry, read from the turn's record (complete once the turn finished). */
export function turnFields(session: SessionRecord, turn: TurnRecord): Partial<ApiRequestEntry> {
  const provider = turn.target?.split(':')[0];
  return {
    sessionId: session.id,
    turnId: turn.id,
    ...(provider ? { provider } : {}),
    ...(turn.model ? { modelAnswered: turn.model } : {}),
    ...(turn.usage ? { inputTokens: turn.usage.inputTokens + turn.usage.cacheReadTokens + turn.usage.cacheCreationTokens, outputTokens: turn.usage.outputTokens } : {}),
    ...(turn.costUsd !== undefined ? { costUsd: turn.costUsd } : {}),
    ...(turn.status === 'failed' && turn.error ? errorField({ message: turn.error }) : {}),
  };
}
