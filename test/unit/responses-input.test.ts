/** Responses input items read as the chat messages of a conversation (then as chat completions read them). */
import { describe, expect, it } from 'vitest';
import { readConversation } from '../../main/server/read-conversation';
import { toChatMessages } from '../../main/server/responses/responses-input';
import type { InputItem } from '../../main/server/responses/responses-request';

const message = (role: 'user' | 'assistant' | 'system' | 'developer', text: string): InputItem => ({
  kind: 'message',
  message: { type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }] },
});
const other = (type: string): InputItem => ({ kind: 'other', type });

describe('toChatMessages', () => {
  it("joins one assistant turn's message items, between its tool calls, into the text it streamed", () => {
    const items = [message('user', 'Q1'), message('assistant', 'Let me look.'), other('function_call'), other('function_call_output'), message('assistant', '\n\nFound it.'), message('user', 'Q2')];
    const conversation = readConversation(toChatMessages(items, 'Be brief.'));
    expect(conversation.system).toBe('Be brief.');
    expect(conversation.history).toEqual([{ user: 'Q1', assistant: 'Let me look.\n\nFound it.' }]);
    expect(conversation.user).toBe('Q2');
  });

  it('keeps a turn that wrote no text (only tool calls, or cut short) as an exchange of its own', () => {
    const items = [message('user', 'Q1'), other('reasoning'), other('function_call'), message('user', 'Q2')];
    const conversation = readConversation(toChatMessages(items, null));
    expect(conversation.history).toEqual([{ user: 'Q1', assistant: '' }]);
    expect(conversation.user).toBe('Q2');
  });

  it('puts the exchanges a previous_response_id names before the input', () => {
    const conversation = readConversation(toChatMessages([message('user', 'Q3')], null, [{ user: 'Q1', assistant: 'A1' }, { user: 'Q2', assistant: 'A2' }]));
    expect(conversation.history).toHaveLength(2);
    expect(conversation.user).toBe('Q3');
  });

  it('reads input_image data URLs as images and other parts as named attachments', () => {
    const png = 'iVBORw0KGgo=';
    const items: InputItem[] = [
      { kind: 'message', message: { role: 'user', content: [{ type: 'input_text', text: 'Look' }, { type: 'input_image', image_url: `data:image/png;base64,${png}` }, { type: 'input_file', file_id: 'f1' }] } },
    ];
    const conversation = readConversation(toChatMessages(items, null));
    expect(conversation.images).toMatchObject([{ mediaType: 'image/png', data: png }]);
    expect(conversation.user).toContain('Look');
    expect(conversation.user).toContain('[input_file attached]');
  });
});
