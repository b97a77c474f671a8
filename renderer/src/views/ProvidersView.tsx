/** Per role: which provider and model it runs on; per provider: whether its key is there. */
import { useState } from 'react';
import type { ConfigView, ConnectionTest } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { useFailures } from '../use-failures';
import { EditableValue } from './EditableValue';
import { InlineError } from './InlineError';
import { TableHead } from './TableHead';

interface Props {
  client: ControlClient;
  config: ConfigView;
  onChanged(): void;
}

export function ProvidersView({ client, config, onChanged }: Props): React.JSX.Element {
  // A switch's message is said only while the role still runs there (a hand edit since would make it untrue).
  const [message, setMessage] = useState<{ text: string; role?: string; ref?: string } | null>(null);
  const roleNow = (name: string): string | undefined => config.roles.filter((r) => r.name === name).map((r) => `${r.provider}:${r.model}`)[0];
  const stillTrue = message && (message.role === undefined || roleNow(message.role) === message.ref);
  const [fetched, setFetched] = useState<Record<string, string[]>>({});
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'testing'>>({});
  const options = config.providers.flatMap((p) => [...new Set([...p.models, ...(fetched[p.name] ?? [])])].map((m) => `${p.name}:${m}`));

  const failures = useFailures();
  const fetchModels = (provider: string): void => {
    void failures.run(`models:${provider}`, 'Fetching models', async () => {
      const models = await client.invoke('provider:models', provider);
      setFetched((previous) => ({ ...previous, [provider]: models }));
      setMessage({ text: `${provider} lists ${models.length} model${models.length === 1 ? '' : 's'}; they are in the role pickers below.` });
    });
  };
  const test = (provider: string): void => {
    setTests((previous) => ({ ...previous, [provider]: 'testing' }));
    client.invoke('provider:test', provider).then(
      (result) => setTests((previous) => ({ ...previous, [provider]: result })),
      (e: Error) => setTests((previous) => ({ ...previous, [provider]: { ok: false, status: null, latencyMs: 0, message: e.message } })),
    );
  };

  const switchRole = (role: string) => async (ref: string): Promise<void> => {
    await client.invoke('role:set-model', role, ref);
    onChanged();
  };
  const switched = (role: string) => (ref: string): void => setMessage({ text: `helix-${role} now runs on ${ref}; the next run uses it.`, role, ref });

  return (
    <main className="providers">
      <p className="meta">Config: {config.file}</p>
      {/* Always there, so that what is written into it is announced. */}
      <div className="banner ok" role="status">
        {stillTrue ? message.text : ''}
      </div>
      <h2>Roles</h2>
      <table>
        <TableHead columns={['Model id', 'Provider and model']} />
        <tbody>
          {config.roles.map((role) => {
            const current = `${role.provider}:${role.model}`;
            return (
              <tr key={role.name}>
                <td>{role.modelId}</td>
                <td className="picker">
                  <EditableValue live={current} label={`Provider for ${role.name}`} write={switchRole(role.name)} onApplied={switched(role.name)}>
                    {(control) => (
                      <select {...control}>
                        {[...new Set([current, control.value, ...options])].map((ref) => (
                          <option key={ref}>{ref}</option>
                        ))}
                      </select>
                    )}
                  </EditableValue>
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
                <InlineError message={failures.of(`models:${p.name}`)} />
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
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <form
      className="key-form"
      onSubmit={(e) => {
        e.preventDefault();
        setFailure(null);
        // What was typed stays in the field when it could not be stored, to try again.
        client.invoke('key:set', name, value).then(
          () => {
            setValue('');
            onSaved();
          },
          (error: Error) => setFailure(`The key was not saved: ${error.message}`),
        );
      }}
    >
      <input type="password" placeholder={name} aria-label={`Key for ${name}`} value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" disabled={!value}>
        Save key
      </button>
      <InlineError message={failure} />
    </form>
  );
}
