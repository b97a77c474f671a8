/**
 * A provider's error answer as Helix keeps and shows it. Only named fields are taken from it
 * (an allowlist: `type`, `code`, `message` of OpenAI's and Anthropic's error shapes — never the
 * rest of the body, never a header), bounded in size, and every secret the request was sent
 * with (the provider's key, its configured header values) is cut out of them: a provider that
 * echoes the Authorization header in its error message does not put the key in the panel, the
 * session log or Claude Code's hands.
 */
import type { ProviderErrorBody } from '../../common/request-query';
import { parseJsonObject, type Json } from './json-object';

const MAX_MESSAGE = 2000;
const MAX_FIELD = 100;
export const REDACTED = '[redacted]';
/** Shorter values (a header such as `X-Title: 1`) are not secrets, and cutting them would garble the message. */
const MIN_SECRET = 8;
/** Credentials in a message whatever their value: an echoed `Bearer …` or `x-api-key: …`. */
const CREDENTIAL = /\b(bearer\s+|x-api-key["']?\s*[:=]\s*["']?|api[_-]?key["']?\s*[:=]\s*["']?)[^\s"',;]+/gi;

/** The secrets a request to a provider carries: its key and the values of its configured headers. */
export function requestSecrets(key: string | undefined, headers: Record<string, string> | undefined): string[] {
  return [key, ...Object.values(headers ?? {})].filter((value): value is string => typeof value === 'string' && value.length >= MIN_SECRET);
}

/** `text` with every secret cut out (longest first, so one that contains another goes whole). */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
  return out.replace(CREDENTIAL, (_match, prefix: string) => `${prefix}${REDACTED}`);
}

/** The allowlisted fields of an error answer (JSON in OpenAI's or Anthropic's shape, or plain text), secrets cut out. */
export function providerErrorBody(status: number, text: string, secrets: string[]): ProviderErrorBody {
  const body = parseJsonObject(text);
  const error = body?.error;
  const fields: Json = typeof error === 'object' && error !== null && !Array.isArray(error) ? (error as Json) : {};
  const message = typeof fields.message === 'string' ? fields.message : typeof error === 'string' ? error : typeof body?.message === 'string' ? body.message : typeof body?.detail === 'string' ? body.detail : body ? '' : text;
  const short = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? redactSecrets(String(value), secrets).slice(0, MAX_FIELD) : undefined);
  const result: ProviderErrorBody = { status, message: redactSecrets(message.trim(), secrets).slice(0, MAX_MESSAGE) };
  const type = short(fields.type);
  const code = short(fields.code);
  if (type !== undefined) result.type = type;
  if (code !== undefined) result.code = code;
  return result;
}
