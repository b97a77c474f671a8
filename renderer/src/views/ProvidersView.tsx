/**
 * Per role: which provider and model it runs on, and its run options; per provider: whether its
 * key is there, and adding, editing or removing one. The app's latest change of the file can be
 * undone from the toast that says it was saved.
 */
import { Pencil, PlugZap, Plus, RefreshCw, SlidersHorizontal, Trash2 } from 'lucide-react';
import { Fragment, useRef, useState } from 'react';
import type { ConfigView, ConnectionTest } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { Button } from '../ui/Button';
import { StatusDot } from '../ui/Status';
import { useToast } from '../ui/Toast';
import { useConfigSaved, useRefusalToast } from '../use-config-saved';
import { useFailures } from '../use-failures';
import { EditableValue } from './EditableValue';
import { ConfirmDialog } from '../ui/Dialog';
import { InlineError } from './InlineError';
import { ProviderForm } from './ProviderForm';
import { RoleEditor } from './RoleEditor';
import { TableHead } from './TableHead';

const ICON = { size: 14, 'aria-hidden': true } as const;

interface Props {
  client: ControlClient;
  config: ConfigView;
  onChanged(): void;
}

export function ProvidersView({ client, config, onChanged }: Props): React.JSX.Element {
  const saved = useConfigSaved(client, onChanged);
  const toast = useToast();
  const [fetched, setFetched] = useState<Record<string, string[]>>({});
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'testing'>>({});
  const options = config.providers.flatMap((p) => [...new Set([...p.models, ...(fetched[p.name] ?? [])])].map((m) => `${p.name}:${m}`));

  const failures = useFailures();
  const fetchModels = (provider: string): void => {
    void failures.run(
      `models:${provider}`,
      'Fetching models',
      async () => {
        const models = await client.invoke('provider:models', provider);
        setFetched((previous) => ({ ...previous, [provider]: models }));
        return models;
      },
      (models) => `${provider} lists ${models.length} model${models.length === 1 ? '' : 's'}; they are in the role pickers below.`,
    );
  };
  const test = (provider: string): void => {
    setTests((previous) => ({ ...previous, [provider]: 'testing' }));
    client.invoke('provider:test', provider).then(
      (result) => {
        setTests((previous) => ({ ...previous, [provider]: result }));
        if (result.ok) toast.success(`${provider}: ${result.message}`);
        else toast.error(`${provider} is not reachable`, result.message);
      },
      (e: Error) => {
        setTests((previous) => ({ ...previous, [provider]: { ok: false, status: null, latencyMs: 0, message: e.message } }));
        toast.error(`Testing ${provider} failed`, e.message);
      },
    );
  };

  // What Undo would take back after a role's switch: the command's answer, read when the switch is said.
  const lastUndo = useRef<string | null>(null);
  const refused = useRefusalToast();
  const switchRole = (role: string) => async (ref: string): Promise<void> => {
    try {
      lastUndo.current = (await client.invoke('role:set-model', role, ref)).undo;
    } catch (error) {
      refused(`Provider of helix-${role}`, error);
    }
    onChanged();
  };
  const switched = (role: string) => (ref: string): void => saved(`helix-${role} now runs on ${ref}; the next run uses it.`, lastUndo.current);
  const [editingRole, setEditingRole] = useState<string | null>(null);
  /** The provider form: 'new' to add one, or the name of the one edited. */
  const [form, setForm] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const said = (text: string | null, undo: string | null = null): void => {
    setForm(null);
    if (text) {
      saved(text, undo);
      onChanged();
    }
  };
  const remove = (name: string): void => {
    setRemoving(null);
    void failures.run(`remove:${name}`, 'Removing', async () => {
      const result = await client.invoke('provider:remove', name);
      saved(`Provider ${name} removed.`, result.undo);
      onChanged();
    });
  };

  return (
    <main className="providers">
      <p className="meta">
        Config: <code>{config.file}</code>
      </p>
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
                  <Button size="sm" icon={<SlidersHorizontal {...ICON} />} aria-expanded={open} aria-label={`Edit options of helix-${role.name}`} onClick={() => setEditingRole(open ? null : role.name)}>
                    Edit options
                  </Button>
                </td>
              </tr>
              {open && (
                <tr className="editor-row">
                  <td colSpan={3}>
                    <RoleEditor
                      client={client}
                      role={role}
                      models={options}
                      onApplied={(text, undo) => {
                        saved(text, undo);
                        onChanged();
                      }}
                    />
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
        <Button variant="primary" icon={<Plus {...ICON} />} aria-expanded={form === 'new'} onClick={() => setForm(form === 'new' ? null : 'new')}>
          Add provider…
        </Button>
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
                <StatusDot state={p.key} tone={p.key === 'not needed' ? 'muted' : undefined} />
                {p.keyEnv && <KeyInput client={client} name={p.keyEnv} onSaved={onChanged} />}
              </td>
              <td className="actions" data-provider={p.name}>
                <Button size="sm" icon={<PlugZap {...ICON} />} busy={tests[p.name] === 'testing'} aria-label={`Test connection to ${p.name}`} onClick={() => test(p.name)}>
                  Test connection
                </Button>
                {p.type === 'openai' && (
                  <Button size="sm" icon={<RefreshCw {...ICON} />} aria-label={`Fetch models of ${p.name}`} onClick={() => fetchModels(p.name)}>
                    Fetch models
                  </Button>
                )}
                <Button size="sm" icon={<Pencil {...ICON} />} aria-label={`Edit provider ${p.name}`} aria-expanded={form === p.name} onClick={() => setForm(form === p.name ? null : p.name)}>
                  Edit
                </Button>
                <Button size="sm" variant="danger" icon={<Trash2 {...ICON} />} aria-label={`Remove provider ${p.name}`} onClick={() => setRemoving(p.name)}>
                  Remove
                </Button>
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
  if (result === 'testing') return <span className="meta test-result">testing…</span>;
  return <span className={`test-result ${result.ok ? 'good' : 'bad'}`}>{result.message}</span>;
}

function KeyInput({ client, name, onSaved }: { client: ControlClient; name: string; onSaved(): void }): React.JSX.Element {
  const [value, setValue] = useState('');
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  return (
    <form
      className="key-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (busy) return;
        setFailure(null);
        setBusy(true);
        // What was typed stays in the field when it could not be stored, to try again.
        client
          .invoke('key:set', name, value)
          .then(
            () => {
              setValue('');
              toast.success(`The key for ${name} is stored.`);
              onSaved();
            },
            (error: Error) => {
              setFailure(`The key was not saved: ${error.message}`);
              toast.error('The key was not saved', error.message);
            },
          )
          .finally(() => setBusy(false));
      }}
    >
      <input type="password" placeholder={name} aria-label={`Key for ${name}`} value={value} onChange={(e) => setValue(e.target.value)} />
      <Button type="submit" size="sm" busy={busy} disabled={!value} aria-label={`Save key (${name})`}>
        Save key
      </Button>
      <InlineError message={failure} />
    </form>
  );
}
