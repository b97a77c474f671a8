/**
 * An Anthropic Messages request as an OpenAI Chat Completions request: system prompts, text,
 * images, tool definitions, tool_use/tool_result as tool_calls/tool messages, stop sequences.
 */

type Json = Record<string, unknown>;
type Block = Json & { type?: string };

interface OpenAiRequest {
  model: string;
  messages: Json[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  tools?: Json[];
  tool_choice?: unknown;
}

export function toOpenAiRequest(body: Json, model: string): OpenAiRequest {
  const messages: Json[] = [];
  const system = textOf(body.system);
  if (system) messages.push({ role: 'system', content: system });

  for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    const blocks = toBlocks(message.content);
    if (message.role === 'system') messages.push({ role: 'system', content: textOf(blocks) });
    else if (message.role === 'assistant') messages.push(assistantMessage(blocks));
    else messages.push(...userMessages(blocks));
  }

  const request: OpenAiRequest = { model, messages, stream: body.stream === true };
  // Real usage in the stream, as the last chunk.
  if (request.stream) request.stream_options = { include_usage: true };
  if (typeof body.max_tokens === 'number') request.max_tokens = body.max_tokens;
  if (typeof body.temperature === 'number') request.temperature = body.temperature;
  if (typeof body.top_p === 'number') request.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) request.stop = body.stop_sequences as string[];

  const tools = Array.isArray(body.tools) ? (body.tools as Json[]).filter((t) => typeof t.name === 'string' && t.input_schema) : [];
  if (tools.length > 0) {
    request.tools = tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description ?? '', parameters: tool.input_schema },
    }));
    const choice = body.tool_choice as Json | undefined;
    if (choice?.type === 'any') request.tool_choice = 'required';
    else if (choice?.type === 'none') request.tool_choice = 'none';
    else if (choice?.type === 'tool') request.tool_choice = { type: 'function', function: { name: choice.name } };
  }
  return request;
}

function toBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Block[]) : [];
}

/** Text of a string, or of the text blocks of a block list. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return toBlocks(value)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n\n');
}

function assistantMessage(blocks: Block[]): Json {
  const text = textOf(blocks);
  const toolCalls = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } }));
  // Thinking blocks are Anthropic-signed and mean nothing to another provider: not replayed.
  return { role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
}

/** Tool results become `tool` messages (they must follow the assistant's tool calls); the rest one user message. */
function userMessages(blocks: Block[]): Json[] {
  const out: Json[] = [];
  const toolImages: Json[] = [];
  for (const block of blocks.filter((b) => b.type === 'tool_result')) {
    const content = typeof block.content === 'string' ? block.content : textOf(block.content);
    out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: block.is_error === true ? `Error: ${content}` : content });
    // Images in a tool result (a screenshot Read) follow all the tool messages, in the user message.
    toolImages.push(...toBlocks(block.content).filter((b) => b.type === 'image').map(imagePart));
  }
  const parts = [
    ...toolImages,
    ...blocks.filter((b) => b.type === 'text' || b.type === 'image').map((b) => (b.type === 'image' ? imagePart(b) : { type: 'text', text: b.text })),
  ];
  if (parts.length === 0) return out;
  const onlyText = parts.every((p) => p.type === 'text');
  out.push({ role: 'user', content: onlyText ? parts.map((p) => p.text).join('\n\n') : parts });
  return out;
}

function imagePart(block: Block): Json & { type: string; text?: unknown } {
  const source = (block.source ?? {}) as Json;
  const url = source.type === 'url' ? source.url : `data:${source.media_type};base64,${source.data}`;
  return { type: 'image_url', image_url: { url } };
}
