/**
 * Open WebUI's default task prompts (test/fixtures/open-webui-prompts/<release>/<task>.txt),
 * rendered as Open WebUI renders them before sending them as the single user message of a task:
 * `{{MESSAGES…}}` become `ROLE: content` lines (utils/task.py replace_messages_variable with
 * utils/misc.py get_messages_content) and `{{CURRENT_DATE}}` a date.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const OPEN_WEBUI_RELEASES = ['0.5.3', '0.5.20', '0.6.30', '0.10.2', '0.11.0'] as const;
export type OpenWebUiRelease = (typeof OPEN_WEBUI_RELEASES)[number];
export type PromptTask = 'title' | 'tags' | 'follow_ups' | 'queries';

export interface ChatMessage {
  role: 'user' | 'assistant' | 'system';
  content: string;
}

const DIR = path.join(import.meta.dirname, '..', 'fixtures', 'open-webui-prompts');

export const SAMPLE_CHAT: ChatMessage[] = [
  { role: 'user', content: "How do I reverse a linked list in Rust? It's for an interview." },
  { role: 'assistant', content: 'Use an iterative approach with three pointers: prev, current and next.' },
];

/** The release's default template for a task, or undefined if that release had none. */
export function defaultTemplate(release: OpenWebUiRelease, task: PromptTask): string | undefined {
  const file = path.join(DIR, release, `${task}.txt`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function renderTaskPrompt(template: string, messages: ChatMessage[] = SAMPLE_CHAT): string {
  const lines = (list: ChatMessage[]): string => list.map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n');
  return template
    .replace(/{{MESSAGES}}|{{MESSAGES:START:(\d+)}}|{{MESSAGES:END:(\d+)}}|{{MESSAGES:MIDDLETRUNCATE:(\d+)}}/g, (whole, start?: string, end?: string, middle?: string) => {
      if (start) return lines(messages.slice(0, Number(start)));
      if (end) return lines(messages.slice(-Number(end)));
      if (middle && messages.length > Number(middle)) {
        const half = Math.floor(Number(middle) / 2);
        return `${lines(messages.slice(0, half))}\n${lines(messages.slice(-(Number(middle) % 2 === 0 ? half : half + 1)))}`;
      }
      return lines(messages);
    })
    .replaceAll('{{CURRENT_DATE}}', '2026-12-01');
}

/** Every default title/tags/follow-ups/queries prompt of every release, rendered. */
export function allDefaultPrompts(): Array<{ release: OpenWebUiRelease; task: PromptTask; prompt: string }> {
  const tasks: PromptTask[] = ['title', 'tags', 'follow_ups', 'queries'];
  return OPEN_WEBUI_RELEASES.flatMap((release) =>
    tasks.flatMap((task) => {
      const template = defaultTemplate(release, task);
      return template ? [{ release, task, prompt: renderTaskPrompt(template) }] : [];
    }),
  );
}
