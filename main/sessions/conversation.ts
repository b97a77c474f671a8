/**
 * A chat request read as a conversation: the earlier user/assistant pairs the client replays,
 * the new user turn (text and images), and keys that identify a conversation's history so a
 * follow-up can be matched to the Claude Code session that produced it.
 */
import { createHash } from 'node:crypto';
import { messageText, type ChatMessage } from '../server/chat-request';

export interface ImageInput {
  mediaType: string;
  /** base64, as it came in the data URL. */
  data: string;
  sha256: string;
}

export interface Exchange {
  user: string;
  assistant: string;
}

export interface Conversation {
  system: string;
  /** Completed exchanges before the new message, as the client shows them. */
  history: Exchange[];
  user: string;
  images: ImageInput[];
  /** Identifies `history`: equal to the key recorded after the turn that produced it. */
  historyKey: string;
}

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

/** A stable key for a list of exchanges; the empty history has a key too. */
export function conversationKey(history: Exchange[]): string {
  const hash = createHash('sha256');
  for (const { user, assistant } of history) hash.update(`${user.length}:${user}|${assistant.length}:${assistant}|`);
  return hash.digest('hex').slice(0, 32);
}

/** Clients re-send text with their own line endings and trailing space. */
export function normalize(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim();
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

/**
 * The prompt for a conversation Claude Code has no session for (a first message, an edited
 * history, a client's own history): the transcript is included so the answer has exactly the
 * context the client shows.
 */
export function seededPrompt(conversation: Conversation): string {
  if (conversation.history.length === 0) return conversation.user;
  const transcript = conversation.history.map(({ user, assistant }) => `<user>\n${user}\n</user>\n<assistant>\n${assistant}\n</assistant>`).join('\n');
  return `The conversation so far:\n<conversation>\n${transcript}\n</conversation>\n\nThe user's new message:\n${conversation.user}`;
}
