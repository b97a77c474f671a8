/** Per role: which provider and model it runs on; per provider: whether its key is there. */
import { useState } from 'react';
import type { ConfigView, ConnectionTest } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { TableHead } from './TableHead';

interface Props {
  client: ControlClient;
  config: ConfigView;
  onChanged(): void;
}

export function ProvidersView({ client, config, onChanged }: Props): React.JSX.Element {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [fetched, setFetched] = useState<Record<string, string[]>>({});
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'testing'>>({});
  const options = config.providers.flatMap((p) => [...new Set([...p.models, ...(fetched[p.name] ?? [])])].map((m) => `${p.name}:${m}`));

  const fetchModels = (provider: string): void => {
    client.invoke('provider:models', provider).then(
      (models) => {
        setFetched((previous) => ({ ...previous, [provider]: models }));
        setMessage({ text: `${provider} lists ${models.length} model${models.length === 1 ? '' : 's'}; they are in the pickers below.`, error: false });
      },
      (e: Error) => setMessage({ text: e.message, error: true }),
    );
  };
  const test = (provider: string): void => {
    setTests((previous) => ({ ...previous, [provider]: 'testing' }));
    client.invoke('provider:test', provider).then(
      (result) => setTests((previous) => ({ ...previous, [provider]: result })),
      (e: Error) => setTests((previous) => ({ ...previous, [provider]: { ok: false, status: null, latencyMs: 0, message: e.message } })),
    );
  };

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
        <TableHead columns={['Model id', 'Provider and model']} />
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
        <TableHead columns={['Name', 'Type', 'Endpoint', 'Key', 'Connection']} />
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
              <td className="actions" data-provider={p.name}>
                <button onClick={() => test(p.name)}>Test connection</button>
                {p.type === 'openai' && <button onClick={() => fetchModels(p.name)}>Fetch models</button>}
                <TestResult result={tests[p.name]} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

function TestResult({ result }: { result: ConnectionTest | 'testing' | undefined }): React.JSX.Element | null {
  if (!result) return null;
  if (result === 'testing') return <span className="meta"> testing…</span>;
  return <span className={result.ok ? 'good' : 'bad'}> {result.message}</span>;
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
