/**
 * Validation of `POST /v1/chat/completions` bodies, and the prompt a request gives Claude Code.
 * Sampling parameters (temperature, max_tokens, tools, …) are accepted and ignored: Claude Code
 * decides those itself, and Open WebUI sends its own tools that must never be executed here.
 */
import { z } from 'zod';
import { invalidRequest } from './openai-errors';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.object({ url: z.string() })]),
});
const OtherPart = z.looseObject({ type: z.string() });
const Content = z.union([z.string(), z.array(z.union([TextPart, ImagePart, OtherPart])), z.null()]);

const Message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: Content.optional(),
});

const ChatRequestSchema = z.looseObject({
  model: z.string().min(1, 'is required'),
  messages: z.array(Message).min(1, 'must contain at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});

export type ChatMessage = z.infer<typeof Message>;

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
}

export function parseChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object with "model" and "messages".');
  }
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || null;
    throw invalidRequest(`Invalid request: ${param ?? 'body'} ${issue?.message ?? 'is invalid'}.`, param);
  }
  const { model, messages, stream, stream_options } = parsed.data;
  const last = messages.at(-1);
  if (last?.role !== 'user') {
    throw invalidRequest('The last message must be from the user: it is the turn Claude Code answers.', 'messages');
  }
  if (messageText(last).trim() === '') {
    throw invalidRequest('The last user message is empty.', 'messages');
  }
  return { model, messages, stream: stream === true, includeUsage: stream_options?.include_usage === true };
}

/** The text of a message; non-text parts are named so the model knows they were there. */
export function messageText(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (part.type === 'text' && 'text' in part && typeof part.text === 'string') return part.text;
      return `[${part.type === 'image_url' ? 'image' : part.type} attached]`;
    })
    .join('\n');
}
