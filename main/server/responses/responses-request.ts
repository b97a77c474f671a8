/**
 * Validation of `POST /v1/responses` bodies. Like chat completions, sampling parameters are
 * accepted and ignored (Claude Code decides them); what Helix cannot honour is refused with a 400
 * naming the `param`, as OpenAI does: hosted tools, a forced tool call, background mode, stored
 * conversations and prompt templates. Items of earlier turns that Helix does not know are kept
 * as history and otherwise ignored, never fatal.
 */
import { z } from 'zod';
import { invalidRequest } from '../openai-errors';

const Part = z.looseObject({ type: z.string() });
const Message = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(Part)]),
});
const Item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

const Tool = z.looseObject({ type: z.string() });

const ResponsesRequestSchema = z.looseObject({
  model: z.string().min(1, 'is required'),
  input: z.union([z.string().min(1, 'must not be empty'), z.array(Item).min(1, 'must contain at least one item')]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  tools: z.array(Tool).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).nullish(),
  background: z.boolean().nullish(),
  store: z.boolean().nullish(),
});

export type MessageItem = z.infer<typeof Message>;
/** An input item: a message, or something replayed from an earlier turn (function calls, reasoning, …). */
export type InputItem = { kind: 'message'; message: MessageItem } | { kind: 'other'; type: string };

export interface ResponsesRequest {
  model: string;
  items: InputItem[];
  instructions: string | null;
  stream: boolean;
  previousResponseId: string | null;
  metadata: Record<string, string>;
  maxOutputTokens: number | null;
}

const HOSTED_TOOLS_REFUSED =
  'Helix runs Claude Code with its own tools (files, shell, search, sub-agents); hosted OpenAI tools are not available here. Leave them out.';

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object with "model" and "input".');
  }
  const parsed = ResponsesRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || null;
    throw invalidRequest(`Invalid request: ${param ?? 'body'} ${issue?.message ?? 'is invalid'}.`, param);
  }
  const data = parsed.data;
  refuseUnsupported(data as Record<string, unknown>, data.tools ?? [], data.tool_choice);

  const raw = typeof data.input === 'string' ? [{ role: 'user', content: data.input }] : data.input;
  const items = raw.map(readItem);
  const last = items.at(-1);
  if (last?.kind !== 'message' || last.message.role !== 'user') {
    throw invalidRequest(
      'The last input item must be a user message: it is the turn Claude Code answers. (Helix never asks a client to run a tool, so it expects no function_call_output.)',
      'input',
    );
  }
  if (!hasContent(last.message)) throw invalidRequest('The last user message is empty.', 'input');
  return {
    model: data.model,
    items,
    instructions: data.instructions ?? null,
    stream: data.stream === true,
    previousResponseId: data.previous_response_id ?? null,
    metadata: data.metadata ?? {},
    maxOutputTokens: data.max_output_tokens ?? null,
  };
}

function refuseUnsupported(data: Record<string, unknown>, tools: Array<{ type: string }>, toolChoice: unknown): void {
  // Function tools are accepted and never called, as on chat completions: Open WebUI always sends its built-in ones.
  const hosted = tools.findIndex((tool) => tool.type !== 'function');
  if (hosted >= 0) throw invalidRequest(`tools.${hosted}.type "${tools[hosted]?.type}" is not supported. ${HOSTED_TOOLS_REFUSED}`, `tools.${hosted}.type`, 'unsupported_parameter');
  if (toolChoice !== undefined && toolChoice !== null && toolChoice !== 'auto' && toolChoice !== 'none') {
    throw invalidRequest(
      'tool_choice can only be "auto" or "none": Claude Code runs its own tools and never calls a client-side function, so it cannot be made to call one.',
      'tool_choice',
      'unsupported_parameter',
    );
  }
  if (data.background === true) {
    throw invalidRequest('background mode is not supported: stream the response instead (stream: true); a run goes on if the client leaves when settings.on_disconnect is "finish".', 'background', 'unsupported_parameter');
  }
  for (const param of ['conversation', 'prompt'] as const) {
    if (data[param] !== undefined && data[param] !== null) {
      const instead = param === 'conversation' ? 'continue a conversation with previous_response_id or the X-Helix-Chat-Id header' : 'send the prompt text as input';
      throw invalidRequest(`${param} is not supported by Helix: ${instead}.`, param, 'unsupported_parameter');
    }
  }
}

function readItem(raw: z.infer<typeof Item>, index: number): InputItem {
  const type = raw.type ?? (raw.role !== undefined ? 'message' : undefined);
  if (type === undefined) throw invalidRequest(`Invalid request: input.${index} needs a "type" (or a "role" for a message).`, `input.${index}`);
  if (type !== 'message') return { kind: 'other', type };
  const message = Message.safeParse(raw);
  if (!message.success) {
    const issue = message.error.issues[0];
    const param = ['input', index, ...(issue?.path ?? [])].map(String).join('.');
    throw invalidRequest(`Invalid request: ${param} ${issue?.message ?? 'is invalid'}.`, param);
  }
  return { kind: 'message', message: message.data };
}

function hasContent(message: MessageItem): boolean {
  if (typeof message.content === 'string') return message.content.trim() !== '';
  return message.content.some((part) => part.type !== 'input_text' || (typeof part.text === 'string' && part.text.trim() !== ''));
}
