import { describe, expect, it } from 'vitest';
import { readConversation } from '../../main/server/read-conversation';
import { conversationKey, seededPrompt } from '../../main/sessions/conversation';

describe('readConversation', () => {
  it('pairs the earlier turns and separates system messages and the new message', () => {
    const c = readConversation([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.\r\n' },
      { role: 'user', content: 'What is my name?' },
    ]);
    expect(c.system).toBe('Be brief.');
    expect(c.history).toEqual([{ user: 'My name is Ada.', assistant: 'Hello Ada.' }]);
    expect(c.user).toBe('What is my name?');
    expect(c.historyKey).toBe(conversationKey([{ user: 'My name is Ada.', assistant: 'Hello Ada.' }]));
  });

  it('gives the same key whatever line endings and trailing space the client adds, and another for other text', () => {
    const key = (assistant: string): string => readConversation([{ role: 'user', content: 'a' }, { role: 'assistant', content: assistant }, { role: 'user', content: 'b' }]).historyKey;
    expect(key('one\r\ntwo  ')).toBe(key('one\ntwo'));
    expect(key('one\ntwo!')).not.toBe(key('one\ntwo'));
    expect(conversationKey([])).toBe(readConversation([{ role: 'user', content: 'x' }]).historyKey);
    // Boundaries matter: moving text between turns changes the key.
    expect(conversationKey([{ user: 'ab', assistant: 'c' }])).not.toBe(conversationKey([{ user: 'a', assistant: 'bc' }]));
  });

  it('joins consecutive user messages', () => {
    const c = readConversation([
      { role: 'user', content: 'First.' },
      { role: 'user', content: 'Second.' },
    ]);
    expect(c.user).toBe('First.\n\nSecond.');
    expect(c.history).toEqual([]);
  });

  it('takes images from data URLs in the new message', () => {
    const c = readConversation([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/PNG;base64,iVBO\nRw0=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ]);
    expect(c.images).toHaveLength(1);
    expect(c.images[0]).toMatchObject({ mediaType: 'image/png', data: 'iVBORw0=' });
    expect(c.images[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('seededPrompt', () => {
  it('passes a first message as it is', () => {
    expect(seededPrompt(readConversation([{ role: 'user', content: 'Hi' }]))).toBe('Hi');
  });

  it('includes the whole history the client sent, then the new message', () => {
    const prompt = seededPrompt(
      readConversation([
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Hello Ada.' },
        { role: 'user', content: 'What is my name?' },
      ]),
    );
    expect(prompt).toContain('<user>\nMy name is Ada.\n</user>\n<assistant>\nHello Ada.\n</assistant>');
    expect(prompt.endsWith("The user's new message:\nWhat is my name?")).toBe(true);
  });
});
