/**
 * The diagnostic log for a Fastify server: the logger handed to Fastify (for its own errors),
 * and one lean line per answered request — method, path without its query, status, latency.
 * Fastify's own request lines are off: they would carry the URL's query (the control panel's
 * event stream has its token there) and the client's address.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pathOnly } from './diag-log';

/** Fastify's logging options for a server given this logger (none: it logs nothing). */
export function fastifyLogging(log: FastifyBaseLogger | undefined): { loggerInstance: FastifyBaseLogger; disableRequestLogging: true } | { logger: false } {
  return log ? { loggerInstance: log, disableRequestLogging: true } : { logger: false };
}

/** One record per answered request, at `level` (the panel's own requests are chatty: debug). */
export function logRequests(app: FastifyInstance, level: 'info' | 'debug' = 'info'): void {
  app.addHook('onResponse', async (req, reply) => {
    req.log[level]({ method: req.method, path: pathOnly(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
