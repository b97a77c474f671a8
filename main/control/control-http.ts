/**
 * The control panel over HTTP, for the browser in headless mode: the built UI at `/`, commands
 * at `POST /control/<command>` (`{"args": [...]}`), live events at `GET /control/events` (SSE).
 * It needs its own token (sent as Bearer, or `?token=` for EventSource) and refuses requests
 * whose Host or Origin is not this server, so other web pages cannot drive it (DNS rebinding, CSRF).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ControlResult } from '../../common/control';
import { fastifyLogging } from '../platform/http-log';
import { checkBearer, checkKey, isLoopbackHost } from '../platform/auth';
import { isCommand } from './command-args';
import { dispatch, type ControlService } from './control-service';

interface ControlHttpOptions {
  token: string;
  service: ControlService;
  /** The built renderer (out/renderer), if there is one. */
  rendererDir: string | null;
  /** The diagnostic log (none: nothing is logged). */
  log?: FastifyBaseLogger;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon' };

export function buildControlServer(options: ControlHttpOptions): FastifyInstance {
  // The panel's requests are chatty: their lines are at debug level.
  const app = Fastify({ ...fastifyLogging(options.log, 'debug'), forceCloseConnections: true });

  app.addHook('onRequest', async (req, reply) => {
    if (!sameOrigin(req)) return reply.status(403).send({ ok: false, error: { code: 'forbidden_origin', message: 'Requests to the control panel must come from the control panel itself.' } });
  });

  app.get('/', async (_req, reply) => sendFile(reply, options.rendererDir, 'index.html'));
  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) => sendFile(reply, options.rendererDir, path.join('assets', req.params['*'])));

  app.post<{ Params: { command: string }; Body: { args?: unknown } }>('/control/:command', async (req, reply): Promise<ControlResult<unknown>> => {
    if (!checkBearer(req.headers.authorization, options.token)) return refuse(reply, 401, 'invalid_token', 'Missing or wrong control token: open the control-panel URL printed at start.');
    const { command } = req.params;
    if (!isCommand(command)) return refuse(reply, 404, 'unknown_command', `No command "${command}".`);
    const result = await dispatch(options.service, command, req.body?.args ?? []);
    if (!result.ok) reply.status(failureStatus(result.error.code));
    return result;
  });

  app.get<{ Querystring: { token?: string } }>('/control/events', async (req, reply) => {
    if (!checkKey(req.query.token, options.token)) return refuse(reply, 401, 'invalid_token', 'Missing or wrong control token.');
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    reply.raw.write(': connected\n\n');
    const unsubscribe = options.service.subscribe((event) => reply.raw.write(`data: ${JSON.stringify(event)}\n\n`));
    const keepalive = setInterval(() => reply.raw.write(': keepalive\n\n'), 15_000);
    reply.raw.on('close', () => {
      unsubscribe();
      clearInterval(keepalive);
    });
  });

  return app;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): ControlResult<never> {
  reply.status(status);
  return { ok: false, error: { code, message } };
}

/** dispatch's own refusals by their code; every other code is a ControlError's (not_found, provider_failed). */
function failureStatus(code: string): number {
  if (code === 'invalid_arguments') return 400;
  return code === 'failed' ? 422 : 404;
}

/** Host must name this server by a loopback name (or the address it is bound to); an Origin, if sent, must match it. */
function sameOrigin(req: FastifyRequest): boolean {
  const host = req.headers.host ?? '';
  const local = req.socket.localAddress ?? '';
  const port = String(req.socket.localPort);
  const bound = `${local.includes(':') ? `[${local}]` : local}:${port}`;
  if (!isLoopbackHost(host, port) && host !== bound) return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

function sendFile(reply: FastifyReply, dir: string | null, relative: string): FastifyReply {
  const file = dir ? path.resolve(dir, relative) : '';
  if (!dir || !file.startsWith(path.resolve(dir) + path.sep) || !existsSync(file)) {
    return reply.status(404).type('text/plain').send(dir ? 'Not found.' : 'The control panel is not built: run "npm run build".');
  }
  return reply.type(TYPES[path.extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
}
