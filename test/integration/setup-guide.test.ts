/**
 * The set-up guide's commands against the real core and `claude` CLI: the check of Claude Code,
 * and the test chat, which goes through Helix's own API as a client's would (its request is in
 * the request log, its session in the sessions) and says what went wrong when it fails.
 */
import { describe, expect, it } from 'vitest';
import type { RequestEntry, SetupCheck, SetupTestChat } from '../../common/control';
import { dispatch } from '../../main/control/control-service';
import { TEST_PROMPT } from '../../main/control/setup-test-chat';
import { text } from '../support/fake-anthropic';
import { harnessPerTest } from '../support/helix-harness';

const start = harnessPerTest();

describe('setup:check', () => {
  it('finds the CLI with its version, says whether it has a login of its own, and gives the API URL', async () => {
    const h = await start(() => text('unused'));
    const result = await dispatch(h.core.control, 'setup:check', []);
    expect(result.ok).toBe(true);
    const check = (result as { data: SetupCheck }).data;
    expect(check.claude.path).toBe(h.core.claudeBin);
    expect(check.claude.version).toMatch(/\(Claude Code\)/);
    expect(check.claude.loggedIn).toBe(false); // a throwaway HOME
    expect(check.apiBaseUrl).toBe(h.core.apiBaseUrl);
  }, 30_000);
});

describe('setup:test-chat', () => {
  it('posts a chat to the API server as a client would and gives the answer, its time, cost and session', async () => {
    const h = await start(() => text('I can hear you.', { usage: { input: 20, output: 5 } }));
    const result = await dispatch(h.core.control, 'setup:test-chat', ['consultant', 'helix-setup-test-1']);
    expect(result.ok).toBe(true);
    const chat = (result as { data: SetupTestChat }).data;
    expect(chat).toMatchObject({ ok: true, model: 'helix-consultant', answer: 'I can hear you.', error: null });
    expect(chat.costUsd).toBeGreaterThan(0);
    expect(chat.durationMs).toBeGreaterThan(0);
    const session = h.core.sessions.findByChatId('helix-setup-test-1')!;
    expect(chat.sessionId).toBe(session.id);
    expect(session.turns[0]!.user).toBe(TEST_PROMPT);
    // The real path: the provider was asked, and the API server logged the request with its key-checked client.
    expect(h.fake.requests.length).toBeGreaterThan(0);
    const requests = (await dispatch(h.core.control, 'requests:list', [])) as { data: RequestEntry[] };
    expect(requests.data.find((r) => r.source === 'api')).toMatchObject({ status: 200, sessionId: session.id, path: '/v1/chat/completions' });
  });

  it('gives the API\'s error and its code when the provider refuses the key', async () => {
    const h = await start(() => ({ kind: 'error', status: 401, message: 'invalid x-api-key' }));
    const result = await dispatch(h.core.control, 'setup:test-chat', ['consultant', 'helix-setup-test-2']);
    const chat = (result as { data: SetupTestChat }).data;
    expect(chat.ok).toBe(false);
    expect(chat.error).toMatchObject({ status: 502, code: 'upstream_auth' });
    expect(chat.error!.message).toContain('LOCAL_KEY');
  });

  it('refuses an unknown role or a chat id that is not a plain name, and says when the API server is stopped', async () => {
    const h = await start(() => text('unused'));
    expect(await dispatch(h.core.control, 'setup:test-chat', ['nobody', 'c1'])).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await dispatch(h.core.control, 'setup:test-chat', ['consultant', 'a\r\nX-Injected: 1'])).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    await dispatch(h.core.control, 'component:stop', ['api']);
    const stopped = (await dispatch(h.core.control, 'setup:test-chat', ['consultant', 'c2'])) as { data: SetupTestChat };
    expect(stopped.data).toMatchObject({ ok: false, error: { code: 'api_stopped' } });
  });
});
