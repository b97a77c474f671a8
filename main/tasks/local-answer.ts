/**
 * Answers to Open WebUI's background tasks made without any model: a title from the first
 * message, an image prompt from the last one, and empty tags, follow-ups and queries (harmless:
 * Open WebUI then simply shows none, or searches for the message itself).
 */
import type { TaskValue } from './answer-format';
import type { TaskKind } from './detect-task';

export function localTaskValue(kind: TaskKind, prompt: string): TaskValue {
  switch (kind) {
    case 'title':
      return shortened(userLines(prompt)[0] ?? firstLine(prompt) ?? 'New chat', 50);
    case 'image_prompt':
      return userLines(prompt).at(-1) ?? firstLine(prompt) ?? 'An image';
    case 'tags':
    case 'follow_ups':
    case 'queries':
    case 'function_calling':
      return [];
    case 'autocomplete':
      return '';
    case 'emoji':
      return '💬';
    case 'merge':
      return 'These responses could not be merged: merging needs a provider Helix can call directly.';
    case 'other':
      return {};
  }
}

/** The USER: lines of the task's `<chat_history>` (or of the whole prompt if it quotes none). */
function userLines(prompt: string): string[] {
  const history = /<chat_history>([\s\S]*?)<\/chat_history>/i.exec(prompt)?.[1] ?? prompt;
  return [...history.matchAll(/^\s*USER:\s*(.+)$/gim)].map((match) => (match[1] as string).trim()).filter(Boolean);
}

function firstLine(text: string): string | undefined {
  const history = /<chat_history>([\s\S]*?)<\/chat_history>/i.exec(text)?.[1] ?? text;
  return history.split('\n').find((line) => line.trim())?.trim();
}

function shortened(text: string, max: number): string {
  const words = text.replace(/\s+/g, ' ');
  return words.length > max ? `${words.slice(0, max - 1).trimEnd()}…` : words;
}
