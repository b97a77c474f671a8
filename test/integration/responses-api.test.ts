/**
 * POST /v1/responses with the real claude CLI: the response object and its stream, tool calls
 * as items already run (paired function_call/function_call_output for Open WebUI, mcp_call for
 * other clients), usage, continuation by previous_response_id, tasks, errors and bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestEntry } from '../../common/control';
import { hasToolResults, lastUserText, text, type FakeRequest, type Script } from '../support/fake-anthropic';
import { harnessPerTest, type Harness } from '../support/helix-harness';
import {
  assembledOutput,
  checkResponseStream,
  finalResponse,
  outputText,
  owuiHeaders,
  responseEvents,
  responsesBody,
  statusLines,
  streamResponse,
  toolOutputText,
  type Item,
} from '../support/responses-checks';

const start = harnessPerTest();

async function create(h: Harness, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> & { output: Item[] } }> {
  const response = await h.api('/v1/responses', { method: 'POST', body: JSON.stringify({ model: 'helix-consultant', ...body }), headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { output: Item[] } };
}

/** A project folder with a file, and a script that reads it and runs echo before answering. */
function readAndBash(): { workspace: string; script: Script } {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'helix-project-'));
  writeFileSync(`${workspace}/notes.txt`, 'hello\nworld\n');
  const script: Script = (req) =>
    hasToolResults(req)
      ? text('The file says hello.', { usage: { input: 50, output: 7 } })
      : {
          kind: 'message',
          blocks: [
            { type: 'thinking', thinking: 'I should read the file first.' },
            { type: 'tool_use', name: 'Read', input: { file_path: `${workspace}/notes.txt` } },
            { type: 'tool_use', name: 'Bash', input: { command: 'echo from-bash', description: 'echo' } },
          ],
        };
  return { workspace, script };
}

describe('/v1/responses, one-shot', () => {
  it('answers with a response object: the answer as an output_text message, real usage and cost, logged once', async () => {
    const h = await start(() => text('Paris is the capital of France.', { usage: { input: 40, output: 9 } }));
    const { status, body } = await create(h, { input: 'Capital of France?', instructions: 'Answer in one sentence.', metadata: { ticket: 'T-1' } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'helix-consultant', instructions: 'Answer in one sentence.', metadata: { ticket: 'T-1' }, error: null });
    expect(body.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(outputText(body.output)).toBe('Paris is the capital of France.');
    expect(body.usage).toMatchObject({ input_tokens: 40, output_tokens: 9, total_tokens: 49, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } });
    expect((body.usage as { cost: number }).cost).toBeGreaterThan(0);
    // The instructions reached Claude Code's system prompt.
    expect(JSON.stringify(h.fake.requests[0]!.body)).toContain('Answer in one sentence.');
    const logged = (h.core.control.handlers['requests:list']() as RequestEntry[]).filter((r) => r.path === '/v1/responses');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ status: 200, model: 'helix-consultant', tokens: 49 });
  });

  it('passes an input_image (data URL) to Claude Code as image content', async () => {
    const h = await start(() => text('A pixel.'));
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const { status, body } = await create(h, {
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is in this picture?' }, { type: 'input_image', image_url: `data:image/png;base64,${png}`, detail: 'auto' }] }],
    });
    expect(status).toBe(200);
    expect(outputText(body.output)).toBe('A pixel.');
    const sent = JSON.stringify(h.fake.requests[0]!.body.messages);
    expect(sent).toContain('"type":"image"');
    expect(sent).toContain(png);
    expect(sent).toContain('What is in this picture?');
  });

  it('has the same tool items as the stream, each with its outcome', async () => {
    const { workspace, script } = readAndBash();
    const h = await start(script, { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
    const { status, body } = await create(h, { input: [{ role: 'user', content: [{ type: 'input_text', text: 'Read notes.txt and run echo' }] }] }, owuiHeaders('one-shot-chat'));
    expect(status).toBe(200);
    expect(body.output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
    expect(outputText(body.output)).toBe('The file says hello.');
  });
});

describe('/v1/responses, streamed', () => {
  it('streams reasoning, each tool as a function_call paired with its output, then the answer, for Open WebUI', async () => {
    const { workspace, script } = readAndBash();
    const h = await start(script, { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
    const { status, events } = await streamResponse(h, responsesBody('Read notes.txt and run echo'), owuiHeaders('stream-chat'));
    expect(status).toBe(200);
    checkResponseStream(events);
    const typed = responseEvents(events);
    expect(typed.slice(0, 2).map((e) => e.type)).toEqual(['response.created', 'response.in_progress']);
    expect(typed.at(-1)!.type).toBe('response.completed');

    const output = finalResponse(events).output;
    // What Open WebUI builds from the item events is what the completed response says.
    expect(assembledOutput(events)).toEqual(output);
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'function_call', 'function_call_output', 'function_call_output', 'message']);
    const [reasoning, read, bash, readOut, bashOut] = output as [Item, Item, Item, Item, Item];
    expect((reasoning.summary as Array<{ text: string }>)[0]!.text).toBe('I should read the file first.');
    expect(read).toMatchObject({ name: 'Read', status: 'completed', arguments: JSON.stringify({ file_path: `${workspace}/notes.txt` }) });
    expect(bash).toMatchObject({ name: 'Bash', status: 'completed' });
    expect(JSON.parse(String(bash.arguments))).toEqual({ command: 'echo from-bash', description: 'echo' });
    // Outputs are content parts (Open WebUI shows a plain string as an empty card), with what the tool returned.
    expect(readOut).toMatchObject({ call_id: read.call_id, output: [{ type: 'input_text', text: expect.stringContaining('world') }] });
    expect(bashOut.call_id).toBe(bash.call_id);
    expect(toolOutputText(bashOut)).toContain('from-bash');
    expect(outputText(output)).toBe('The file says hello.');

    // Text and reasoning came as deltas, in order: thinking before the tools, the answer after them.
    const deltas = typed.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(deltas).toBe('The file says hello.');
    const firstText = typed.findIndex((e) => e.type === 'response.output_text.delta');
    const lastToolOutput = typed.findLastIndex((e) => e.type === 'response.output_item.added' && (e.item as Item).type === 'function_call_output');
    expect(lastToolOutput).toBeLessThan(firstText);
    const thinking = typed.filter((e) => e.type === 'response.reasoning_summary_text.delta').map((e) => e.delta).join('');
    expect(thinking).toBe('I should read the file first.');

    // Usage of both model calls, and status lines for Open WebUI ending with a done one.
    expect(finalResponse(events).usage).toMatchObject({ input_tokens: 150, output_tokens: 27, total_tokens: 177 });
    expect(statusLines(events).at(-1)).toMatchObject({ done: true, description: expect.stringMatching(/^Done in .* 2 tool calls/) });
    // The tools really ran: their results went back upstream.
    expect(JSON.stringify(h.fake.requests[1]!.body.messages)).toContain('from-bash');
  });

  it('gives other clients each tool as an mcp_call item with its output, and no status lines', async () => {
    const { workspace, script } = readAndBash();
    const h = await start(script, { role: `{ model: "local:claude-sonnet-4-5", cwd: "${workspace}" }` });
    const { events } = await streamResponse(h, responsesBody('Read notes.txt and run echo'));
    checkResponseStream(events);
    expect(statusLines(events)).toEqual([]);
    const output = finalResponse(events).output;
    expect(output.map((i) => i.type)).toEqual(['reasoning', 'mcp_call', 'mcp_call', 'message']);
    expect(output[1]).toMatchObject({ name: 'Read', server_label: 'claude_code', status: 'completed', output: expect.stringContaining('world'), error: null });
    expect(output[2]).toMatchObject({ name: 'Bash', status: 'completed', output: expect.stringContaining('from-bash') });
    expect(JSON.stringify(events)).not.toContain('"function_call"');
  });

  it('shows a sub-agent (Task) as delegate_task, which Open WebUI labels "Sub-agent"', async () => {
    // The first call delegates; the sub-agent's own calls and the one after it answer.
    const h = await start((req) =>
      req.index === 0
        ? { kind: 'message', blocks: [{ type: 'tool_use', name: 'Task', input: { description: 'Count the files', prompt: 'Count the files here', subagent_type: 'general-purpose' } }] }
        : text('Done.'),
    );
    const { events } = await streamResponse(h, responsesBody('Delegate it'), owuiHeaders('agent-chat'));
    checkResponseStream(events);
    const call = finalResponse(events).output.find((i) => i.type === 'function_call');
    expect(call).toMatchObject({ name: 'delegate_task' });
    expect(JSON.parse(String(call!.arguments))).toMatchObject({ task: 'Count the files', background: false, prompt: 'Count the files here' });
  });

  it('reports a failed run as response.failed with the same code and advice as chat completions', async () => {
    const h = await start(() => ({ kind: 'error', status: 401, message: 'invalid x-api-key' }));
    const { status, events } = await streamResponse(h, responsesBody('Hello'), owuiHeaders('failing-chat'));
    expect(status).toBe(200);
    checkResponseStream(events);
    const response = finalResponse(events);
    expect(response.status).toBe('failed');
    expect(response.error).toMatchObject({ code: 'upstream_auth', message: expect.stringContaining('LOCAL_KEY') });
    expect(statusLines(events).at(-1)).toMatchObject({ done: true, description: expect.stringContaining('Failed:') });

    const oneShot = await h.api('/v1/responses', { method: 'POST', body: responsesBody('Hello', { stream: false }) });
    expect(oneShot.status).toBe(502);
    expect(((await oneShot.json()) as { error: { code: string } }).error.code).toBe('upstream_auth');
  });
});

describe('/v1/responses, long answers and silences', () => {
  // Every character escaped in JSON (a control character is 6 bytes), so the size is the worst case.
  const long = `${'\u0001'.repeat(30_000)}${'abc 😀 '.repeat(20_000)}`;

  it('keeps every line under the limit for Open WebUI, which rebuilds the answer from the item events', async () => {
    const h = await start(() => text(long, { chunkSize: 4096 }));
    const response = await h.api('/v1/responses', { method: 'POST', body: responsesBody('Write a lot'), headers: owuiHeaders('long-chat') });
    const body = await response.text();
    expect(Math.max(...body.split('\n').map((line) => Buffer.byteLength(line)))).toBeLessThan(64 * 1024);
    const { events } = (await import('../support/helix-harness')).parseSse(body) as { events: Array<Record<string, unknown> & { type?: string }> };
    checkResponseStream(events);
    const output = assembledOutput(events);
    expect(outputText(output)).toBe(long);
    expect(output.filter((i) => i.type === 'message').length).toBeGreaterThan(1);
    // Too long to repeat: the final response leaves its output out, and Open WebUI keeps the one it built.
    const completed = events.find((e) => e.type === 'response.completed')!;
    expect(completed).toMatchObject({ response: { status: 'completed', usage: expect.any(Object) } });
    expect((completed.response as Record<string, unknown>).output).toBeUndefined();
  });

  it('gives other clients the whole final response, however long', async () => {
    const h = await start(() => text(long, { chunkSize: 4096 }));
    const { events } = await streamResponse(h, responsesBody('Write a lot'));
    expect(outputText(finalResponse(events).output)).toBe(long);
  });

  it('sends keep-alive comments through a silent tool run', async () => {
    const h = await start((req) => (hasToolResults(req) ? text('Slept.') : { kind: 'message', blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'sleep 2' } }] }), {
      role: '{ model: "local:claude-sonnet-4-5", allowed_tools: ["Bash"] }',
      extraYaml: 'settings:\n  keepalive_seconds: 0.5\n',
    });
    const { events, comments } = await streamResponse(h, responsesBody('Sleep'), owuiHeaders('quiet-chat'));
    checkResponseStream(events);
    expect(comments.filter((c) => c === ': keepalive').length).toBeGreaterThanOrEqual(2);
    expect(outputText(finalResponse(events).output)).toBe('Slept.');
  });
});

describe('/v1/responses, continuing', () => {
  const numbered = (req: FakeRequest) => text(`Answer ${req.index + 1}.`);

  it('previous_response_id resumes the Claude Code session with only the new message, also after a restart', async () => {
    const h = await start(numbered);
    const first = await create(h, { input: 'My name is Ada.' });
    expect(outputText(first.body.output)).toBe('Answer 1.');
    const second = await create(h, { input: 'What is my name?', previous_response_id: first.body.id });
    expect(second.status).toBe(200);
    expect(second.body.previous_response_id).toBe(first.body.id);
    expect(outputText(second.body.output)).toBe('Answer 2.');
    const turns = (h.fake.requests[1]!.body.messages ?? []).filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => m.role);
    expect(turns).toEqual(['user', 'assistant', 'user']);
    // Only the new message: the earlier exchange came from Claude Code's session, not a transcript.
    expect(lastUserText(h.fake.requests[1]!)).toContain('What is my name?');
    expect(lastUserText(h.fake.requests[1]!)).not.toContain('My name is Ada');
    expect(h.core.sessions.list()).toHaveLength(1);

    // The id is the turn's, kept in the session store: it still works after a restart.
    await h.core.close();
    const { startHelixCore } = await import('../../main/app/helix-core');
    h.core = await startHelixCore({ dataDir: h.dataDir, configPath: path.join(path.dirname(h.dataDir), 'llm-providers.yaml'), host: '127.0.0.1', port: 0, env: h.env });
    const third = await create(h, { input: 'And again?', previous_response_id: second.body.id });
    expect(third.status).toBe(200);
    expect(lastUserText(h.fake.requests[2]!)).toContain('And again?');
    expect(lastUserText(h.fake.requests[2]!)).not.toContain('What is my name?');
    expect((h.fake.requests[2]!.body.messages ?? []).filter((m) => m.role === 'user')).toHaveLength(3);
  });

  it('refuses an unknown previous_response_id with a 400 naming the param', async () => {
    const h = await start(numbered);
    for (const id of ['resp_0123456789abcdef0123456789abcdef', 'not-a-response']) {
      const { status, body } = await create(h, { input: 'Hi', previous_response_id: id });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ param: 'previous_response_id', code: 'previous_response_not_found' });
    }
    expect(h.fake.requests).toHaveLength(0);
  });
});
