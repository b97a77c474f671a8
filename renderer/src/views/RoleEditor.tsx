/**
 * Every run option of one role, edited as a draft: nothing is written until Apply; Revert (or
 * Escape) gives the draft up; bypassPermissions is confirmed first. The config checks the whole
 * role and a refusal is said here with the draft kept.
 */
import { FolderOpen } from 'lucide-react';
import { useId, useState } from 'react';
import { PERMISSION_MODES, type RoleOptions, type RoleView } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { Button } from '../ui/Button';
import { useToast } from '../ui/Toast';
import { ConfirmDialog } from '../ui/Dialog';
import { InlineError } from './InlineError';
import { BYPASS } from './confirmations';

interface Props {
  client: ControlClient;
  role: RoleView;
  /** Every provider:model the pickers offer. */
  models: string[];
  /** What was saved, and what Undo would take back (ConfigView.undo). */
  onApplied(message: string, undo: string | null): void;
}

/** The form's fields as text; lists one entry a line, env entries NAME=value. */
interface Fields {
  model: string;
  small_fast_model: string;
  permission_mode: string;
  cwd: string;
  allowed_tools: string;
  append_system_prompt: string;
  max_turns: string;
  env: string;
}

const toFields = (o: RoleOptions): Fields => ({
  model: o.model,
  small_fast_model: o.small_fast_model ?? '',
  permission_mode: o.permission_mode ?? '',
  cwd: o.cwd ?? '',
  allowed_tools: (o.allowed_tools ?? []).join('\n'),
  append_system_prompt: o.append_system_prompt ?? '',
  max_turns: o.max_turns === undefined ? '' : String(o.max_turns),
  env: Object.entries(o.env ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n'),
});

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** The options to write, or why the fields cannot be one. */
function toOptions(f: Fields): RoleOptions | string {
  const options: RoleOptions = { model: f.model };
  if (f.small_fast_model.trim()) options.small_fast_model = f.small_fast_model.trim();
  if (f.permission_mode) options.permission_mode = f.permission_mode;
  if (f.cwd.trim()) options.cwd = f.cwd.trim();
  if (lines(f.allowed_tools).length) options.allowed_tools = lines(f.allowed_tools);
  if (f.append_system_prompt.trim()) options.append_system_prompt = f.append_system_prompt;
  if (f.max_turns.trim()) {
    const n = Number(f.max_turns);
    if (!Number.isInteger(n) || n < 1) return 'Max turns must be a whole number of 1 or more.';
    options.max_turns = n;
  }
  const env: Record<string, string> = {};
  for (const line of lines(f.env)) {
    const eq = line.indexOf('=');
    if (eq < 1) return `Environment entries are NAME=value, one a line ("${line}" is not).`;
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  if (Object.keys(env).length) options.env = env;
  return options;
}

export function RoleEditor({ client, role, models, onApplied }: Props): React.JSX.Element {
  const id = useId();
  const live = toFields(role.options);
  const [draft, setDraft] = useState<Fields | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const toast = useToast();
  const fields = draft ?? live;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(live);
  const set = (change: Partial<Fields>): void => {
    setError(null);
    setDraft({ ...fields, ...change });
  };
  const revert = (): void => {
    setDraft(null);
    setError(null);
  };

  const write = async (): Promise<void> => {
    const options = toOptions(fields);
    if (typeof options === 'string') return setError(options);
    setBusy(true);
    setError(null);
    try {
      const config = await client.invoke('role:set', role.name, options);
      setDraft(null);
      onApplied(`helix-${role.name}'s options saved; the next run uses them.`, config.undo);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      setError(`Not saved: ${reason}`);
      toast.error(`Options of helix-${role.name} not saved`, reason);
    } finally {
      setBusy(false);
    }
  };
  // The desktop's folder picker fills the draft; nothing is written until Apply.
  const pickFolder = async (): Promise<void> => {
    try {
      const { folder } = await client.invoke('folder:pick', fields.cwd.trim() || undefined);
      if (folder) set({ cwd: folder });
    } catch (e) {
      toast.error('No folder chosen', e instanceof Error ? e.message : String(e));
    }
  };
  const apply = (): void => {
    if (busy || !dirty) return;
    if (fields.permission_mode === 'bypassPermissions' && live.permission_mode !== 'bypassPermissions') setAsking(true);
    else void write();
  };
  const field = (name: keyof Fields, label: string, input: React.JSX.Element): React.JSX.Element => (
    <label key={name}>
      {label}
      {input}
    </label>
  );
  const text = (name: keyof Fields, extra: React.InputHTMLAttributes<HTMLInputElement> = {}): React.JSX.Element => (
    <input {...extra} value={fields[name]} onChange={(e) => set({ [name]: e.target.value })} />
  );
  const area = (name: keyof Fields, placeholder: string): React.JSX.Element => <textarea rows={2} placeholder={placeholder} value={fields[name]} onChange={(e) => set({ [name]: e.target.value })} />;

  return (
    <form
      className="role-editor"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && dirty) {
          e.preventDefault();
          revert();
        }
      }}
    >
      <h3 id={`${id}-title`}>Options of helix-{role.name}</h3>
      {field(
        'model',
        'Provider and model',
        <select value={fields.model} onChange={(e) => set({ model: e.target.value })}>
          {[...new Set([role.options.model, fields.model, ...models])].map((ref) => (
            <option key={ref}>{ref}</option>
          ))}
        </select>,
      )}
      {field('small_fast_model', 'Small/fast model (same provider)', text('small_fast_model', { placeholder: 'Claude Code picks' }))}
      {field(
        'permission_mode',
        'Permission mode',
        <select value={fields.permission_mode} onChange={(e) => set({ permission_mode: e.target.value })}>
          <option value="">as in Settings</option>
          {PERMISSION_MODES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>,
      )}
      {client.capabilities?.pickFolder ? (
        <div className="field-with-action">
          {field('cwd', 'Working folder', text('cwd', { placeholder: 'a workspace per session' }))}
          <Button aria-label={`Choose the working folder of helix-${role.name}`} onClick={() => void pickFolder()}>
            <FolderOpen size={14} aria-hidden /> Choose…
          </Button>
        </div>
      ) : (
        field('cwd', 'Working folder', text('cwd', { placeholder: 'a workspace per session' }))
      )}
      {field('max_turns', 'Max turns', text('max_turns', { type: 'number', min: 1, placeholder: 'no limit' }))}
      {field('allowed_tools', 'Allowed tools (one a line)', area('allowed_tools', 'Bash(npm test:*)'))}
      {field('append_system_prompt', 'System prompt (appended)', area('append_system_prompt', 'Answer briefly.'))}
      {field('env', 'Environment (NAME=value, one a line)', area('env', 'GH_TOKEN=${GITHUB_TOKEN}'))}
      <div className="form-actions wide">
        <Button type="submit" variant="primary" busy={busy} aria-disabled={!dirty || undefined}>
          Apply options of helix-{role.name}
        </Button>
        <Button aria-label={`Revert options of helix-${role.name}`} onClick={revert} disabled={!dirty || busy}>
          Revert
        </Button>
      </div>
      <InlineError message={error} />
      {asking && (
        <ConfirmDialog
          {...BYPASS}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            void write();
          }}
        />
      )}
    </form>
  );
}
