// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfigView } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { ProvidersView } from '../../renderer/src/views/ProvidersView';
import { renderWithToasts as render } from '../support/panel-render';

afterEach(cleanup);

// jsdom has <dialog> without its modal methods; Chromium's are exercised by the browser test.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
});

const config: ConfigView = {
  file: '/home/me/llm-providers.yaml',
  settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' },
  error: null,
  roles: [{ name: 'consultant', modelId: 'helix-consultant', provider: 'anthropic', model: 'claude-sonnet-4-5', options: { model: 'anthropic:claude-sonnet-4-5' } }],
  undo: null,
  providers: [
    { name: 'anthropic', type: 'anthropic', baseUrl: null, key: 'set', keyEnv: 'ANTHROPIC_API_KEY', models: ['claude-sonnet-4-5', 'claude-haiku-4-5'], roles: ['consultant'] },
    { name: 'openrouter', type: 'openai', baseUrl: 'https://openrouter.ai/api/v1', key: 'missing', keyEnv: 'OPENROUTER_API_KEY', models: ['openai/gpt-4o'], roles: [] },
  ],
};

/** The config once the consultant was switched to openrouter. */
const switchedConfig: ConfigView = { ...config, roles: [{ ...config.roles[0]!, provider: 'openrouter', model: 'openai/gpt-4o' }] };

function fakeClient(): ControlClient & { invoke: ReturnType<typeof vi.fn> } {
  return { invoke: vi.fn(async () => config), subscribe: () => () => undefined } as never;
}

describe('ProvidersView', () => {
  it('offers every configured provider:model for a role, and switches it only on Apply', async () => {
    const client = fakeClient();
    const changed = vi.fn();
    const { rerender } = render(<ProvidersView client={client} config={config} onChanged={changed} />);
    const picker = screen.getByLabelText('Provider for consultant') as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(['anthropic:claude-sonnet-4-5', 'anthropic:claude-haiku-4-5', 'openrouter:openai/gpt-4o']);
    fireEvent.change(picker, { target: { value: 'anthropic:claude-haiku-4-5' } });
    fireEvent.change(picker, { target: { value: 'openrouter:openai/gpt-4o' } });
    fireEvent.blur(picker);
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Apply Provider for consultant' }));
    expect(client.invoke).toHaveBeenCalledTimes(1);
    expect(client.invoke).toHaveBeenCalledWith('role:set-model', 'consultant', 'openrouter:openai/gpt-4o');
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
    rerender(<ProvidersView client={client} config={switchedConfig} onChanged={changed} />);
    await screen.findByText('helix-consultant now runs on openrouter:openai/gpt-4o; the next run uses it.');
    expect(picker.value).toBe('openrouter:openai/gpt-4o');
    expect(screen.queryByRole('button', { name: 'Apply Provider for consultant' })).toBeNull();
  });

  it("says a switch in a toast whose Undo takes back that switch, and says what was undone", async () => {
    const client = fakeClient();
    const changed = vi.fn();
    client.invoke.mockResolvedValueOnce({ ...switchedConfig, undo: 'helix-consultant set to openrouter:openai/gpt-4o' });
    render(<ProvidersView client={client} config={config} onChanged={changed} />);
    fireEvent.change(screen.getByLabelText('Provider for consultant'), { target: { value: 'openrouter:openai/gpt-4o' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Provider for consultant' }));
    const toast = (await screen.findByText('helix-consultant now runs on openrouter:openai/gpt-4o; the next run uses it.')).closest('li') as HTMLElement;
    client.invoke.mockResolvedValueOnce({ undone: 'helix-consultant set to openrouter:openai/gpt-4o', config });
    fireEvent.click(within(toast).getByRole('button', { name: 'Undo: helix-consultant set to openrouter:openai/gpt-4o' }));
    expect(client.invoke).toHaveBeenLastCalledWith('config:undo');
    await screen.findByText('Undone: helix-consultant set to openrouter:openai/gpt-4o. The file is as it was before.');
    expect(toast.isConnected).toBe(false); // the used toast is gone, with its Undo
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('says a refused undo as an error that stays', async () => {
    const client = fakeClient();
    client.invoke.mockResolvedValueOnce({ ...switchedConfig, undo: 'helix-consultant set to openrouter:openai/gpt-4o' });
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Provider for consultant'), { target: { value: 'openrouter:openai/gpt-4o' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Provider for consultant' }));
    client.invoke.mockRejectedValueOnce(new Error('the file changed since: not undone'));
    fireEvent.click(await screen.findByRole('button', { name: /^Undo: / }));
    const error = (await screen.findByText('the file changed since: not undone')).closest('li') as HTMLElement;
    expect(error.dataset.tone).toBe('error');
    expect(within(error).getByText('Not undone')).toBeTruthy();
  });

  it('follows a role changed in the file, and Revert gives up a pending choice', () => {
    const client = fakeClient();
    const { rerender } = render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    const picker = screen.getByLabelText('Provider for consultant') as HTMLSelectElement;
    const edited = { ...config, roles: [{ ...config.roles[0]!, model: 'claude-haiku-4-5' }] };
    rerender(<ProvidersView client={client} config={edited} onChanged={() => undefined} />);
    expect(picker.value).toBe('anthropic:claude-haiku-4-5');
    fireEvent.change(picker, { target: { value: 'openrouter:openai/gpt-4o' } });
    fireEvent.click(screen.getByRole('button', { name: 'Revert Provider for consultant' }));
    expect(picker.value).toBe('anthropic:claude-haiku-4-5');
    expect(screen.queryByRole('button', { name: 'Apply Provider for consultant' })).toBeNull();
    expect(client.invoke).not.toHaveBeenCalled();
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

  it('shows the reason when a switch is refused, next to the picker', async () => {
    const client = fakeClient();
    client.invoke.mockRejectedValueOnce(new Error('llm-providers.yaml:8:3: role "consultant" uses model "x"'));
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Provider for consultant'), { target: { value: 'anthropic:claude-haiku-4-5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Provider for consultant' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('llm-providers.yaml:8:3');
    expect(alert.closest('tr')).toBe(screen.getByLabelText('Provider for consultant').closest('tr'));
  });

  it('shows a key that could not be stored, next to its field, and keeps what was typed', async () => {
    const client = fakeClient();
    client.invoke.mockRejectedValueOnce(new Error('Cannot write the key store: EACCES'));
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    const input = screen.getByLabelText('Key for OPENROUTER_API_KEY') as HTMLInputElement;
    fireEvent.change(input, { target: { value: 'sk-or-123' } });
    fireEvent.submit(input.closest('form') as HTMLFormElement);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The key was not saved: Cannot write the key store: EACCES');
    expect(alert.closest('td')).toBe(input.closest('td'));
    expect(input.value).toBe('sk-or-123');
  });

  it('tells where fetched models went: the role pickers below the message', async () => {
    const client = fakeClient();
    client.invoke.mockResolvedValueOnce(['openai/gpt-4o', 'vendor/new']);
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Fetch models of openrouter' }));
    await screen.findByText('openrouter lists 2 models; they are in the role pickers below.');
  });
});

describe('ProvidersView editing', () => {
  it('adds a provider from a preset only on "Add provider", then stores its key under the preset variable', async () => {
    const client = fakeClient();
    const changed = vi.fn();
    render(<ProvidersView client={client} config={config} onChanged={changed} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add provider…' }));
    const form = screen.getByRole('form', { name: 'Add a provider' });
    fireEvent.change(within(form).getByLabelText('Preset'), { target: { value: 'deepseek' } });
    expect((within(form).getByLabelText('Base URL') as HTMLInputElement).value).toBe('https://api.deepseek.com/v1');
    fireEvent.change(within(form).getByLabelText(/^Key \(stored/), { target: { value: 'sk-ds-1' } });
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(within(form).getByRole('button', { name: 'Add provider' }));
    await screen.findByText('Provider deepseek added; its key is stored.');
    expect(client.invoke.mock.calls).toEqual([
      ['provider:set', 'deepseek', { type: 'openai', base_url: 'https://api.deepseek.com/v1', api_key_env: 'DEEPSEEK_API_KEY', models: ['deepseek-chat', 'deepseek-reasoner'] }],
      ['key:set', 'DEEPSEEK_API_KEY', 'sk-ds-1'],
    ]);
    expect(changed).toHaveBeenCalled();
    expect(screen.queryByRole('form', { name: 'Add a provider' })).toBeNull();
  });

  it('keeps the form as typed and says why when the config refuses the provider', async () => {
    const client = fakeClient();
    client.invoke.mockRejectedValueOnce(new Error('providers.custom.base_url: Invalid URL'));
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add provider…' }));
    const form = screen.getByRole('form', { name: 'Add a provider' });
    fireEvent.change(within(form).getByLabelText('Preset'), { target: { value: 'custom' } });
    fireEvent.change(within(form).getByLabelText('Base URL'), { target: { value: 'not a url' } });
    fireEvent.submit(form);
    expect((await within(form).findByRole('alert')).textContent).toBe('Not saved: providers.custom.base_url: Invalid URL');
    expect((within(form).getByLabelText('Base URL') as HTMLInputElement).value).toBe('not a url');
    // A name already taken is refused before anything is sent.
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'anthropic' } });
    fireEvent.submit(form);
    expect((await within(form).findByRole('alert')).textContent).toContain('There is already a provider "anthropic"');
    expect(client.invoke).toHaveBeenCalledTimes(1);
  });

  it('edits every option of a role as a draft written on Apply; Revert gives it up', async () => {
    const client = fakeClient();
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit options of helix-consultant' }));
    const form = screen.getByRole('form', { name: 'Options of helix-consultant' });
    fireEvent.change(within(form).getByLabelText('Max turns'), { target: { value: '12' } });
    fireEvent.change(within(form).getByLabelText('Allowed tools (one a line)'), { target: { value: 'Read\nBash(git status)\n' } });
    fireEvent.change(within(form).getByLabelText('Environment (NAME=value, one a line)'), { target: { value: 'GH_TOKEN=${GITHUB_TOKEN}' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Revert options of helix-consultant' }));
    expect((within(form).getByLabelText('Max turns') as HTMLInputElement).value).toBe('');
    fireEvent.change(within(form).getByLabelText('Max turns'), { target: { value: '12' } });
    fireEvent.change(within(form).getByLabelText('Working folder'), { target: { value: '~/src/app' } });
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(within(form).getByRole('button', { name: 'Apply options of helix-consultant' }));
    await screen.findByText("helix-consultant's options saved; the next run uses them.");
    expect(client.invoke).toHaveBeenCalledWith('role:set', 'consultant', { model: 'anthropic:claude-sonnet-4-5', cwd: '~/src/app', max_turns: 12 });
  });

  it('asks before a role runs in bypassPermissions, and writes nothing when cancelled', () => {
    const client = fakeClient();
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit options of helix-consultant' }));
    const form = screen.getByRole('form', { name: 'Options of helix-consultant' });
    fireEvent.change(within(form).getByLabelText('Permission mode'), { target: { value: 'bypassPermissions' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Apply options of helix-consultant' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(client.invoke).not.toHaveBeenCalled();
  });

  it('offers Undo of an added provider in the toast that says it was added', async () => {
    const client = fakeClient();
    client.invoke.mockResolvedValueOnce({ ...config, undo: 'provider deepseek added' });
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add provider…' }));
    const form = screen.getByRole('form', { name: 'Add a provider' });
    fireEvent.change(within(form).getByLabelText('Preset'), { target: { value: 'deepseek' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add provider' }));
    await screen.findByText('Provider deepseek added.');
    client.invoke.mockResolvedValueOnce({ undone: 'provider deepseek added', config });
    fireEvent.click(screen.getByRole('button', { name: 'Undo: provider deepseek added' }));
    expect((await screen.findByText(/^Undone:/)).textContent).toBe('Undone: provider deepseek added. The file is as it was before.');
    expect(client.invoke).toHaveBeenLastCalledWith('config:undo');
  });

  it('removes a provider only once confirmed, naming it on its row', async () => {
    const client = fakeClient();
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove provider openrouter' }));
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Remove openrouter' }));
    await screen.findByText('Provider openrouter removed.');
    expect(client.invoke).toHaveBeenCalledWith('provider:remove', 'openrouter');
  });
});

describe('ProvidersView: only the latest edit offers Undo', () => {
  it('takes Undo off the toast of an earlier edit when a later one is saved', async () => {
    const client = fakeClient();
    client.invoke.mockResolvedValueOnce({ ...config, undo: 'provider deepseek added' });
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Add provider…' }));
    fireEvent.change(within(screen.getByRole('form', { name: 'Add a provider' })).getByLabelText('Preset'), { target: { value: 'deepseek' } });
    fireEvent.click(within(screen.getByRole('form', { name: 'Add a provider' })).getByRole('button', { name: 'Add provider' }));
    await screen.findByRole('button', { name: 'Undo: provider deepseek added' });
    client.invoke.mockResolvedValueOnce({ ...switchedConfig, undo: 'helix-consultant set to openrouter:openai/gpt-4o' });
    fireEvent.change(screen.getByLabelText('Provider for consultant'), { target: { value: 'openrouter:openai/gpt-4o' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Provider for consultant' }));
    await screen.findByRole('button', { name: 'Undo: helix-consultant set to openrouter:openai/gpt-4o' });
    expect(screen.queryByRole('button', { name: 'Undo: provider deepseek added' })).toBeNull();
    expect(screen.getByText('Provider deepseek added.')).toBeTruthy(); // what was said stays
  });
});

describe('the working folder picker', () => {
  it('is offered in the desktop window only, fills the draft with the chosen folder, and writes it on Apply', async () => {
    const client = fakeClient();
    render(<ProvidersView client={client} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit options of helix-consultant' }));
    // A browser's panel has no picker: the folder is typed.
    expect(screen.queryByRole('button', { name: 'Choose the working folder of helix-consultant' })).toBeNull();
    cleanup();

    const desktop = Object.assign(fakeClient(), { capabilities: { openFolder: true, pickFolder: true } });
    desktop.invoke.mockImplementation(async (command: string) => (command === 'folder:pick' ? { folder: '/home/me/project' } : config));
    render(<ProvidersView client={desktop} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit options of helix-consultant' }));
    const form = screen.getByRole('form', { name: 'Options of helix-consultant' });
    fireEvent.click(within(form).getByRole('button', { name: 'Choose the working folder of helix-consultant' }));
    await vi.waitFor(() => expect((within(form).getByLabelText('Working folder') as HTMLInputElement).value).toBe('/home/me/project'));
    // Chosen, not written: only Apply writes.
    expect(desktop.invoke.mock.calls.map(([command]) => command)).toEqual(['folder:pick']);
    fireEvent.click(within(form).getByRole('button', { name: 'Apply options of helix-consultant' }));
    await vi.waitFor(() => expect(desktop.invoke).toHaveBeenCalledWith('role:set', 'consultant', expect.objectContaining({ cwd: '/home/me/project' })));
  });

  it('a picker that fails says so, and the draft stays as it was', async () => {
    const desktop = Object.assign(fakeClient(), { capabilities: { openFolder: true, pickFolder: true } });
    desktop.invoke.mockImplementation(async (command: string) => {
      if (command === 'folder:pick') throw new Error('The dialog could not open');
      return config;
    });
    render(<ProvidersView client={desktop} config={config} onChanged={() => undefined} />);
    fireEvent.click(screen.getByRole('button', { name: 'Edit options of helix-consultant' }));
    const form = screen.getByRole('form', { name: 'Options of helix-consultant' });
    fireEvent.click(within(form).getByRole('button', { name: 'Choose the working folder of helix-consultant' }));
    await screen.findByText('The dialog could not open');
    expect((within(form).getByLabelText('Working folder') as HTMLInputElement).value).toBe('');
  });
});
