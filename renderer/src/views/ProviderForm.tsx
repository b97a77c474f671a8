/**
 * Adds a provider from a preset, or edits one: nothing is written until "Add provider" / "Save
 * provider"; the config checks it and a refusal is said here with the form kept as typed. A key
 * typed here goes to the app's key store, never into the YAML (which only names its variable).
 */
import { useId, useState } from 'react';
import type { ProviderInput, ProviderView } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { PROVIDER_PRESETS } from '../provider-presets';
import { Button } from '../ui/Button';
import { useToast } from '../ui/Toast';
import { InlineError } from './InlineError';

interface Props {
  client: ControlClient;
  /** The provider being edited; absent when adding one. */
  editing?: ProviderView & { headers?: Record<string, string> };
  /** Names already taken (adding one of those would replace it). */
  taken: string[];
  /** What was saved and what Undo would take back (ConfigView.undo); null: closed without saving. */
  onDone(message: string | null, undo?: string | null): void;
}

interface Fields {
  name: string;
  type: ProviderInput['type'];
  baseUrl: string;
  keyEnv: string;
  models: string;
  headers: Record<string, string>;
}

const fromPreset = (id: string, taken: string[]): Fields => {
  const preset = PROVIDER_PRESETS.find((p) => p.id === id) ?? PROVIDER_PRESETS[0]!;
  let name = preset.name;
  for (let n = 2; taken.includes(name); n++) name = `${preset.name}-${n}`;
  const p = preset.provider;
  return { name, type: p.type, baseUrl: p.base_url ?? '', keyEnv: p.api_key_env ?? '', models: (p.models ?? []).join(', '), headers: p.headers ?? {} };
};

const list = (text: string): string[] => text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);

export function ProviderForm({ client, editing, taken, onDone }: Props): React.JSX.Element {
  const id = useId();
  const [preset, setPreset] = useState('openrouter');
  const [fields, setFields] = useState<Fields>(() =>
    editing
      ? { name: editing.name, type: editing.type as Fields['type'], baseUrl: editing.baseUrl ?? '', keyEnv: editing.keyEnv ?? '', models: editing.models.join(', '), headers: editing.headers ?? {} }
      : fromPreset('openrouter', taken),
  );
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const set = (change: Partial<Fields>): void => setFields((f) => ({ ...f, ...change }));
  const hint = PROVIDER_PRESETS.find((p) => p.id === preset)?.hint;

  const submit = async (): Promise<void> => {
    if (busy) return;
    const name = fields.name.trim();
    if (!editing && taken.includes(name)) return setError(`There is already a provider "${name}": edit it from its row, or choose another name.`);
    const provider: ProviderInput = { type: fields.type };
    if (fields.type !== 'claude-login') {
      if (fields.baseUrl.trim()) provider.base_url = fields.baseUrl.trim();
      if (fields.keyEnv.trim()) provider.api_key_env = fields.keyEnv.trim();
    }
    if (Object.keys(fields.headers).length > 0) provider.headers = fields.headers;
    provider.models = list(fields.models);
    if (key && !provider.api_key_env) return setError('Name the variable that holds the key (Key variable) to store a key.');
    setBusy(true);
    setError(null);
    try {
      const config = await client.invoke('provider:set', name, provider);
      if (key && provider.api_key_env) await client.invoke('key:set', provider.api_key_env, key);
      setKey('');
      onDone(`Provider ${name} ${editing ? 'saved' : 'added'}${key ? '; its key is stored' : ''}.`, config.undo);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      setError(`Not saved: ${reason}`);
      toast.error(`Provider ${name} not saved`, reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="provider-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onDone(null);
        }
      }}
    >
      <h3 id={`${id}-title`}>{editing ? `Edit provider ${editing.name}` : 'Add a provider'}</h3>
      {!editing && (
        <label>
          Preset
          <select
            value={preset}
            onChange={(e) => {
              setPreset(e.target.value);
              setFields(fromPreset(e.target.value, taken));
            }}
          >
            {PROVIDER_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Name
        <input value={fields.name} readOnly={!!editing} required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        Type
        <select value={fields.type} onChange={(e) => set({ type: e.target.value as Fields['type'] })}>
          <option value="openai">openai (Chat Completions)</option>
          <option value="anthropic">anthropic (Messages API)</option>
          <option value="claude-login">claude-login (own login)</option>
        </select>
      </label>
      {fields.type !== 'claude-login' && (
        <>
          <label>
            Base URL
            <input type="url" value={fields.baseUrl} placeholder="https://host/v1" onChange={(e) => set({ baseUrl: e.target.value })} />
          </label>
          <label>
            Key variable
            <input value={fields.keyEnv} placeholder="none (no key needed)" onChange={(e) => set({ keyEnv: e.target.value })} />
          </label>
          <label>
            Key (stored by the app, never written to the file)
            <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
        </>
      )}
      <label className="wide">
        Models (comma-separated; empty allows any)
        <input value={fields.models} onChange={(e) => set({ models: e.target.value })} />
      </label>
      {!editing && hint && <p className="meta wide">{hint}</p>}
      <div className="form-actions wide">
        <Button type="submit" variant="primary" busy={busy}>
          {editing ? 'Save provider' : 'Add provider'}
        </Button>
        <Button onClick={() => onDone(null)}>Cancel</Button>
      </div>
      <InlineError message={error} />
    </form>
  );
}
