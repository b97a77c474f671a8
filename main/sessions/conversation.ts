/**
 * A conversation as Helix keeps it: the earlier user/assistant pairs the client replays, the new
 * user turn (text and images), and keys that identify a conversation's history so a follow-up can
 * be matched to the Claude Code session that produced it.
 */
import { createHash } from 'node:crypto';

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
