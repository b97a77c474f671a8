/**
 * Open WebUI's background requests (title, tags, follow-ups, search queries, autocomplete, …):
 * cheap side requests that must never start a Claude Code run. Recognised from the
 * `X-Helix-Task: {{TASK}}` header, or from the prompt of a non-streaming single-message request:
 * by the JSON key the prompt asks for (`"title"`, `"tags"`, …), which every Open WebUI release
 * since 0.5.9 and any custom template built like them names, whatever its wording.
 */

export type TaskKind = 'title' | 'tags' | 'follow_ups' | 'queries' | 'autocomplete' | 'emoji' | 'image_prompt' | 'function_calling' | 'merge' | 'other';

const HEADER_VALUES: Record<string, TaskKind> = {
  title_generation: 'title',
  tags_generation: 'tags',
  follow_up_generation: 'follow_ups',
  query_generation: 'queries',
  autocomplete_generation: 'autocomplete',
  emoji_generation: 'emoji',
  image_prompt_generation: 'image_prompt',
  function_calling: 'function_calling',
  moa_response_generation: 'merge',
};

/** The key each JSON task's answer is read from (`{"title": …}` etc.). */
export const ANSWER_KEYS = {
  title: 'title',
  tags: 'tags',
  follow_ups: 'follow_ups',
  queries: 'queries',
  autocomplete: 'text',
  image_prompt: 'prompt',
  function_calling: 'tool_calls',
} as const satisfies Partial<Record<TaskKind, string>>;

const KIND_OF_KEY = new Map<string, TaskKind>(Object.entries(ANSWER_KEYS).map(([kind, key]) => [key, kind as TaskKind]));

/** Prompts that are not `### Task:` templates, recognised by their fixed opening. */
const OTHER_OPENINGS: Array<[RegExp, TaskKind]> = [
  // The title prompt of Open WebUI before 0.5.9, answered in plain text.
  [/^Create a concise, 3-5 word title[\s\S]*<chat_history>/i, 'title'],
  [/^Your task is to reflect the speaker's likely facial expression/i, 'emoji'],
  [/^Available Tools:/, 'function_calling'],
  [/^You have been provided with a set of responses from various models/i, 'merge'],
];

const CHAT_HISTORY = /<chat_history>[\s\S]*?<\/chat_history>/i;
/** `{ "title":` and the like: where a template shows the JSON it wants back. */
const KEY_IN_JSON = new RegExp(`\\{\\s*"(${[...KIND_OF_KEY.keys()].join('|')})"\\s*:`);

export function detectTask(header: string | undefined, stream: boolean, userMessages: string[]): TaskKind | null {
  const value = header?.trim().toLowerCase();
  if (value) return HEADER_VALUES[value] ?? 'other';
  // Open WebUI sends every task unstreamed as one user message: anything else is a chat.
  if (stream || userMessages.length !== 1) return null;
  const prompt = (userMessages[0] as string).trimStart();
  const opening = OTHER_OPENINGS.find(([pattern]) => pattern.test(prompt));
  if (opening) return opening[1];

  const isTemplate = prompt.startsWith('### Task:');
  const hasHistory = CHAT_HISTORY.test(prompt);
  if (!isTemplate && !hasHistory) return null;
  return requestedKind(prompt) ?? (isTemplate && hasHistory ? 'other' : null);
}

/** The task whose JSON key the prompt asks for first, outside the chat history it quotes. */
export function requestedKind(prompt: string): TaskKind | undefined {
  const template = prompt.replace(new RegExp(CHAT_HISTORY, 'gi'), '');
  const key = KEY_IN_JSON.exec(template)?.[1];
  return key ? KIND_OF_KEY.get(key) : undefined;
}
