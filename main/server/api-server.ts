/**
 * The OpenAI-compatible HTTP server: /v1/models, /v1/chat/completions, /v1/responses, /health.
 * Every request needs the app's Bearer key; every error has OpenAI's shape.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { StorageError } from '../platform/data-dir';
import { fastifyLogging } from '../platform/http-log';
import type { RunService } from '../turns/run-service';
import type { HelixConfig } from '../providers/load-config';
import type { ProviderStatus } from '../providers/provider-status';
import type { TurnService } from '../turns/turn-service';
import type { TaskService } from '../tasks/task-service';
import { checkBearer, isLoopbackHost } from '../platform/auth';
import { registerChatCompletions } from './chat-completions';
import { handleOrigin } from './cors';
import { registerModels } from './models';
import { registerResponses } from './responses/responses-route';
import { clientName, errorField, type ApiRequestLog } from './api-request-log';
import { ApiError } from './openai-errors';
import { storageFailure } from './run-errors';

export interface ApiServerDeps {
  apiKey: string;
  getConfig(): HelixConfig;
  runs: RunService;
  turns: TurnService;
  tasks: TaskService;
  version: string;
  claudeBinPath: string | null;
  requests: ApiRequestLog;
  /** The diagnostic log (none: nothing is logged). */
  log?: FastifyBaseLogger;
  /** Provider readiness (keys set or missing), the config file's state and the room left for sessions, for /health. */
  status(): { providers: ProviderStatus[]; configError: string | null; data_dir: { path: string; free_bytes: number | null } };
}

/** Chat bodies carry whole conversations and pasted images. */
const BODY_LIMIT = 32 * 1024 * 1024;

export function buildApiServer(deps: ApiServerDeps): FastifyInstance {
  // Runs are stopped before the server closes, so no connection is worth waiting for.
  const app = Fastify({ bodyLimit: BODY_LIMIT, ...fastifyLogging(deps.log), forceCloseConnections: true });
  const startedAt = Date.now();

  // Chat turns log themselves (chat-completions.ts, responses-route.ts), with their turn's figures; the rest here.
  const failures = new WeakMap<object, ApiError>();
  app.addHook('onResponse', async (req, reply) => {
    if (deps.requests.logged.has(req)) return;
    const error = failures.get(req);
    deps.requests.add({ method: req.method, path: req.url.split('?')[0] ?? '', client: clientName(req.headers), model: modelOf(req.body), status: reply.statusCode, latencyMs: Math.round(reply.elapsedTime), ...errorField(error) });
  });

  app.addHook('onRequest', async (req, reply) => {
    if (!hostAllowed(req.headers.host, req.socket.localAddress, req.socket.localPort)) {
      // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) sends its own Host.
      throw new ApiError(403, 'This server answers only to its own address (the Host header names another).', 'invalid_request_error', 'forbidden_host');
    }
    if (handleOrigin(req, reply, deps.getConfig().settings.cors_origins)) return reply;
    if (!checkBearer(req.headers.authorization, deps.apiKey)) {
      throw new ApiError(
        401,
        'Missing or wrong API key: send "Authorization: Bearer <key>" with the key Helix shows in its connection details.',
        'invalid_request_error',
        'invalid_api_key',
      );
    }
  });

  app.get('/health', async () => ({
    status: 'ok',
    version: deps.version,
    uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    active_runs: deps.runs.activeCount,
    models: deps.getConfig().roles.map((role) => role.modelId),
    claude_cli: deps.claudeBinPath,
    ...deps.status(),
  }));
  registerModels(app, deps.getConfig);
  registerChatCompletions(app, deps);
  registerResponses(app, deps);

  app.setNotFoundHandler(async (req) => {
    throw new ApiError(404, `No route ${req.method} ${req.url.split('?')[0]}.`, 'invalid_request_error', 'not_found');
  });

  app.setErrorHandler(async (error: FastifyError | ApiError | StorageError, req, reply) => {
    const apiError = toApiError(error);
    failures.set(req, apiError);
    if (apiError.status >= 500) req.log.error(error);
    return reply.status(apiError.status).send(apiError.toBody());
  });

  return app;
}

/**
 * On a loopback address the Host must name loopback; bound to another address (e.g. for Open
 * WebUI in Docker, reaching it as host.docker.internal) any name may be used, and the key guards it.
 */
export function hostAllowed(host: string | undefined, localAddress: string | undefined, port: number | undefined): boolean {
  const loopback = localAddress === '127.0.0.1' || localAddress === '::1' || localAddress === '::ffff:127.0.0.1';
  if (!loopback) return true;
  return isLoopbackHost(host, port);
}

function modelOf(body: unknown): string | undefined {
  const model = (body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model.slice(0, 200) : undefined;
}

function toApiError(error: FastifyError | ApiError | StorageError): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StorageError) return storageFailure(error.message);
  const status = error.statusCode ?? 500;
  if (status < 500) {
    const message =
      error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'The request body must be JSON (Content-Type: application/json).'
        : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `The request body is larger than ${BODY_LIMIT / 1024 / 1024} MB.`
          : `Invalid request: ${error.message}`;
    return new ApiError(status, message, 'invalid_request_error', error.code ?? null);
  }
  return new ApiError(500, `Internal error: ${error.message}`, 'server_error', 'internal_error');
}
