// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConfigView, SettingsView as Settings } from '../../common/control';
import type { ControlClient } from '../../renderer/src/control-client';
import { SettingsView } from '../../renderer/src/views/SettingsView';
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

const settings: Settings = { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' };
const configWith = (changes: Partial<Settings> = {}): ConfigView => ({ file: '/home/me/llm-providers.yaml', settings: { ...settings, ...changes }, error: null, roles: [], providers: [], undo: null });

function fakeClient(): ControlClient & { invoke: ReturnType<typeof vi.fn> } {
  return { invoke: vi.fn(async () => configWith()), subscribe: () => () => undefined } as never;
}

const field = (label: string): HTMLInputElement & HTMLSelectElement => screen.getByLabelText(label);
const view = (client: ControlClient, config: ConfigView, onChanged = (): void => undefined): React.JSX.Element => (
  <SettingsView client={client} config={config} apiUrl="http://127.0.0.1:8765/v1" onChanged={onChanged} />
);

describe('SettingsView: fields follow the live config', () => {
  it('shows a hand edit of the file as soon as the config changes, and focus then blur writes nothing', () => {
    const client = fakeClient();
    const { rerender } = render(view(client, configWith()));
    expect(field('Run time limit (s)').value).toBe('600');
    rerender(view(client, configWith({ run_timeout_seconds: 900, permission_mode: 'plan' })));
    expect(field('Run time limit (s)').value).toBe('900');
    expect(field('Permission mode').value).toBe('plan');
    for (const label of ['Run time limit (s)', 'Keep-alive after silence (s)', 'Retries of a failed provider call', 'Runs at once', 'When a client leaves', 'Permission mode']) {
      fireEvent.focus(field(label));
      fireEvent.blur(field(label));
    }
    expect(client.invoke).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: /^Apply/ })).toBeNull();
  });

  it('keeps a pending edit when the file changes under it, says what the file holds now, and Revert takes that', () => {
    const client = fakeClient();
    const { rerender } = render(view(client, configWith()));
    fireEvent.change(field('Run time limit (s)'), { target: { value: '700' } });
    rerender(view(client, configWith({ run_timeout_seconds: 900 })));
    expect(field('Run time limit (s)').value).toBe('700');
    expect(screen.getByText('The file now says 900.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Revert Run time limit (s)' }));
    expect(field('Run time limit (s)').value).toBe('900');
    expect(client.invoke).not.toHaveBeenCalled();
  });

  it('drops a pending edit that the file comes to hold by itself', () => {
    const client = fakeClient();
    const { rerender } = render(view(client, configWith()));
    fireEvent.change(field('Runs at once'), { target: { value: '8' } });
    expect(screen.getByRole('button', { name: 'Apply Runs at once' })).toBeTruthy();
    rerender(view(client, configWith({ max_concurrent_runs: 8 })));
    expect(screen.queryByRole('button', { name: 'Apply Runs at once' })).toBeNull();
    rerender(view(client, configWith({ max_concurrent_runs: 2 })));
    expect(field('Runs at once').value).toBe('2');
  });
});

describe('SettingsView: only a value the user changed is written, and only when applied', () => {
  it('writes the one changed number on Apply, then follows the config again', async () => {
    const client = fakeClient();
    const changed = vi.fn();
    const { rerender } = render(view(client, configWith(), changed));
    fireEvent.change(field('Retries of a failed provider call'), { target: { value: '7' } });
    fireEvent.blur(field('Retries of a failed provider call'));
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Apply Retries of a failed provider call' }));
    expect(client.invoke).toHaveBeenCalledTimes(1);
    expect(client.invoke).toHaveBeenCalledWith('settings:set', 'max_retries', '7');
    await vi.waitFor(() => expect(changed).toHaveBeenCalled());
    rerender(view(client, configWith({ max_retries: 7 }), changed));
    await screen.findByText('Retries of a failed provider call: 7 saved; the next run uses it.');
    expect(screen.queryByRole('button', { name: 'Apply Retries of a failed provider call' })).toBeNull();
    rerender(view(client, configWith({ max_retries: 3 }), changed));
    expect(field('Retries of a failed provider call').value).toBe('3');
  });

  it('applies a number with Enter and reverts it with Escape', () => {
    const client = fakeClient();
    render(view(client, configWith()));
    const keepalive = field('Keep-alive after silence (s)');
    fireEvent.change(keepalive, { target: { value: '30' } });
    fireEvent.keyDown(keepalive, { key: 'Escape' });
    expect(keepalive.value).toBe('15');
    fireEvent.change(keepalive, { target: { value: '20' } });
    fireEvent.keyDown(keepalive, { key: 'Enter' });
    expect(client.invoke).toHaveBeenCalledWith('settings:set', 'keepalive_seconds', '20');
  });

  it('writes nothing when a select moves; Apply writes the chosen value', () => {
    const client = fakeClient();
    render(view(client, configWith()));
    for (const mode of ['acceptEdits', 'plan', 'dontAsk', 'auto']) fireEvent.change(field('Permission mode'), { target: { value: mode } });
    expect(client.invoke).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Apply Permission mode' }));
    expect(client.invoke).toHaveBeenCalledWith('settings:set', 'permission_mode', 'auto');
    expect(client.invoke).toHaveBeenCalledTimes(1);
  });

  it('asks before bypassPermissions, saying what it allows; Cancel writes nothing, confirming writes it', () => {
    const client = fakeClient();
    render(view(client, configWith()));
    fireEvent.change(field('Permission mode'), { target: { value: 'bypassPermissions' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Permission mode' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toContain('without asking');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(client.invoke).not.toHaveBeenCalled();
    expect(field('Permission mode').value).toBe('bypassPermissions');
    fireEvent.click(screen.getByRole('button', { name: 'Apply Permission mode' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Run without asking' }));
    expect(client.invoke).toHaveBeenCalledWith('settings:set', 'permission_mode', 'bypassPermissions');
  });

  it('gives focus back to the button that opened the question when it is cancelled with Escape', async () => {
    render(view(fakeClient(), configWith()));
    fireEvent.change(field('Permission mode'), { target: { value: 'bypassPermissions' } });
    const apply = screen.getByRole('button', { name: 'Apply Permission mode' });
    apply.focus();
    fireEvent.click(apply);
    const dialog = screen.getByRole('alertdialog');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Apply Permission mode' })));
  });

  it('shows a refused write next to its field and keeps the value typed', async () => {
    const client = fakeClient();
    client.invoke.mockRejectedValueOnce(new Error('llm-providers.yaml:3:24: settings.max_retries: Too big: expected number to be <=10'));
    render(view(client, configWith()));
    fireEvent.change(field('Retries of a failed provider call'), { target: { value: '11' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Retries of a failed provider call' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('expected number to be <=10');
    expect(alert.closest('.field')).toBe(field('Retries of a failed provider call').closest('.field'));
    expect(field('Retries of a failed provider call').value).toBe('11');
    expect(field('Retries of a failed provider call').getAttribute('aria-invalid')).toBe('true');
    expect(field('Retries of a failed provider call').getAttribute('aria-describedby')).toBe(alert.id);
    // Said in an error toast too, which stays.
    const toast = screen.getByText('Retries of a failed provider call not saved').closest('li') as HTMLElement;
    expect(toast.dataset.tone).toBe('error');
    expect(toast.textContent).toContain('expected number to be <=10');
  });
});

describe('SettingsView: undo', () => {
  it('offers Undo of a saved setting in the toast that says it was saved, and says what was undone', async () => {
    const client = fakeClient();
    client.invoke.mockResolvedValueOnce({ ...configWith({ max_retries: 7 }), undo: 'max_retries set to 7' });
    const changed = vi.fn();
    render(view(client, configWith(), changed));
    fireEvent.change(field('Retries of a failed provider call'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply Retries of a failed provider call' }));
    await screen.findByText('Retries of a failed provider call: 7 saved; the next run uses it.');
    client.invoke.mockResolvedValueOnce({ undone: 'max_retries set to 7', config: configWith() });
    fireEvent.click(screen.getByRole('button', { name: 'Undo: max_retries set to 7' }));
    await screen.findByText('Undone: max_retries set to 7. The file is as it was before.');
    expect(client.invoke).toHaveBeenLastCalledWith('config:undo');
    expect(changed).toHaveBeenCalledTimes(2);
  });
});
