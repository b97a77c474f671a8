/** A JSON object read from text an upstream or a client sent; undefined for anything else, never a throw. */
export type Json = Record<string, unknown>;

export function parseJsonObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
