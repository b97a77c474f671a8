/**
 * The diagnostic log for a Fastify server: the logger handed to Fastify (for its own errors),
 * and one lean line per answered request — method, path without its query, status, latency.
 * Fastify's own request lines are replaced: they carry the URL's query (the control panel's event
 * stream has its token there) and the client's address, and log each request twice.
 */
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { pathOnly } from './diag-log';

class LeanRequestLog extends LogController {
  constructor(private readonly level: 'info' | 'debug') {
    super();
  }

  override incomingRequest(): void {
    // the completed line says it all
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { method: request.method, path: pathOnly(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...fields, err: error }, 'request failed');
    else reply.log[this.level](fields, 'request');
  }

  override routeNotFound(): void {
    // its 404 is in the completed line; Fastify's own message quotes the query
  }
}

/**
 * Fastify's logging options for a server given this logger (none: it logs nothing). `level` is
 * that of its request lines: the panel's own requests are chatty, worth a line only when debugging.
 */
export function fastifyLogging(log: FastifyBaseLogger | undefined, level: 'info' | 'debug' = 'info'): { loggerInstance: FastifyBaseLogger; logController: LogController } | { logger: false } {
  return log ? { loggerInstance: log, logController: new LeanRequestLog(level) } : { logger: false };
}
