// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigView } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { ProvidersView } from '../../renderer/src/views/ProvidersView';

afterEach(cleanup);

const config: ConfigView = {
  file: '/home/me/llm-providers.yaml',
  settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' },
  error: null,
  roles: [{ name: 'consultant', modelId: 'helix-consultant', provider: 'anthropic', model: 'claude-sonnet-4-5' }],
  providers: [
    { name: 'anthropic', type: 'anthropic', baseUrl: null, key: 'set', keyEnv: 'ANTHROPIC_API_KEY', models: ['claude-sonnet-4-5', 'claude-haiku-4-5'], roles: ['consultant'] },
    { name: 'openrouter', type: 'openai', baseUrl: 'https://openrouter.ai/api/v1', key: 'missing', keyEnv: 'OPENROUTER_API_KEY', models: ['openai/gpt-4o'], roles: [] },
  ],
};

function fakeClient(): ControlClient & { invoke: ReturnType<typeof vi.fn> } {
  return { invoke: vi.fn(async () => config), subscribe: () => () => undefined } as never;
}

describe('ProvidersView', () => {
  it('offers every configured provider:model for a role and switches it', async () => {
    const client = fakeClient();
    const changed = vi.fn();
    render(<ProvidersView client={client} config={config} onChanged={changed} />);
    const picker = screen.getByLabelText('Provider for consultant') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(['anthropic:claude-sonnet-4-5', 'anthropic:claude-haiku-4-5', 'openrouter:openai/gpt-4o']);
    fireEvent.change(picker, { target: { value: 'openrouter:openai/gpt-4o' } });
    expect(client.invoke).toHaveBeenCalledWith('role:set-model', 'consultant', 'openrouter:openai/gpt-4o');
    await screen.findByText('helix-consultant now runs on openrouter:openai/gpt-4o; the next run uses it.');
    expect(changed).toHaveBeenCalled();
  });

  it('shows key status, never a key, and stores a typed key under its variable name', async () => {
    const client = fakeClient();
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    expect(screen.getByText('missing')).toBeTruthy();
    const input = screen.getByLabelText('Key for OPENROUTER_API_KEY') as HTMLInputElement;
    expect(input.type).toBe('password');
    fireEvent.change(input, { target: { value: 'sk-or-123' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    expect(client.invoke).toHaveBeenCalledWith('key:set', 'OPENROUTER_API_KEY', 'sk-or-123');
    await vi.waitFor(() => expect(input.value).toBe(''));
  });

  it('shows the reason when a switch is refused', async () => {
    const client = fakeClient();
    client.invoke.mockRejectedValueOnce(new Error('llm-providers.yaml:8:3: role "consultant" uses model "x"'));
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Provider for consultant'), { target: { value: 'anthropic:claude-haiku-4-5' } });
    expect((await screen.findByRole('status')).textContent).toContain('llm-providers.yaml:8:3');
  });
});
