/**
 * CORS, off unless settings.cors_origins names the pages that may call the API from a browser
 * (e.g. Open WebUI's "direct connections"). A listed origin gets its preflight answered without the
 * key (browsers send none there) and its responses readable; every other origin gets no CORS header.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const ALLOWED_HEADERS = 'authorization, content-type, x-helix-chat-id, x-helix-task, x-helix-progress, x-openwebui-chat-id';

/** True when the request was a preflight, now answered. */
export function applyCors(req: FastifyRequest, reply: FastifyReply, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || !origins.includes(origin)) return false;
  // Set on the raw response so streamed (hijacked) replies carry it too.
  reply.raw.setHeader('access-control-allow-origin', origin);
  reply.raw.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  void reply.code(204).headers({ 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': ALLOWED_HEADERS, 'access-control-max-age': '600' }).send();
  return true;
}
