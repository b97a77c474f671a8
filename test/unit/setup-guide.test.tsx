// @vitest-environment jsdom
/**
 * The set-up guide: Claude Code's state from the server, a provider and its key for every role
 * (the key typed into a password field, sent once, never shown), the Open WebUI details, and the
 * test chat followed live to its answer or its error with advice.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ControlSnapshot, SetupCheck, SetupTestChat } from '../../common/control';
import { SetupGuide } from '../../renderer/src/views/SetupGuide';
import { fakeClient } from '../support/fake-control-client';
import { testSnapshot } from '../support/panel-client';

afterEach(cleanup);

const SECRET = 'sk-or-v1-typed-into-the-guide-0123';

const snapshot = (key: 'set' | 'missing' = 'missing'): ControlSnapshot =>
  testSnapshot({ key, model: 'sonnet', roles: ['consultant', 'developer'], connection: { baseUrl: 'http://127.0.0.1:8765/v1', apiKey: 'sk-helix-panel-key', headers: { 'X-Helix-Chat-Id': '{{CHAT_ID}}' } } });

const found: SetupCheck = { claude: { path: '/usr/bin/claude', searched: ['PATH'], version: '2.1.330 (Claude Code)', error: null, loggedIn: true, loginMethod: 'claude.ai' }, apiBaseUrl: 'http://127.0.0.1:8765/v1' };
const missing: SetupCheck = { claude: { path: null, searched: ['PATH'], version: null, error: 'Claude Code was not found (looked at: PATH).', loggedIn: false, loginMethod: null }, apiBaseUrl: 'http://127.0.0.1:8765/v1' };

function guide(answer: (command: string, ...args: unknown[]) => unknown, state = snapshot()) {
  const client = fakeClient(answer);
  const onChanged = vi.fn();
  render(<SetupGuide client={client} snapshot={state} onChanged={onChanged} onDismiss={() => undefined} onOpenSession={() => undefined} />);
  return { client, onChanged };
}

const step = (n: number): HTMLElement => screen.getByRole('listitem', { name: new RegExp(`^${['Claude Code', 'A provider', 'Connect Open WebUI', 'Send a test chat'][n - 1]}`) });

describe('step 1: Claude Code', () => {
  it('shows where it is, its version and its own login', async () => {
    guide((command) => (command === 'setup:check' ? found : undefined));
    await screen.findByText('2.1.330 (Claude Code)');
    expect(step(1).textContent).toContain('/usr/bin/claude');
    expect(step(1).textContent).toContain('Logged in (claude.ai)');
    expect(step(1).classList.contains('done')).toBe(true);
  });

  it('says how to install it when it is missing, and checks again on request', async () => {
    const { client } = guide((command) => (command === 'setup:check' ? missing : undefined));
    await screen.findByText('Claude Code was not found (looked at: PATH).');
    expect(step(1).textContent).toContain('npm install -g @anthropic-ai/claude-code');
    fireEvent.click(within(step(1)).getByRole('button', { name: 'Check again' }));
    await vi.waitFor(() => expect(client.calls.filter((c) => c.command === 'setup:check')).toHaveLength(2));
  });
});

describe('step 2: a provider', () => {
  it('adds the preset, stores the key typed into a password field and switches every role, then empties the field', async () => {
    const { client, onChanged } = guide((command) => (command === 'setup:check' ? found : snapshot().config));
    await screen.findByText('2.1.330 (Claude Code)');
    fireEvent.change(within(step(2)).getByLabelText('Provider'), { target: { value: 'preset:openrouter' } });
    const key = within(step(2)).getByLabelText(/^Key \(OPENROUTER_API_KEY\)/) as HTMLInputElement;
    expect(key.type).toBe('password');
    fireEvent.change(key, { target: { value: SECRET } });
    fireEvent.click(within(step(2)).getByRole('button', { name: 'Use OpenRouter for every role' }));
    await within(step(2)).findByText(/Every role now runs on openrouter:anthropic\/claude-sonnet-4\.5/);
    expect(client.calls.filter((c) => c.command !== 'setup:check')).toEqual([
      { command: 'provider:set', args: ['openrouter', expect.objectContaining({ type: 'openai', base_url: 'https://openrouter.ai/api/v1', api_key_env: 'OPENROUTER_API_KEY' })] },
      { command: 'key:set', args: ['OPENROUTER_API_KEY', SECRET] },
      { command: 'role:set-model', args: ['consultant', 'openrouter:anthropic/claude-sonnet-4.5'] },
      { command: 'role:set-model', args: ['developer', 'openrouter:anthropic/claude-sonnet-4.5'] },
    ]);
    expect(key.value).toBe('');
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(onChanged).toHaveBeenCalled();
  });

  it('keeps what was typed and says why when it is refused', async () => {
    guide((command) => {
      if (command === 'setup:check') return found;
      if (command === 'key:set') throw new Error('The key store cannot be written: disk full');
      return snapshot().config;
    });
    await screen.findByText('2.1.330 (Claude Code)');
    const key = within(step(2)).getByLabelText(/^Key \(ANTHROPIC_API_KEY\)/) as HTMLInputElement;
    fireEvent.change(key, { target: { value: SECRET } });
    fireEvent.click(within(step(2)).getByRole('button', { name: 'Use anthropic for every role' }));
    expect((await within(step(2)).findByRole('alert')).textContent).toBe('The key store cannot be written: disk full');
    expect(key.value).toBe(SECRET);
  });
});

describe('step 3: Open WebUI', () => {
  it('gives the URL, the key behind a button, the headers and the model names, each with a copy button', async () => {
    guide((command) => (command === 'setup:check' ? found : undefined));
    const s3 = step(3);
    expect(s3.textContent).toContain('http://127.0.0.1:8765/v1');
    expect(s3.textContent).toContain('helix-consultant, helix-developer');
    expect(s3.textContent).not.toContain('sk-helix-panel-key');
    fireEvent.click(within(s3).getByRole('button', { name: 'Show key' }));
    expect(s3.textContent).toContain('sk-helix-panel-key');
    for (const what of ['URL', 'key', 'headers', 'model names']) within(s3).getByRole('button', { name: `Copy ${what}` });
    await screen.findByText('2.1.330 (Claude Code)');
  });
});

describe('step 4: the test chat', () => {
  it('follows the chat live by its chat id, then shows the answer with its time and cost', async () => {
    let finish: (result: SetupTestChat) => void = () => undefined;
    const { client } = guide((command) => (command === 'setup:check' ? found : command === 'setup:test-chat' ? new Promise((resolve) => (finish = resolve)) : undefined), snapshot('set'));
    await screen.findByText('2.1.330 (Claude Code)');
    fireEvent.click(within(step(4)).getByRole('button', { name: 'Send a test chat' }));
    const call = client.calls.find((c) => c.command === 'setup:test-chat')!;
    const [role, chatId] = call.args as [string, string];
    expect(role).toBe('consultant');
    expect(chatId).toMatch(/^helix-setup-[\w]+$/);
    const summary = { id: 's-1', chatId, title: 'test', role: 'consultant', status: 'running' as const, createdAt: '', updatedAt: '', turns: 1, tokens: 0, costUsd: 0 };
    act(() => {
      client.emit({ type: 'session-changed', session: { ...summary, id: 's-other', chatId: 'another-chat' } });
      client.emit({ type: 'session-changed', session: summary });
      client.emit({ type: 'run-event', sessionId: 's-1', turnId: 't', seq: 1, event: { type: 'started', sessionId: 'c', model: 'claude-sonnet-4-5', cwd: '/w' } });
      client.emit({ type: 'run-event', sessionId: 's-other', turnId: 'x', seq: 1, event: { type: 'text', text: 'not this chat' } });
      client.emit({ type: 'run-event', sessionId: 's-1', turnId: 't', seq: 2, event: { type: 'text', text: 'I can hear' } });
    });
    const progress = screen.getByLabelText('Test chat progress');
    expect(progress.textContent).toContain('Claude Code started (claude-sonnet-4-5)');
    expect(progress.textContent).toContain('I can hear');
    expect(progress.textContent).not.toContain('not this chat');
    await act(async () => finish({ ok: true, model: 'helix-consultant', answer: 'I can hear you.', durationMs: 2345, costUsd: 0.0031, tokens: 120, sessionId: 's-1', error: null }));
    const result = await within(step(4)).findByText(/It works/);
    expect(result.closest('.test-result')!.textContent).toContain('Answered in 2.3 s for $0.0031 (120 tokens):I can hear you.');
    expect(step(4).classList.contains('done')).toBe(true);
  });

  it('shows the error with what to do about it', async () => {
    guide((command) =>
      command === 'setup:check'
        ? found
        : command === 'setup:test-chat'
          ? { ok: false, model: 'helix-consultant', answer: '', durationMs: 400, costUsd: null, tokens: null, sessionId: 's-2', error: { status: 502, code: 'upstream_auth', message: 'Provider "anthropic" rejected the API key (HTTP 401).' } }
          : undefined,
    );
    await screen.findByText('2.1.330 (Claude Code)');
    fireEvent.click(within(step(4)).getByRole('button', { name: 'Send a test chat' }));
    const failed = await within(step(4)).findByText(/The test chat failed/);
    expect(failed.closest('.test-result')!.textContent).toContain('(HTTP 502, upstream_auth): Provider "anthropic" rejected the API key (HTTP 401).Check the key in step 2');
  });
});
