#!/usr/bin/env node
// A scripted stand-in for `claude -p --input-format stream-json …`, speaking the same protocol
// (init, assistant, result, session_state_changed, control requests and responses) so a warm
// session's state machine can be driven through every path. What a turn does is chosen by its
// text: "answer" (default), "ask" (a permission prompt first), "hang" (nothing until interrupted),
// "stubborn" (ignores interrupts), "die" (exits mid-turn). Every stdin line is appended to
// $FAKE_STDIN_LOG, when set.
import { appendFileSync } from 'node:fs';
import readline from 'node:readline';

const session = '11111111-2222-4333-8444-555555555555';
let turn = 0;
let current; // { mode, uuid, resolve? }
let pendingPrompt;
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const idle = () => out({ type: 'system', subtype: 'session_state_changed', state: 'idle', session_id: session, uuid: `idle-${turn}` });
const result = (fields) => {
  out({ type: 'result', subtype: 'success', is_error: false, result: '', session_id: session, terminal_reason: 'completed', usage: {}, ...fields });
  current = undefined;
  setTimeout(idle, 5);
};
const answer = (text) => {
  const uuid = `assistant-${turn}`;
  out({ type: 'assistant', message: { id: `msg_${turn}`, content: [{ type: 'text', text }] }, parent_tool_use_id: null, session_id: session, uuid });
  result({ result: text });
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (process.env.FAKE_STDIN_LOG) appendFileSync(process.env.FAKE_STDIN_LOG, `${line}\n`);
  const message = JSON.parse(line);
  if (message.type === 'control_request') {
    const { request_id: id, request } = message;
    if (request.subtype === 'interrupt') {
      if (current?.mode === 'stubborn') return;
      out({ type: 'control_response', response: { subtype: 'success', request_id: id, response: { still_queued: [] } } });
      if (current) {
        out({ type: 'user', message: { role: 'user', content: [{ type: 'text', text: '[Request interrupted by user]' }] }, session_id: session });
        result({ subtype: 'error_during_execution', is_error: true, terminal_reason: 'aborted_streaming', result: undefined, errors: [] });
      }
      return;
    }
    if (request.subtype === 'set_model') {
      out({ type: 'control_response', response: { subtype: 'success', request_id: id, response: { model: `resolved-${request.model}` } } });
      return;
    }
    out({ type: 'control_response', response: { subtype: 'error', request_id: id, error: `Unsupported control request subtype: ${request.subtype}` } });
    return;
  }
  if (message.type === 'control_response') {
    if (pendingPrompt && message.response.request_id === pendingPrompt) {
      pendingPrompt = undefined;
      answer(`prompt answered: ${JSON.stringify(message.response.response)}`);
    }
    return;
  }
  if (message.type !== 'user') return;
  turn += 1;
  const text = message.message.content[0].text;
  const mode = ['ask', 'hang', 'stubborn', 'die'].find((m) => text.startsWith(m)) ?? 'answer';
  current = { mode, uuid: message.uuid };
  out({ type: 'system', subtype: 'init', session_id: session, model: 'fake-model', cwd: process.cwd() });
  if (mode === 'answer') answer(`answer ${turn} to ${text}`);
  if (mode === 'ask') {
    pendingPrompt = `prompt-${turn}`;
    out({ type: 'control_request', request_id: pendingPrompt, request: { subtype: 'can_use_tool', tool_name: 'Write', display_name: 'Write', description: 'written.txt', input: { file_path: 'x' } } });
  }
  if (mode === 'die') setTimeout(() => process.exit(3), 20);
});
process.stdin.on('end', () => setTimeout(() => process.exit(0), current ? 50 : 0));
