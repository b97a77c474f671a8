// @vitest-environment jsdom
/**
 * settings.retention: validated by the config schema, written with settings:set under its group
 * (the rest of the file kept), refused when invalid, and edited from the Settings view.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigView } from '../../common/control';
import { ARG_CHECKS } from '../../main/control/command-args';
import { ConfigStore } from '../../main/providers/config-store';
import type { ControlClient } from '../../renderer/src/control-client';
import { SettingsView } from '../../renderer/src/views/SettingsView';

afterEach(cleanup);

function storeOnCopy(): ConfigStore {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'helix-retention-cfg-')), 'llm-providers.yaml');
  copyFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'config', 'commented.yaml'), file);
  return new ConfigStore(file);
}

describe('settings.retention', () => {
  it('keeps sessions by default, and is set under its group with the comments of the file kept', () => {
    const store = storeOnCopy();
    expect(store.current.settings.retention).toEqual({ max_age_days: 0, max_total_mb: 0 });
    const before = readFileSync(store.file, 'utf8');
    store.setSetting('retention.max_age_days', '30');
    store.setSetting('retention.max_total_mb', 2048);
    expect(store.current.settings.retention).toEqual({ max_age_days: 30, max_total_mb: 2048 });
    const after = readFileSync(store.file, 'utf8');
    expect(after).toContain('retention:\n    max_age_days: 30\n    max_total_mb: 2048');
    // Every comment kept (a group added is written by the YAML library, which may re-space them).
    for (const comment of before.match(/#.*$/gm) ?? []) expect(after).toContain(comment);
    // In place the second time.
    store.setSetting('retention.max_age_days', '7');
    expect(readFileSync(store.file, 'utf8')).toBe(after.replace('max_age_days: 30', 'max_age_days: 7'));
  });

  it('refuses a negative or non-numeric value, writing nothing, and any key outside the group', () => {
    const store = storeOnCopy();
    const before = readFileSync(store.file, 'utf8');
    expect(() => store.setSetting('retention.max_age_days', '-3')).toThrow(/max_age_days/);
    expect(() => store.setSetting('retention.max_total_mb', 'lots')).toThrow(/max_total_mb/);
    expect(readFileSync(store.file, 'utf8')).toBe(before);
    expect(ARG_CHECKS['settings:set'](['retention.max_age_days', 30])).toBe(true);
    expect(ARG_CHECKS['settings:set'](['retention.other', 30])).toBe(false);
    expect(ARG_CHECKS['settings:set'](['retention', 30])).toBe(false);
  });

  it('is edited in the Settings view through settings:set', async () => {
    const invoke = vi.fn(async () => ({ undo: null }));
    const onChanged = vi.fn();
    const config = {
      settings: { run_timeout_seconds: 600, keepalive_seconds: 15, max_retries: 4, permission_mode: 'default', max_concurrent_runs: 4, on_disconnect: 'cancel' },
      retention: { max_age_days: 0, max_total_mb: 500 },
    } as unknown as ConfigView;
    render(<SettingsView client={{ invoke, subscribe: () => () => undefined } as unknown as ControlClient} config={config} apiUrl="http://127.0.0.1:8765/v1" onChanged={onChanged} />);
    const days = screen.getByLabelText(/inactive for more than/) as HTMLInputElement;
    expect(days.value).toBe('0');
    expect((screen.getByLabelText(/beyond \(MB/) as HTMLInputElement).value).toBe('500');
    fireEvent.change(days, { target: { value: '90' } });
    fireEvent.keyDown(days, { key: 'Enter' });
    await vi.waitFor(() => expect(invoke).toHaveBeenCalledWith('settings:set', 'retention.max_age_days', '90'));
    expect(onChanged).toHaveBeenCalled();
  });
});
