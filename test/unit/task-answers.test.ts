/**
 * Task answers as Open WebUI reads them: which provider answers it accepts, that every local
 * answer is one it accepts, and that what we send survives each of its parsers.
 */
import { describe, expect, it } from 'vitest';
import { readTaskAnswer, writeTaskAnswer } from '../../main/tasks/answer-format';
import type { TaskKind } from '../../main/tasks/detect-task';
import { localTaskValue } from '../../main/tasks/local-answer';
import { allDefaultPrompts, defaultTemplate, renderTaskPrompt } from '../support/open-webui-prompts';

const TITLE_0_10 = renderTaskPrompt(defaultTemplate('0.10.2', 'title') as string);
const TITLE_0_5_3 = renderTaskPrompt(defaultTemplate('0.5.3', 'title') as string);

/** Open WebUI's backend: text between the first `{` and the last `}`, json-parsed (routers → utils/middleware.py). */
const backendParse = (text: string): unknown => JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
/** 0.10+ web-search and image-prompt parsing: from the last `{`. */
const lastBraceParse = (text: string): unknown => JSON.parse(text.slice(text.lastIndexOf('{'), text.lastIndexOf('}') + 1));
/** The browser's generateTitle/generateTags: quote-like characters turned into `"` first (src/lib/apis/index.ts). */
const browserParse = (text: string): unknown => backendParse(text.replace(/['‘’`]/g, '"'));

describe('which provider answers Open WebUI would read', () => {
  const cases: Array<[TaskKind, string, unknown]> = [
    ['title', '{"title": "Rust Lists"}', 'Rust Lists'],
    ['title', 'Sure! ```json\n{ "title": "🦀 Rust Lists" }\n```', '🦀 Rust Lists'],
    ['title', 'Rust Lists', undefined],
    ['title', '{"title": ""}', undefined],
    ['title', '{"title": 42}', undefined],
    ['title', '{"name": "Rust Lists"}', undefined],
    ['title', 'Either {"title": "A"} or {"title": "B"}', undefined], // first `{` to last `}` is not one object
    ['tags', '{"tags": ["Programming", "Rust"]}', ['Programming', 'Rust']],
    ['tags', '{"tags": []}', []],
    ['tags', '{"tags": "Rust"}', undefined],
    ['tags', '{"tags": ["Rust", 3]}', undefined],
    ['follow_ups', '{"follow_ups": ["Why?"]}', ['Why?']],
    ['follow_ups', '1. Why? 2. How?', undefined],
    ['queries', '{"queries": []}', []],
    ['queries', "{'queries': ['rust']}", undefined], // not JSON
    ['autocomplete', '{"text": " and more"}', ' and more'],
    ['autocomplete', '{"text": null}', undefined],
    ['image_prompt', '{"prompt": "A crab on a list"}', 'A crab on a list'],
    ['function_calling', '{"tool_calls": [{"name": "get_time", "parameters": {}}]}', [{ name: 'get_time', parameters: {} }]],
    ['function_calling', '{"tool_calls": [{"parameters": {}}]}', undefined],
    ['emoji', ' 🦀 ', '🦀'],
    ['emoji', '   ', undefined],
    ['other', 'Result: {"score": 4}', { score: 4 }],
    ['other', 'four', undefined],
  ];
  it.each(cases)('%s: %j → %j', (kind, text, expected) => {
    expect(readTaskAnswer(kind, TITLE_0_10, text)).toEqual(expected);
  });

  it('a title for the prompt of Open WebUI before 0.5.9 is plain text, which Open WebUI takes as it is', () => {
    expect(readTaskAnswer('title', TITLE_0_5_3, '  🦀 Rust Lists\n')).toBe('🦀 Rust Lists');
    expect(readTaskAnswer('title', TITLE_0_5_3, '')).toBeUndefined();
    expect(writeTaskAnswer('title', TITLE_0_5_3, '🦀 Rust Lists')).toBe('🦀 Rust Lists');
  });
});

describe('every local answer is one Open WebUI reads', () => {
  const headerOnly: TaskKind[] = ['autocomplete', 'emoji', 'image_prompt', 'function_calling', 'merge', 'other'];
  const cases = [
    ...allDefaultPrompts().map(({ release, task, prompt }) => [`${release} ${task}`, task as TaskKind, prompt] as const),
    ...headerOnly.map((kind) => [`${kind} (header)`, kind, '### Task:\nanything\n<chat_history>\nUSER: Draw a crab\n</chat_history>'] as const),
  ];
  it.each(cases)('%s', (_name, kind, prompt) => {
    const value = localTaskValue(kind, prompt);
    const content = writeTaskAnswer(kind, prompt, value);
    expect(readTaskAnswer(kind, prompt, content)).toEqual(value);
  });

  it('the local title is the first user message, shortened; the image prompt the last one', () => {
    expect(localTaskValue('title', TITLE_0_10)).toBe("How do I reverse a linked list in Rust? It's for…");
    expect(localTaskValue('image_prompt', '<chat_history>\nUSER: a cat\nASSISTANT: ok\nUSER: a crab\n</chat_history>')).toBe('a crab');
  });
});

describe('what we send survives each Open WebUI parser', () => {
  const title = "Rust's {linked} lists — ‘fast’ `code`";
  const content = writeTaskAnswer('title', TITLE_0_10, title);

  it('quotes and braces inside strings are escaped, so the only braces are the object’s own', () => {
    expect(content).not.toMatch(/['‘’`]/);
    expect(content.split('{')).toHaveLength(2);
    expect(content.split('}')).toHaveLength(2);
  });

  it('the backend, the last-brace and the browser parsers all read the same title', () => {
    for (const parse of [backendParse, lastBraceParse, browserParse]) expect(parse(content)).toEqual({ title });
  });

  it('a provider answer with quotes in its title still reaches the browser parser intact once re-written', () => {
    const provider = `{"title": "Rust's Lists"}`;
    expect(() => browserParse(provider)).toThrow(); // as the provider sent it, the browser could not read it
    const value = readTaskAnswer('title', TITLE_0_10, provider)!;
    expect(browserParse(writeTaskAnswer('title', TITLE_0_10, value))).toEqual({ title: "Rust's Lists" });
  });
});
