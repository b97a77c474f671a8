/** Deterministic junk for fuzzing request bodies (a failure can be replayed from its seed). */

export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const STRINGS = ['', 'user', 'assistant', 'system', 'message', 'input_text', 'function_call', 'helix-consultant', '../../etc/passwd', '\u0000\u001b[31m', '💥'.repeat(3), '{"a":', 'x'.repeat(300)];

/** A random JSON value whose objects use `keys`, so some of it looks like a real request. */
export function junk(next: () => number, keys: string[], depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 5 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() > 0.5;
    case 2:
      return Math.floor(next() * 1e6) - 5e5;
    case 3:
    case 4:
      return STRINGS[Math.floor(next() * STRINGS.length)];
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => junk(next, keys, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [keys[Math.floor(next() * keys.length)], junk(next, keys, depth + 1)]));
  }
}

/**
 * Posts `count` fuzzed bodies and counts their statuses. A body that would be a valid turn names
 * an unknown model instead, so no run starts.
 */
export async function fuzzStatuses(count: number, next: () => number, keys: string[], post: (body: string) => Promise<Response>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const value = junk(next, keys);
    if (value && typeof value === 'object' && !Array.isArray(value) && (value as { model?: unknown }).model === 'helix-consultant') (value as { model: string }).model = 'nope';
    const response = await post(JSON.stringify(value));
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    await response.arrayBuffer();
  }
  return statuses;
}
