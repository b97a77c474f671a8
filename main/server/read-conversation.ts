/** A chat request's messages read as a conversation (the shape sessions and turns work with). */
import { createHash } from 'node:crypto';
import { conversationKey, normalize, type Conversation, type Exchange, type ImageInput } from '../sessions/conversation';
import { messageText, type ChatMessage } from './chat-request';

export function readConversation(messages: ChatMessage[]): Conversation {
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map(messageText).join('\n\n');
  const history: Exchange[] = [];
  let pendingUser: string[] = [];
  const turns = messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  for (const message of turns.slice(0, -1)) {
    if (message.role === 'user') pendingUser.push(normalize(messageText(message)));
    else {
      history.push({ user: pendingUser.join('\n\n'), assistant: normalize(messageText(message)) });
      pendingUser = [];
    }
  }
  const last = turns.at(-1) as ChatMessage;
  const user = normalize([...pendingUser, messageText(last)].join('\n\n'));
  return { system, history, user, images: imagesOf(last), historyKey: conversationKey(history) };
}

function imagesOf(message: ChatMessage): ImageInput[] {
  if (!Array.isArray(message.content)) return [];
  const images: ImageInput[] = [];
  for (const part of message.content) {
    if (part.type !== 'image_url' || !('image_url' in part)) continue;
    const url = typeof part.image_url === 'string' ? part.image_url : (part.image_url as { url: string }).url;
    const match = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]+)$/i.exec(url);
    if (!match) continue;
    const data = (match[2] as string).replace(/\s+/g, '');
    images.push({ mediaType: (match[1] as string).toLowerCase(), data, sha256: createHash('sha256').update(data).digest('hex') });
  }
  return images;
}
