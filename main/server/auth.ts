/**
 * Key checks in constant time: both sides are hashed first, so neither the content nor the
 * length of the key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function checkKey(given: string | undefined, key: string): boolean {
  if (!given || !key) return false;
  return timingSafeEqual(digest(given), digest(key));
}

/** `Authorization: Bearer <key>`. */
export function checkBearer(header: string | undefined, apiKey: string): boolean {
  return checkKey(/^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1], apiKey);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
