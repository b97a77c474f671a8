/** Runner and server settings, written to the config (comments kept) and used by the next run. */
import { useState } from 'react';
import { ON_DISCONNECT, PERMISSION_MODES, type ConfigView, type SettingsView as Settings } from '../../../common/control';
import type { ControlClient } from '../control-client';

interface Props {
  client: ControlClient;
  config: ConfigView;
  apiUrl: string;
  onChanged(): void;
}

const NUMBERS: Array<[keyof Settings, string]> = [
  ['run_timeout_seconds', 'Run time limit (s)'],
  ['keepalive_seconds', 'Keep-alive after silence (s)'],
  ['max_retries', 'Retries of a failed provider call'],
  ['max_concurrent_runs', 'Runs at once'],
];
const CHOICES: Array<[keyof Settings, string, readonly string[]]> = [
  ['on_disconnect', 'When a client leaves', ON_DISCONNECT],
  ['permission_mode', 'Permission mode', PERMISSION_MODES],
];

export function SettingsView({ client, config, apiUrl, onChanged }: Props): React.JSX.Element {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const save = (key: keyof Settings, value: string): void => {
    client.invoke('settings:set', key, value).then(
      () => {
        setMessage({ text: `Saved ${key}.`, error: false });
        onChanged();
      },
      (e: Error) => setMessage({ text: e.message, error: true }),
    );
  };
  return (
    <main className="settings">
      {message && <div className={`banner ${message.error ? 'error' : 'ok'}`} role="status">{message.text}</div>}
      <form className="settings-form" onSubmit={(e) => e.preventDefault()}>
        {NUMBERS.map(([key, label]) => (
          <label key={key}>
            {label}
            <input type="number" min={0} defaultValue={config.settings[key] as number} aria-label={label} onBlur={(e) => e.target.value !== String(config.settings[key]) && save(key, e.target.value)} />
          </label>
        ))}
        {CHOICES.map(([key, label, values]) => (
          <label key={key}>
            {label}
            <select value={String(config.settings[key])} aria-label={label} onChange={(e) => save(key, e.target.value)}>
              {values.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          </label>
        ))}
        <label>
          API address
          <input value={apiUrl} readOnly aria-label="API address" />
          <span className="meta">Set with --host and --port when starting Helix.</span>
        </label>
        <p className="meta">Progress style is chosen per request by the client, with the X-Helix-Progress header (openwebui, markdown, none).</p>
      </form>
    </main>
  );
}
