/**
 * Key checks in constant time: both sides are hashed first, so neither the content nor the
 * length of the key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function checkKey(given: string | undefined, key: string): boolean {
  if (!given || !key) return false;
  return timingSafeEqual(digest(given), digest(key));
}

/** The Host values that name this machine's loopback interface on `port`. */
export function isLoopbackHost(host: string | undefined, port: number | string | undefined): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

/** `Authorization: Bearer <key>`. */
export function checkBearer(header: string | undefined, apiKey: string): boolean {
  return checkKey(/^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1], apiKey);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
