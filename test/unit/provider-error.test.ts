/** A provider's error answer as Helix keeps it: named fields only, bounded, secrets cut out. */
import { describe, expect, it } from 'vitest';
import { providerErrorBody, redactSecrets, requestSecrets } from '../../main/proxy/provider-error';

const KEY = 'sk-or-v1-0123456789abcdef';

describe('providerErrorBody', () => {
  it('keeps only type, code and message of OpenAI\'s and Anthropic\'s error shapes', () => {
    const openai = JSON.stringify({ error: { message: 'No such model', type: 'invalid_request_error', code: 'model_not_found', param: 'model', request: { headers: { authorization: `Bearer ${KEY}` } } }, user_id: 'u-123' });
    expect(providerErrorBody(404, openai, [KEY])).toEqual({ status: 404, type: 'invalid_request_error', code: 'model_not_found', message: 'No such model' });
    const anthropic = JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' });
    expect(providerErrorBody(529, anthropic, [])).toEqual({ status: 529, type: 'overloaded_error', message: 'Overloaded' });
  });

  it('cuts the request\'s secrets out of the message wherever they are echoed, and any Bearer or x-api-key value', () => {
    const echoed = JSON.stringify({ error: { message: `Invalid key ${KEY}; you sent Authorization: Bearer ${KEY}`, code: KEY } });
    const body = providerErrorBody(401, echoed, requestSecrets(KEY, { 'X-Title': 'Helix', 'X-Org-Token': 'org-secret-998877' }));
    expect(body).toEqual({ status: 401, code: '[redacted]', message: 'Invalid key [redacted]; you sent Authorization: Bearer [redacted]' });
    // Not a configured secret, but a credential all the same.
    expect(redactSecrets('got x-api-key: abc123XYZ and api_key=zzz999', [])).toBe('got x-api-key: [redacted] and api_key=[redacted]');
    expect(redactSecrets('header org-secret-998877 echoed', requestSecrets(undefined, { 'X-Org-Token': 'org-secret-998877' }))).toBe('header [redacted] echoed');
  });

  it('takes a plain-text answer as the message, bounded, and says nothing of a JSON one without a message', () => {
    expect(providerErrorBody(502, `Bad gateway ${KEY}`, [KEY])).toEqual({ status: 502, message: 'Bad gateway [redacted]' });
    expect(providerErrorBody(500, 'x'.repeat(10_000), []).message.length).toBe(2000);
    expect(providerErrorBody(500, JSON.stringify({ secret_field: KEY }), [])).toEqual({ status: 500, message: '' });
    expect(providerErrorBody(422, JSON.stringify({ detail: 'bad input' }), [])).toEqual({ status: 422, message: 'bad input' });
  });

  it('does not take short header values for secrets (they would garble every message)', () => {
    expect(requestSecrets('sk-long-enough', { 'X-Title': 'Helix', Referer: 'https://helix.example' })).toEqual(['sk-long-enough', 'https://helix.example']);
  });
});
