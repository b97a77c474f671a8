/**
 * Recognising Open WebUI's background tasks from their prompts: the default prompts of several
 * Open WebUI releases (real template text, rendered as Open WebUI renders it), custom templates,
 * and ordinary chats that merely look like one.
 */
import { describe, expect, it } from 'vitest';
import { detectTask } from '../../main/tasks/detect-task';
import { allDefaultPrompts, defaultTemplate, renderTaskPrompt, SAMPLE_CHAT } from '../support/open-webui-prompts';

const nonStreamed = (prompt: string): ReturnType<typeof detectTask> => detectTask(undefined, false, [prompt]);

describe('default prompts of Open WebUI releases (stream:false, one user message)', () => {
  it.each(allDefaultPrompts().map(({ release, task, prompt }) => [release, task, prompt] as const))('%s %s', (_release, task, prompt) => {
    expect(nonStreamed(prompt)).toBe(task);
  });

  it('covers the title, tags and follow-ups prompts of at least three releases', () => {
    const releases = (task: string): string[] => allDefaultPrompts().filter((p) => p.task === task).map((p) => p.release);
    expect(releases('title')).toEqual(['0.5.3', '0.5.20', '0.6.30', '0.10.2', '0.11.0']);
    expect(releases('tags').length).toBeGreaterThanOrEqual(3);
    expect(releases('follow_ups')).toEqual(['0.6.30', '0.10.2', '0.11.0']);
  });
});

describe('custom templates', () => {
  it('a template that asks for JSON {"title": …} is a title task, whatever its wording', () => {
    const template = '### Task:\nName this conversation in Spanish, at most four words.\n### Output:\nReturn only {"title": "…"}\n<chat_history>\n{{MESSAGES:END:4}}\n</chat_history>';
    expect(nonStreamed(renderTaskPrompt(template))).toBe('title');
  });

  it('a template without `### Task:` but with a chat history and a JSON key is recognised too', () => {
    const template = 'Summarise the topics below as tags.\nAnswer with JSON: { "tags": ["…"] }\n<chat_history>\n{{MESSAGES}}\n</chat_history>';
    expect(nonStreamed(renderTaskPrompt(template))).toBe('tags');
  });

  it('the key is read from the template, not from the chat history it quotes', () => {
    const chat = [{ role: 'user' as const, content: 'My API returns { "title": "x" } — how do I add { "tags": [] }?' }, ...SAMPLE_CHAT.slice(1)];
    const followUps = defaultTemplate('0.10.2', 'follow_ups') as string;
    expect(nonStreamed(renderTaskPrompt(followUps, chat))).toBe('follow_ups');
    // History first, output format after it.
    const historyFirst = '### Task:\n<chat_history>\n{{MESSAGES}}\n</chat_history>\nSuggest questions as JSON: { "follow_ups": [] }';
    expect(nonStreamed(renderTaskPrompt(historyFirst, chat))).toBe('follow_ups');
  });

  it('a `### Task:` prompt with a chat history but no known key is still a task (other)', () => {
    expect(nonStreamed('### Task:\nRate the mood of this chat from 1 to 5.\n<chat_history>\nUSER: hi\n</chat_history>')).toBe('other');
  });
});

describe('not tasks', () => {
  const title = renderTaskPrompt(defaultTemplate('0.10.2', 'title') as string);

  it('a streamed request is never recognised from its prompt, even if it is a task prompt word for word', () => {
    expect(detectTask(undefined, true, [title])).toBeNull();
    expect(detectTask(undefined, true, ['### Task:\nWrite a haiku.\nJSON format: { "title": "…" }'])).toBeNull();
  });

  it('a conversation (more than one user message) is never recognised from its prompt', () => {
    expect(detectTask(undefined, false, ['hello', title])).toBeNull();
  });

  it('an ordinary message that mentions `### Task:` or a JSON key is not a task', () => {
    expect(nonStreamed('Please fix the parser for this input:\n### Task:\nJSON format: { "title": "x" }')).toBeNull();
    expect(nonStreamed('What does { "tags": [] } mean in this config?')).toBeNull();
  });

  it('the X-Helix-Task header still decides when present', () => {
    expect(detectTask('tags_generation', true, ['anything'])).toBe('tags');
    expect(detectTask('something_new', false, ['anything'])).toBe('other');
  });
});
