/**
 * The first-run guide's test chat: a short chat posted to Helix's own API server with its key,
 * exactly as a client would, so it goes through everything a real one does (auth, the role, the
 * turn service, Claude Code, the proxy, the provider). The chat id names it, so the panel can
 * follow its session live while it runs.
 */
import type { SetupTestChat } from '../../common/setup';

export const TEST_PROMPT = 'This is a test from the Helix set-up guide. Reply with one short sentence saying that you can hear me.';

export interface TestChatTarget {
  /** http://host:port/v1, or null while the API server is not running. */
  apiBaseUrl: string | null;
  apiKey: string;
  /** How long to wait for the answer. */
  timeoutMs: number;
  /** The session a chat id belongs to, once the turn made it. */
  sessionOf(chatId: string): string | null;
}

export async function runTestChat(target: TestChatTarget, model: string, chatId: string): Promise<SetupTestChat> {
  const started = Date.now();
  const outcome = (fields: Partial<SetupTestChat>): SetupTestChat => ({
    ok: false,
    model,
    answer: '',
    durationMs: Date.now() - started,
    costUsd: null,
    tokens: null,
    sessionId: target.sessionOf(chatId),
    error: null,
    ...fields,
  });
  if (!target.apiBaseUrl) return outcome({ error: { status: 503, code: 'api_stopped', message: 'The API server is not running: start it on the Server screen, then try again.' } });
  let response: Response;
  try {
    response = await fetch(`${target.apiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json', 'x-helix-chat-id': chatId, 'user-agent': 'Helix-setup-guide' },
      body: JSON.stringify({ model, stream: false, messages: [{ role: 'user', content: TEST_PROMPT }] }),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return outcome({ error: { status: timedOut ? 504 : 502, code: timedOut ? 'timeout' : 'unreachable', message: timedOut ? `No answer within ${Math.round(target.timeoutMs / 1000)} s.` : `Cannot reach the API server at ${target.apiBaseUrl}: ${(error as Error).message}` } });
  }
  const body = (await response.json().catch(() => null)) as {
    choices?: Array<{ message?: { content?: unknown } }>;
    usage?: { total_tokens?: unknown; cost?: unknown };
    error?: { message?: unknown; code?: unknown };
  } | null;
  if (!response.ok || !body?.choices) {
    const message = typeof body?.error?.message === 'string' ? body.error.message : `The API server answered HTTP ${response.status}.`;
    return outcome({ error: { status: response.status, code: typeof body?.error?.code === 'string' ? body.error.code : null, message } });
  }
  const content = body.choices[0]?.message?.content;
  return outcome({
    ok: true,
    answer: typeof content === 'string' ? content : '',
    costUsd: typeof body.usage?.cost === 'number' ? body.usage.cost : null,
    tokens: typeof body.usage?.total_tokens === 'number' ? body.usage.total_tokens : null,
  });
}
