/**
 * What Open WebUI reads from a task's answer, and how we write one so that it reads it.
 *
 * Open WebUI (0.5.9–0.11) takes the text between the first `{` and the last `}` of a JSON task's
 * answer, json-parses it and reads one key; web-search and image-prompt answers (0.10+) are cut
 * from the *last* `{` instead, and the browser-side title and tags parsers first turn every
 * `'`, `‘`, `’` and `` ` `` into `"`. Whatever fails is silently dropped (no title, no tags, the
 * raw message as search query). So an answer counts only if Open WebUI would read a value of the
 * right type from it, and we send that value re-encoded so every one of those parsers reads it.
 */
import { ANSWER_KEYS, requestedKind, type TaskKind } from './detect-task';

/** The value Open WebUI takes from an answer: a title, a list of tags, an emoji, … */
export type TaskValue = string | string[] | Array<{ name: string }> | Record<string, unknown>;

/** Title answers are plain text when the prompt asks for no JSON (Open WebUI before 0.5.9). */
function answersInText(kind: TaskKind, prompt: string): boolean {
  return kind === 'emoji' || kind === 'merge' || (kind === 'title' && requestedKind(prompt) !== 'title');
}

/** The value Open WebUI would read from this answer, or undefined if it would read nothing usable. */
export function readTaskAnswer(kind: TaskKind, prompt: string, text: string): TaskValue | undefined {
  if (answersInText(kind, prompt)) return text.trim() || undefined;
  const object = openWebUiJson(text);
  if (!isObject(object)) return undefined;
  if (!isJsonKind(kind)) return object; // 'other': some JSON object, key unknown
  const value = object[ANSWER_KEYS[kind]];
  switch (kind) {
    case 'title':
    case 'image_prompt':
      return typeof value === 'string' && value.trim() ? value.trim() : undefined;
    case 'autocomplete':
      return typeof value === 'string' ? value : undefined;
    case 'tags':
    case 'follow_ups':
    case 'queries':
      return isStringList(value) ? value : undefined;
    case 'function_calling':
      return Array.isArray(value) && value.every((call) => isObject(call) && typeof call.name === 'string') ? (value as Array<{ name: string }>) : undefined;
  }
}

/** The answer to send for a value, in the form the task's prompt asked for. */
export function writeTaskAnswer(kind: TaskKind, prompt: string, value: TaskValue): string {
  if (answersInText(kind, prompt)) return String(value);
  return encodeJson(isJsonKind(kind) ? { [ANSWER_KEYS[kind]]: value } : value);
}

/** A task answer as Open WebUI reads it: the JSON between the first `{` and the last `}`, or undefined if that does not parse. */
function openWebUiJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/**
 * JSON whose strings carry no braces and no quote-like characters (escaped as \uXXXX, which
 * every JSON parser decodes): the only `{` and `}` are the object's own, so first-or-last-brace
 * cutting and the browser's quote replacement leave it intact.
 */
function encodeJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value).replace(/[{}'‘’`]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(value)) return `[${value.map(encodeJson).join(',')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([key, item]) => `${encodeJson(key)}:${encodeJson(item)}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function isJsonKind(kind: TaskKind): kind is keyof typeof ANSWER_KEYS {
  return kind in ANSWER_KEYS;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
