/**
 * Runner and server settings, written to the config (comments kept) and used by the next run.
 * Each field shows the live config (a hand edit of the file shows at once) and writes only a
 * value the user changed and applied.
 */
import { useRef } from 'react';
import { ON_DISCONNECT, PERMISSION_MODES, type ConfigView, type SettingKey, type SettingsView as Settings } from '../../../common/control';
import type { ControlClient } from '../control-client';
import type { Confirmation } from '../ui/Dialog';
import { BYPASS } from './confirmations';
import { useConfigSaved, useRefusalToast } from '../use-config-saved';
import { EditableValue } from './EditableValue';

interface Props {
  client: ControlClient;
  config: ConfigView;
  apiUrl: string;
  onChanged(): void;
}

/** Each number setting: its key for settings:set, its label, and where the config view holds it. */
const NUMBERS: Array<[SettingKey, string, (config: ConfigView) => number | undefined]> = [
  ['run_timeout_seconds', 'Run time limit (s)', (c) => c.settings.run_timeout_seconds],
  ['keepalive_seconds', 'Keep-alive after silence (s)', (c) => c.settings.keepalive_seconds],
  ['max_retries', 'Retries of a failed provider call', (c) => c.settings.max_retries],
  ['max_concurrent_runs', 'Runs at once', (c) => c.settings.max_concurrent_runs],
  // Retention: 0 keeps sessions; applied at start and hourly, never to a session running or warm.
  ['retention.max_age_days', 'Delete sessions inactive for more than (days, 0 = never)', (c) => c.retention?.max_age_days ?? 0],
  ['retention.max_total_mb', 'Delete the oldest sessions beyond (MB, 0 = no limit)', (c) => c.retention?.max_total_mb ?? 0],
];
const CHOICES: Array<[keyof Settings, string, readonly string[]]> = [
  ['on_disconnect', 'When a client leaves', ON_DISCONNECT],
  ['permission_mode', 'Permission mode', PERMISSION_MODES],
];

/** "15" and "15.0" are the same setting; an emptied field is a change (refused on Apply). */
const sameNumber = (a: string, b: string): boolean => a.trim() !== '' && Number(a) === Number(b);

const confirmation = (key: keyof Settings) => (value: string): Confirmation | null => (key === 'permission_mode' && value === 'bypassPermissions' ? BYPASS : null);

export function SettingsView({ client, config, apiUrl, onChanged }: Props): React.JSX.Element {
  const saved = useConfigSaved(client, onChanged);
  // What Undo would take back after a write: the command's answer, read when the write is said.
  const lastUndo = useRef<string | null>(null);
  const refused = useRefusalToast();
  const write = (key: SettingKey, label: string, number: boolean) => async (value: string): Promise<void> => {
    if (number && (value.trim() === '' || !Number.isFinite(Number(value)))) throw new Error('Enter a number.');
    try {
      lastUndo.current = (await client.invoke('settings:set', key, value)).undo;
    } catch (error) {
      refused(label, error);
    }
    onChanged();
  };
  const applied = (label: string) => (value: string): void => saved(`${label}: ${value} saved; the next run uses it.`, lastUndo.current);
  return (
    <main className="settings">
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        {NUMBERS.map(([key, label, live]) => (
          <div className="field" key={key}>
            <EditableValue live={String(live(config))} label={label} write={write(key, label, true)} same={sameNumber} onApplied={applied(label)}>
              {(control) => (
                <label>
                  {label}
                  <input type="number" min={0} {...control} />
                </label>
              )}
            </EditableValue>
          </div>
        ))}
        {CHOICES.map(([key, label, values]) => (
          <div className="field" key={key}>
            <EditableValue live={String(config.settings[key])} label={label} write={write(key, label, false)} confirm={confirmation(key)} onApplied={applied(label)}>
              {(control) => (
                <label>
                  {label}
                  <select {...control}>
                    {values.map((v) => (
                      <option key={v}>{v}</option>
                    ))}
                  </select>
                </label>
              )}
            </EditableValue>
          </div>
        ))}
        <div className="field">
          <label>
            API address
            <input value={apiUrl} readOnly aria-label="API address" />
          </label>
          <span className="meta">Set with --host and --port when starting Helix.</span>
        </div>
        <p className="meta">
          A changed value is written when you apply it (Apply, or Enter in the field; Escape or Revert gives it up); the fields show the config file as it is now, hand edits
          included. Old sessions are deleted as Delete does (folder, workspace, Claude Code transcripts), at start and hourly, never one with a turn running or a warm process. Progress style follows the client (Open WebUI: status lines; other clients: progress as reasoning), or the X-Helix-Progress header it sends (openwebui, reasoning, markdown, none).
        </p>
      </form>
    </main>
  );
}
