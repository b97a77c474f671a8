/** Per role: which provider and model it runs on; per provider: whether its key is there. */
import { useState } from 'react';
import type { ConfigView } from '../../../common/control';
import type { ControlClient } from '../control-client';

interface Props {
  client: ControlClient;
  config: ConfigView;
  onChanged(): void;
}

export function ProvidersView({ client, config, onChanged }: Props): React.JSX.Element {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const options = config.providers.flatMap((p) => p.models.map((m) => `${p.name}:${m}`));

  const switchRole = (role: string, ref: string): void => {
    client.invoke('role:set-model', role, ref).then(
      () => {
        setMessage({ text: `helix-${role} now runs on ${ref}; the next run uses it.`, error: false });
        onChanged();
      },
      (e: Error) => setMessage({ text: e.message, error: true }),
    );
  };

  return (
    <main className="providers">
      <p className="meta">Config: {config.file}</p>
      {message && <div className={`banner ${message.error ? 'error' : 'ok'}`} role="status">{message.text}</div>}
      <h2>Roles</h2>
      <table>
        <thead>
          <tr>
            <th>Model id</th>
            <th>Provider and model</th>
          </tr>
        </thead>
        <tbody>
          {config.roles.map((role) => {
            const current = `${role.provider}:${role.model}`;
            return (
              <tr key={role.name}>
                <td>{role.modelId}</td>
                <td>
                  <select aria-label={`Provider for ${role.name}`} value={current} onChange={(e) => switchRole(role.name, e.target.value)}>
                    {[...new Set([current, ...options])].map((ref) => (
                      <option key={ref}>{ref}</option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Providers</h2>
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Type</th>
            <th>Endpoint</th>
            <th>Key</th>
          </tr>
        </thead>
        <tbody>
          {config.providers.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>{p.type}</td>
              <td>{p.baseUrl ?? '—'}</td>
              <td>
                <span className={`key ${p.key.replace(' ', '-')}`}>{p.key}</span>
                {p.keyEnv && <KeyInput client={client} name={p.keyEnv} onSaved={onChanged} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

function KeyInput({ client, name, onSaved }: { client: ControlClient; name: string; onSaved(): void }): React.JSX.Element {
  const [value, setValue] = useState('');
  return (
    <form
      className="key-form"
      onSubmit={(e) => {
        e.preventDefault();
        void client.invoke('key:set', name, value).then(() => {
          setValue('');
          onSaved();
        });
      }}
    >
      <input type="password" placeholder={name} aria-label={`Key for ${name}`} value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" disabled={!value}>
        Save key
      </button>
    </form>
  );
}
