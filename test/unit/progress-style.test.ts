import { describe, expect, it } from 'vitest';
import { chooseProgressStyle } from '../../main/server/progress-style';

describe('choosing the progress style', () => {
  it('gives Open WebUI status events, recognised by the headers only it sends', () => {
    expect(chooseProgressStyle({ 'x-openwebui-chat-id': 'c1' })).toBe('openwebui');
    expect(chooseProgressStyle({ 'x-openwebui-user-role': 'user' })).toBe('openwebui');
    expect(chooseProgressStyle({ 'x-helix-chat-id': 'c1' })).toBe('openwebui');
    // {{TASK}} renders empty outside a background task: the header still names the client.
    expect(chooseProgressStyle({ 'x-helix-task': '' })).toBe('openwebui');
  });

  it('gives every other client the clean answer with progress as reasoning', () => {
    expect(chooseProgressStyle({})).toBe('reasoning');
    expect(chooseProgressStyle({ 'user-agent': 'OpenAI/JS 6.0.0', authorization: 'Bearer x', 'x-stainless-lang': 'js' })).toBe('reasoning');
  });

  it('follows X-Helix-Progress over the client, and refuses an unknown style', () => {
    expect(chooseProgressStyle({ 'x-helix-progress': 'Markdown', 'x-openwebui-chat-id': 'c1' })).toBe('markdown');
    expect(chooseProgressStyle({ 'x-helix-progress': 'openwebui' })).toBe('openwebui');
    expect(chooseProgressStyle({ 'x-helix-progress': ' none ' })).toBe('none');
    expect(() => chooseProgressStyle({ 'x-helix-progress': 'fancy' })).toThrow(/X-Helix-Progress must be one of openwebui, reasoning, markdown, none/);
  });
});
