/**
 * Nothing secret reaches Claude Code: with the real CLI, a model that runs `printenv` sees no
 * provider key, no HELIX_* variable and no unrelated secret of the server's environment — nor
 * do the session log, the panel or the provider's requests. The process's own proxy token stops
 * working when the process ends.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/control/control-service';
import { hasToolResults, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { FakeOpenAi } from '../support/fake-openai';
import { filesUnder } from '../support/files-under';
import { contentOf, readSse, startHarness, type Harness } from '../support/helix-harness';

const SECRETS = {
  LOCAL_KEY: 'sk-local-provider-secret-4b1d',
  ROUTER_KEY: 'sk-router-provider-secret-77aa',
  UNRELATED_DB_PASSWORD: 'db-password-secret-93c0',
  HELIX_INTERNAL_SETTING: 'helix-internal-secret-5e12',
};
const HELIX_KEY = 'sk-helix-test-key';

let harness: Harness | undefined;
let openai: FakeOpenAi | undefined;
afterEach(async () => {
  await harness?.close();
  await openai?.close();
  harness = undefined;
  openai = undefined;
});

/** First request: run `printenv`; after its result: repeat the tool output as the answer. */
function printenvScript(req: FakeRequest): Reply {
  if (!hasToolResults(req)) return { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'printenv', description: 'Show the environment' } }] };
  const last = req.body.messages!.at(-1)!.content as Array<{ type: string; content?: unknown }>;
  const result = last.find((part) => part.type === 'tool_result')!;
  return { kind: 'message', blocks: [{ type: 'text', text: `ENV:\n${JSON.stringify(result.content)}` }] };
}

async function runPrintenv(role: string): Promise<{ h: Harness; answer: string }> {
  openai = await new FakeOpenAi((req) => {
    const last = req.body.messages.at(-1)!;
    if (last.role === 'tool') return { kind: 'text', text: `ENV:\n${String(last.content)}` };
    return { kind: 'tool', name: 'Bash', fragments: ['{"command": "printenv", "description": "Show the environment"}'] };
  }).start();
  const h = await startHarness(printenvScript, {
    extraProviders: `  router:\n    type: openai\n    base_url: ${openai.url}\n    api_key_env: ROUTER_KEY\n    models: [vendor/model-x]`,
    role,
    env: { ...SECRETS },
  });
  harness = h;
  const response = await h.api('/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', stream: true, messages: [{ role: 'user', content: 'What is in your environment?' }] }) });
  const { events } = await readSse(response);
  return { h, answer: contentOf(events) };
}

function expectNoSecretIn(where: string, text: string): void {
  for (const value of [...Object.values(SECRETS), HELIX_KEY]) expect(text.includes(value), `${value} found in ${where}`).toBe(false);
  expect(text, `a HELIX_ variable in ${where}`).not.toMatch(/(^|\\n|\n)HELIX_[A-Z_]*=/);
}

describe.each([
  ['an anthropic provider (passed through the proxy)', '{ model: "local:claude-sonnet-4-5", allowed_tools: [Bash] }'],
  ['an openai provider (translated by the proxy)', '{ model: "router:vendor/model-x", allowed_tools: [Bash] }'],
])('with %s', (_name, role) => {
  it('gives the model nothing secret to read, log, show or send upstream', async () => {
    const { h, answer } = await runPrintenv(role);
    // The tool really ran: the environment it printed is in the answer.
    expect(answer).toMatch(/ENV:[\s\S]*PATH=/);
    expect(answer).toMatch(/ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:/);
    expectNoSecretIn('the answer', answer);

    for (const file of filesUnder(h.dataDir)) expectNoSecretIn(file, readFileSync(file, 'utf8'));

    const session = h.core.sessions.list()[0]!;
    const page = await dispatch(h.core.control, 'session:get', [session.id]);
    expect(page.ok).toBe(true);
    expectNoSecretIn('the panel', JSON.stringify(page));

    const upstreamBodies = [...h.fake.requests.map((r) => JSON.stringify(r.body)), ...openai!.requests.map((r) => JSON.stringify(r.body))];
    expect(upstreamBodies.length).toBeGreaterThanOrEqual(2);
    for (const body of upstreamBodies) expectNoSecretIn('a request to the provider', body);
  });

  it('gives each process a proxy token that stops working when the process ends', async () => {
    const { h, answer } = await runPrintenv(role);
    const token = /ANTHROPIC_API_KEY=([^\s\\"]+)/.exec(answer)?.[1];
    expect(token).toBeTruthy();
    // The chat's warm process is closed (as when idle too long, evicted, or closed in the panel).
    expect(await dispatch(h.core.control, 'live:close', [h.core.sessions.list()[0]!.id])).toEqual({ ok: true, data: { closed: true } });
    const base = /ANTHROPIC_BASE_URL=([^\s\\"]+)/.exec(answer)![1]!;
    const response = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': token!, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(401);
    expect(h.fake.requests.length + openai!.requests.length).toBe(2);
  });
});
