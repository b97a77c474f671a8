/**
 * A Responses request read as the chat messages a turn is made of, so it goes through the same
 * conversation machinery as chat completions (readConversation): `instructions` and system
 * messages become the system prompt; the replayed items of an earlier assistant turn (its
 * messages, and the function calls, outputs and reasoning shown beside them) become that turn's
 * answer text, which is what identifies the Claude Code session to resume.
 */
import type { ChatMessage } from '../chat-request';
import type { Exchange } from '../../sessions/conversation';
import type { InputItem, MessageItem } from './responses-request';

export function toChatMessages(items: InputItem[], instructions: string | null, earlier: Exchange[] = []): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  for (const { user, assistant } of earlier) messages.push({ role: 'user', content: user }, { role: 'assistant', content: assistant });
  for (const item of items) {
    if (item.kind !== 'message') {
      // Function calls, their outputs and reasoning are what Claude Code did, recorded in its
      // session: not text of the answer. But they mark an assistant turn, also one that wrote no
      // text (cut short, or failed), which is then an exchange of its own, as on chat completions.
      if (messages.at(-1)?.role === 'user') messages.push({ role: 'assistant', content: '' });
      continue;
    }
    const message = toChatMessage(item.message);
    const previous = messages.at(-1);
    // One assistant turn is several message items (text between tool calls); its text is theirs joined, as it was streamed.
    if (message.role === 'assistant' && previous?.role === 'assistant') previous.content = `${String(previous.content)}${String(message.content)}`;
    else messages.push(message);
  }
  return messages;
}

function toChatMessage(message: MessageItem): ChatMessage {
  if (typeof message.content === 'string') return { role: message.role, content: message.content };
  if (message.role === 'assistant') {
    const text = message.content.map((part) => (typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '')).join('');
    return { role: 'assistant', content: text };
  }
  return {
    role: message.role,
    content: message.content.map((part) => {
      if ((part.type === 'input_text' || part.type === 'text' || part.type === 'output_text') && typeof part.text === 'string') return { type: 'text', text: part.text };
      if (part.type === 'input_image' && typeof part.image_url === 'string') return { type: 'image_url', image_url: { url: part.image_url } };
      return { type: part.type === 'input_image' ? 'image_url' : part.type };
    }),
  };
}
