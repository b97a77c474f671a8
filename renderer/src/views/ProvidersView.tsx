/**
 * Per role: which provider and model it runs on, and its run options; per provider: whether its
 * key is there, and adding, editing or removing one. The app's latest change of the file can be
 * undone from the status line.
 */
import { Fragment, useState } from 'react';
import type { ConfigView, ConnectionTest } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { useFailures } from '../use-failures';
import { EditableValue } from './EditableValue';
import { ConfirmDialog } from './ConfirmDialog';
import { InlineError } from './InlineError';
import { ProviderForm } from './ProviderForm';
import { RoleEditor } from './RoleEditor';
import { TableHead } from './TableHead';
import { UndoButton } from './UndoButton';

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
  const [editingRole, setEditingRole] = useState<string | null>(null);
  /** The provider form: 'new' to add one, or the name of the one edited. */
  const [form, setForm] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const said = (text: string | null): void => {
    setForm(null);
    if (text) {
      setMessage({ text });
      onChanged();
    }
  };
  const remove = (name: string): void => {
    setRemoving(null);
    void failures.run(`remove:${name}`, 'Removing', async () => {
      await client.invoke('provider:remove', name);
      setMessage({ text: `Provider ${name} removed.` });
      onChanged();
    });
  };

  return (
    <main className="providers">
      <p className="meta">Config: {config.file}</p>
      {/* Always there, so that what is written into it is announced. */}
      <div className="banner ok status-line" role="status">
        {stillTrue && <span>{message.text}</span>}
        <UndoButton client={client} undo={config.undo} onUndone={(text) => {
          setMessage({ text });
          onChanged();
        }} />
      </div>
      <h2>Roles</h2>
      <table>
        <TableHead columns={['Model id', 'Provider and model', 'Options']} />
        <tbody>
          {config.roles.map((role) => {
            const current = `${role.provider}:${role.model}`;
            const open = editingRole === role.name;
            return (
              <Fragment key={role.name}>
              <tr>
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
                <td>
                  <button type="button" aria-expanded={open} aria-label={`Edit options of helix-${role.name}`} onClick={() => setEditingRole(open ? null : role.name)}>
                    Edit options
                  </button>
                </td>
              </tr>
              {open && (
                <tr className="editor-row">
                  <td colSpan={3}>
                    <RoleEditor client={client} role={role} models={options} onApplied={(text) => {
                      setMessage({ text });
                      onChanged();
                    }} />
                  </td>
                </tr>
              )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <div className="section-head">
        <h2>Providers</h2>
        <button type="button" aria-expanded={form === 'new'} onClick={() => setForm(form === 'new' ? null : 'new')}>
          Add provider…
        </button>
      </div>
      {form === 'new' && <ProviderForm client={client} taken={config.providers.map((p) => p.name)} onDone={said} />}
      <table>
        <TableHead columns={['Name', 'Type', 'Endpoint', 'Key', 'Connection']} />
        <tbody>
          {config.providers.map((p) => (
            <Fragment key={p.name}>
            <tr>
              <td>{p.name}</td>
              <td>{p.type}</td>
              <td>{p.baseUrl ?? '—'}</td>
              <td>
                <span className={`key ${p.key.replace(' ', '-')}`}>{p.key}</span>
                {p.keyEnv && <KeyInput client={client} name={p.keyEnv} onSaved={onChanged} />}
              </td>
              <td className="actions" data-provider={p.name}>
                <button type="button" aria-label={`Test connection to ${p.name}`} onClick={() => test(p.name)}>Test connection</button>
                {p.type === 'openai' && <button type="button" aria-label={`Fetch models of ${p.name}`} onClick={() => fetchModels(p.name)}>Fetch models</button>}
                <button type="button" aria-label={`Edit provider ${p.name}`} aria-expanded={form === p.name} onClick={() => setForm(form === p.name ? null : p.name)}>Edit</button>
                <button type="button" aria-label={`Remove provider ${p.name}`} onClick={() => setRemoving(p.name)}>Remove</button>
                <TestResult result={tests[p.name]} />
                <InlineError message={failures.of(`models:${p.name}`)} />
                <InlineError message={failures.of(`remove:${p.name}`)} />
              </td>
            </tr>
            {form === p.name && (
              <tr className="editor-row">
                <td colSpan={5}>
                  <ProviderForm client={client} editing={p} taken={config.providers.map((q) => q.name)} onDone={said} />
                </td>
              </tr>
            )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title={`Remove provider ${removing}?`}
          body={`Its block is taken out of ${config.file}; a role still running on it keeps it there. Undo puts it back.`}
          confirmLabel={`Remove ${removing}`}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove(removing)}
        />
      )}
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
      <button type="submit" disabled={!value} aria-label={`Save key (${name})`}>
        Save key
      </button>
      <InlineError message={failure} />
    </form>
  );
}
