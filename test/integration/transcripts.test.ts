/**
 * Claude Code's transcripts of a chat, with the real CLI against a fake upstream: after a chat
 * with branches, a cancelled branch and a cold resume, the transcripts left on disk are exactly
 * those some turn can still continue, and disk per chat grows with the chat, not with its turns.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lastUserText, text, type FakeRequest, type Reply } from '../support/fake-anthropic';
import { filesUnder } from '../support/files-under';
import { harnessPerTest, type Harness } from '../support/helix-harness';

const start = harnessPerTest();

type Message = { role: string; content: string };
const user = (content: string): Message => ({ role: 'user', content });
const assistant = (content: string): Message => ({ role: 'assistant', content });
/** Numbered answers; "Slowly" is answered slowly enough to be cancelled mid-answer, "Refused" refused. */
function script(req: FakeRequest): Reply {
  const prompt = lastUserText(req);
  if (prompt.includes('Slowly')) return text('A slow answer, word by word, that no one waits for.', { chunkSize: 2, delayMs: 200 });
  if (prompt.includes('Refused')) return { kind: 'error', status: 400, message: 'refused' };
  return text(`Answer ${req.index + 1}.`);
}

async function chat(h: Harness, chatId: string, messages: Message[]): Promise<string> {
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages }) });
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  expect(response.status).toBe(200);
  return body.choices[0]!.message.content;
}

/** Starts a streamed turn and leaves once its answer has begun: the turn is cancelled. */
async function cancelled(h: Harness, chatId: string, messages: Message[]): Promise<void> {
  const controller = new AbortController();
  const response = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': chatId }, body: JSON.stringify({ model: 'helix-consultant', stream: true, messages }), signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let body = '';
  while (!body.includes('"content":"A ')) {
    const { value, done } = await reader.read();
    if (done) break;
    body += new TextDecoder().decode(value);
  }
  controller.abort();
}

/** Every file under Claude Code's projects folder, with its size. */
function transcriptFiles(h: Harness): Array<{ file: string; bytes: number }> {
  const projects = path.join(String(h.env.HOME), '.claude', 'projects');
  return filesUnder(projects).map((file) => ({ file: path.relative(projects, file), bytes: statSync(file).size }));
}

describe("a chat's transcripts", () => {
  it('keep only what a turn can still continue: branches stay, a cancelled or failed branch goes once its process ends', async () => {
    const h = await start(script, { extraYaml: 'settings:\n  max_live_sessions: 1\n' });
    const history: Message[] = [];
    for (const message of ['one', 'two', 'three', 'four', 'five']) {
      history.push(user(message));
      history.push(assistant(await chat(h, 'doc', history)));
    }
    // Regenerate the fifth answer, then edit the third message: two forks, both still reachable.
    await chat(h, 'doc', history.slice(0, 9));
    await chat(h, 'doc', [...history.slice(0, 4), user('three, edited')]);
    // An edit stopped mid-answer, then one the provider refuses: forks no turn completed.
    await cancelled(h, 'doc', [...history.slice(0, 4), user('three, Slowly')]);
    const session = h.core.sessions.findByChatId('doc')!;
    await vi.waitFor(() => expect(session.turns.at(-1)!.status).toBe('cancelled'), { timeout: 10_000, interval: 50 });
    // Its process is still warm and holds that fork: its transcript stays meanwhile.
    const stoppedFork = session.turns.at(-1)!.claudeSessionId!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.core.control.snapshot().live.map((l) => l.claudeSessionId)).toEqual([stoppedFork]);
    expect(transcriptFiles(h).filter((f) => f.file.includes(stoppedFork))).toHaveLength(1);
    const refused = await h.api('/v1/chat/completions', { method: 'POST', headers: { 'x-helix-chat-id': 'doc' }, body: JSON.stringify({ model: 'helix-consultant', stream: false, messages: [...history.slice(0, 4), user('three, Refused')] }) });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    // Another chat evicts this one's process; the chat then resumes cold on its first branch.
    await chat(h, 'other', [user('elsewhere')]);
    await chat(h, 'doc', [...history, user('six')]);

    const turns = session.turns;
    expect(turns.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'cancelled', 'failed', 'done']);
    const [main, regenerated, edited, stopped, failed] = [0, 5, 6, 7, 8].map((i) => turns[i]!.claudeSessionId!) as [string, string, string, string, string];
    expect(new Set([main, regenerated, edited, stopped, failed]).size).toBe(5); // each branch a session of its own
    expect(turns[9]!.claudeSessionId).toBe(main); // resumed in place
    const other = h.core.sessions.findByChatId('other')!.turns[0]!.claudeSessionId!;
    const named = (id: string) => (f: { file: string }) => path.basename(f.file).startsWith(id);
    // Exactly the transcripts a turn can continue are left: the stopped and the refused forks are gone.
    await vi.waitFor(() => expect(transcriptFiles(h).filter(named(stopped)).concat(transcriptFiles(h).filter(named(failed)))).toEqual([]), { timeout: 5000, interval: 50 });
    const left = transcriptFiles(h);
    expect(left.map((f) => path.basename(f.file)).sort()).toEqual([main, regenerated, edited, other].map((id) => `${id}.jsonl`).sort());
    // Disk per chat grows with its branches, not its turns: the main transcript once, plus the forks kept.
    const bytes = (id: string): number => left.find(named(id))!.bytes;
    const chatBytes = [main, regenerated, edited].reduce((sum, id) => sum + bytes(id), 0);
    expect(chatBytes).toBeLessThanOrEqual(1.5 * Math.max(bytes(main), bytes(regenerated), bytes(edited)) + bytes(regenerated) + bytes(edited));
    // The main line, 6 turns resumed in place across 2 processes, is hardly larger than the other chat's 1-turn transcript.
    expect(bytes(main)).toBeLessThanOrEqual(1.5 * bytes(other));
  });
});
