/**
 * Open WebUI's background requests (title, tags, follow-ups, search queries, autocomplete, …):
 * cheap side requests that must never start a Claude Code run. Recognised from the
 * `X-Helix-Task: {{TASK}}` header, or from the opening of Open WebUI's default task prompts in a
 * non-streaming single-message request.
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

const PROMPT_OPENINGS: Array<[RegExp, TaskKind]> = [
  [/^### Task:\s*Generate a concise title/i, 'title'],
  [/^### Task:\s*Generate 1-3 broad tags/i, 'tags'],
  [/^### Task:\s*Suggest 3-5 relevant follow-up/i, 'follow_ups'],
  [/^### Task:\s*Analyze the chat history to determine the necessity of generating search queries/i, 'queries'],
  [/^### Task:\s*You are an autocompletion system/i, 'autocomplete'],
  [/^### Task:\s*Generate a detailed prompt for a(m|n)? image generation task/i, 'image_prompt'],
  [/^Your task is to reflect the speaker's likely facial expression/i, 'emoji'],
  [/^Available Tools:/, 'function_calling'],
  [/^You have been provided with a set of responses from various models/i, 'merge'],
  [/^### Task:[\s\S]*<chat_history>/i, 'other'],
];

export function detectTask(header: string | undefined, stream: boolean, userMessages: string[]): TaskKind | null {
  const value = header?.trim().toLowerCase();
  if (value) return HEADER_VALUES[value] ?? 'other';
  if (stream || userMessages.length !== 1) return null;
  const prompt = (userMessages[0] as string).trimStart();
  return PROMPT_OPENINGS.find(([opening]) => opening.test(prompt))?.[1] ?? null;
}
