/**
 * Requests from web pages, which browsers mark with an Origin. Clients that are not pages (Open
 * WebUI's backend, SDKs, curl) send none and are unaffected. A page is refused unless
 * settings.cors_origins lists it (e.g. for Open WebUI's "direct connections"); a listed page gets
 * its preflight answered without the key (browsers send none there) and its responses readable.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './openai-errors';

/** True when the request was a preflight, now answered; throws for a page that is not listed. */
export function handleOrigin(req: FastifyRequest, reply: FastifyReply, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  if (!origins.includes(origin)) {
    throw new ApiError(
      403,
      `Requests from web pages are refused unless settings.cors_origins lists the page (this one came from ${origin.slice(0, 200)}).`,
      'invalid_request_error',
      'forbidden_origin',
    );
  }
  // Set on the raw response so streamed (hijacked) replies carry it too.
  reply.raw.setHeader('access-control-allow-origin', origin);
  reply.raw.setHeader('vary', 'Origin');
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  // A listed page may send what headers it likes (SDKs add their own, e.g. x-stainless-*): the key still guards it.
  const headers = req.headers['access-control-request-headers'] ?? 'authorization, content-type';
  void reply.code(204).headers({ 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': headers, 'access-control-max-age': '600' }).send();
  return true;
}
