import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../../main/server/chat-request';
import { ApiError } from '../../main/server/openai-errors';
import { thrown } from '../support/thrown';

const rejection = (body: unknown): ApiError => thrown(() => parseChatRequest(body), ApiError);

describe('parseChatRequest', () => {
  it('accepts an Open WebUI request, ignoring sampling parameters and its tools', () => {
    const request = parseChatRequest({
      model: 'helix-consultant',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      tools: [{ type: 'function', function: { name: 'get_time' } }],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
    });
    expect(request).toMatchObject({ model: 'helix-consultant', stream: true, includeUsage: true });
  });

  it.each([
    [null, 'JSON object'],
    [[1, 2], 'JSON object'],
    [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
    [{ model: 'm', messages: [] }, 'at least one message'],
    [{ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role'],
    [{ model: 'm', messages: 'hello' }, 'messages'],
    [{ model: 'm', stream: 'yes', messages: [{ role: 'user', content: 'x' }] }, 'stream'],
    [{ model: 'm', messages: [{ role: 'assistant', content: 'x' }] }, 'last message must be from the user'],
    [{ model: 'm', messages: [{ role: 'user', content: '   ' }] }, 'empty'],
  ])('rejects %j with a 400 that names the problem', (body, mentions) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain(mentions);
  });
});
