import { describe, expect, it } from 'vitest';
import { StreamTranslator, toAnthropicMessage } from '../../main/proxy/to-anthropic-response';
import { toOpenAiRequest } from '../../main/proxy/to-openai-request';

const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } };

describe('toOpenAiRequest', () => {
  it('keeps tool messages together, images from tool results after them', () => {
    const request = toOpenAiRequest(
      {
        stream: true,
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Read', input: {} }, { type: 'tool_use', id: 't2', name: 'Bash', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'a screenshot' }, image] }, { type: 'tool_result', tool_use_id: 't2', content: 'ok', is_error: true }] },
        ],
      },
      'm',
    );
    expect(request.messages.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool', 'user']);
    expect(request.messages[2]).toEqual({ role: 'tool', tool_call_id: 't2', content: 'Error: ok' });
    expect(request.messages[3]).toEqual({ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] });
    expect(request.stream_options).toEqual({ include_usage: true });
  });

  it('passes system blocks, including system entries inside messages, and tool_choice', () => {
    const request = toOpenAiRequest(
      {
        system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }],
        messages: [{ role: 'system', content: 'env info' }, { role: 'user', content: 'hi' }],
        tools: [{ name: 'f', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
        stop_sequences: ['</x>'],
      },
      'm',
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'A\n\nB' },
      { role: 'system', content: 'env info' },
      { role: 'user', content: 'hi' },
    ]);
    expect(request).toMatchObject({ tool_choice: 'required', stop: ['</x>'], stream: false });
  });
});

describe('StreamTranslator', () => {
  const chunk = (delta: object, finish: string | null = null): Record<string, unknown> => ({ id: 'c1', choices: [{ index: 0, delta, finish_reason: finish }] });

  it('splits parallel tool calls that a provider numbers all 0, by their ids', () => {
    const t = new StreamTranslator('m');
    const events = [
      ...t.chunk(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x":' } }] })),
      ...t.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] })),
      ...t.chunk(chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'g', arguments: '{}' } }] }, 'tool_calls')),
      ...t.end(),
    ];
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => (e.content_block as { id: string }).id);
    expect(starts).toEqual(['a', 'b']);
    expect(events.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: 'tool_use' } });
  });

  it('ends a stream the upstream cut without a finish reason, with the usage it reported', () => {
    const t = new StreamTranslator('m');
    const events = [...t.chunk(chunk({ content: 'Hi' })), ...t.chunk({ id: 'c1', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } } }), ...t.end()];
    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: 4 } });
  });

  it('maps a whole completion, length as max_tokens', () => {
    const message = toAnthropicMessage({ id: 'x', choices: [{ message: { content: 'cut' }, finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 1 } }, 'm');
    expect(message).toMatchObject({ content: [{ type: 'text', text: 'cut' }], stop_reason: 'max_tokens', usage: { input_tokens: 3, output_tokens: 1 } });
  });
});
