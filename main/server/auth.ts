/**
 * Bearer-key check in constant time: both sides are hashed first, so neither the content nor
 * the length of the key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function checkBearer(header: string | undefined, apiKey: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1] || !apiKey) return false;
  return timingSafeEqual(digest(match[1]), digest(apiKey));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
