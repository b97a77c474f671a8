/**
 * Answers to Open WebUI's background tasks made without any model, in the JSON shapes Open WebUI
 * parses: a title from the first message, and empty tags, follow-ups and queries (harmless:
 * Open WebUI then simply shows none).
 */
import type { TaskKind } from './detect-task';

export function localTaskAnswer(kind: TaskKind, prompt: string): string {
  switch (kind) {
    case 'title':
      return JSON.stringify({ title: titleFromPrompt(prompt) });
    case 'tags':
      return JSON.stringify({ tags: [] });
    case 'follow_ups':
      return JSON.stringify({ follow_ups: [] });
    case 'queries':
      return JSON.stringify({ queries: [] });
    case 'autocomplete':
      return JSON.stringify({ text: '' });
    case 'emoji':
      return '💬';
    case 'function_calling':
      return JSON.stringify({ tool_calls: [] });
    default:
      return '{}';
  }
}

/** The first user line of the task's `<chat_history>` (USER: …), shortened to a title. */
function titleFromPrompt(prompt: string): string {
  const history = /<chat_history>([\s\S]*?)<\/chat_history>/i.exec(prompt)?.[1] ?? prompt;
  const userLine = /^\s*USER:\s*(.+)$/im.exec(history)?.[1] ?? history.split('\n').find((l) => l.trim()) ?? 'New chat';
  const words = userLine.trim().replace(/\s+/g, ' ');
  return words.length > 50 ? `${words.slice(0, 49).trimEnd()}…` : words;
}
