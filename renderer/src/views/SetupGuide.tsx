/**
 * The set-up guide: four steps from nothing to a first answer — Claude Code found (path, version,
 * its own login), a provider with its key for the roles, what to paste into Open WebUI, and a
 * test chat sent through Helix's own API and followed live. Shown when set-up is incomplete, and
 * reachable at any time from the Set-up tab.
 */
import { useEffect, useState } from 'react';
import type { ControlSnapshot, SetupCheck, SetupTestChat } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { PROVIDER_PRESETS } from '../provider-presets';
import { InlineError } from './InlineError';
import { TestChat } from './SetupTestChat';
import './logs.css';

interface Props {
  client: ControlClient;
  snapshot: ControlSnapshot;
  onChanged(): void;
  /** Hides the guide (it stays reachable from the Set-up tab). */
  onDismiss(): void;
  onOpenSession?(sessionId: string): void;
}

export function SetupGuide({ client, snapshot, onChanged, onDismiss, onOpenSession }: Props): React.JSX.Element {
  const [check, setCheck] = useState<SetupCheck | null>(null);
  const [checkFailure, setCheckFailure] = useState<string | null>(null);
  const [checks, setChecks] = useState(0);
  const [lastChat, setLastChat] = useState<SetupTestChat | null>(null);

  useEffect(() => {
    let current = true;
    client.invoke('setup:check').then(
      (result) => current && (setCheck(result), setCheckFailure(null)),
      (error: Error) => current && setCheckFailure(error.message),
    );
    return () => {
      current = false;
    };
  }, [client, checks]);

  const keyless = snapshot.config.providers.filter((p) => p.roles.length > 0 && p.key === 'missing');
  const claudeOk = Boolean(check?.claude.version);
  const providerOk = snapshot.config.roles.length > 0 && keyless.length === 0;

  return (
    <main className="setup-guide">
      <div className="setup-head">
        <p className="muted">Four steps to a first answer in your chat client. Everything here can be changed later on the other screens.</p>
        <button onClick={onDismiss}>Hide the guide</button>
      </div>
      <ol className="setup-steps">
        <Step n={1} title="Claude Code" done={claudeOk}>
          {!check && !checkFailure && <p className="muted">Looking for Claude Code…</p>}
          {checkFailure && <p className="bad">{checkFailure}</p>}
          {check && <ClaudeFound check={check} />}
          <button
            onClick={() => {
              setCheck(null);
              setChecks((n) => n + 1);
            }}
          >
            Check again
          </button>
        </Step>
        <Step n={2} title="A provider for the roles" done={providerOk}>
          <ProviderStep client={client} snapshot={snapshot} onChanged={onChanged} />
        </Step>
        <Step n={3} title="Connect Open WebUI" done={lastChat?.ok === true}>
          <OpenWebUiSteps snapshot={snapshot} apiBaseUrl={check?.apiBaseUrl || snapshot.connection.baseUrl} />
        </Step>
        <Step n={4} title="Send a test chat" done={lastChat?.ok === true}>
          <TestChat client={client} roles={snapshot.config.roles.map((r) => r.name)} onDone={setLastChat} onOpenSession={onOpenSession} />
        </Step>
      </ol>
    </main>
  );
}

function Step({ n, title, done, children }: { n: number; title: string; done: boolean; children: React.ReactNode }): React.JSX.Element {
  return (
    <li className={done ? 'setup-step done' : 'setup-step'} aria-labelledby={`setup-step-${n}`}>
      <h3 id={`setup-step-${n}`}>
        <span className="step-number" aria-hidden="true">
          {done ? '✓' : n}
        </span>
        {title}
        {done && <span className="visually-hidden"> (done)</span>}
      </h3>
      <div className="step-body">{children}</div>
    </li>
  );
}

function ClaudeFound({ check }: { check: SetupCheck }): React.JSX.Element {
  const { claude } = check;
  if (!claude.path || !claude.version) {
    return (
      <div>
        <p className="bad">{claude.error ?? 'Claude Code did not answer.'}</p>
        <p>
          Install it with <code>npm install -g @anthropic-ai/claude-code</code>, or set <code>HELIX_CLAUDE_BIN</code> to its path, then restart Helix and check again.
        </p>
      </div>
    );
  }
  return (
    <dl className="facts">
      <div>
        <dt>Found</dt>
        <dd>
          <code>{claude.path}</code>
        </dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{claude.version}</dd>
      </div>
      <div>
        <dt>Its own login</dt>
        <dd>
          {claude.loggedIn
            ? `Logged in (${claude.loginMethod ?? 'yes'}): a "claude-login" provider can use your subscription.`
            : 'Not logged in: the roles need a provider with a key (next step), or run "claude /login" to use a subscription.'}
        </dd>
      </div>
    </dl>
  );
}

function ProviderStep({ client, snapshot, onChanged }: { client: ControlClient; snapshot: ControlSnapshot; onChanged(): void }): React.JSX.Element {
  const { config } = snapshot;
  // A provider already in the config (kept as it is), or a preset to add.
  const [choice, setChoice] = useState(() => {
    const used = config.providers.find((p) => p.roles.length > 0);
    return used ? `existing:${used.name}` : `preset:${PROVIDER_PRESETS[0]!.id}`;
  });
  const preset = choice.startsWith('preset:') ? (PROVIDER_PRESETS.find((p) => `preset:${p.id}` === choice) ?? PROVIDER_PRESETS[0]!) : null;
  const name = preset ? preset.name : choice.slice('existing:'.length);
  const existing = config.providers.find((p) => p.name === name);
  const label = preset?.label ?? name;
  const models = [...new Set([...(existing?.models ?? []), ...(preset?.provider.models ?? [])])];
  const [model, setModel] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const keyEnv = existing?.keyEnv ?? preset?.provider.api_key_env ?? null;
  const chosenModel = model.trim() || models[0] || '';

  const apply = async (): Promise<void> => {
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      // An existing provider of that name is kept as it is (its URL, headers); a new one comes from the preset.
      if (!existing && preset) await client.invoke('provider:set', preset.name, preset.provider);
      if (key && keyEnv) await client.invoke('key:set', keyEnv, key);
      for (const role of config.roles) await client.invoke('role:set-model', role.name, `${name}:${chosenModel}`);
      setKey('');
      setDone(`Every role now runs on ${name}:${chosenModel}${key ? '; the key is stored in Helix\'s key store' : ''}.`);
    } catch (error) {
      // What was typed stays, to try again.
      setFailure((error as Error).message);
    } finally {
      setBusy(false);
      onChanged();
    }
  };

  return (
    <div>
      <table className="compact" aria-label="Roles and their providers">
        <thead>
          <tr>
            <th>Role</th>
            <th>Runs on</th>
            <th>Key</th>
          </tr>
        </thead>
        <tbody>
          {config.roles.map((role) => {
            const provider = config.providers.find((p) => p.name === role.provider);
            return (
              <tr key={role.name}>
                <td>{role.modelId}</td>
                <td>
                  {role.provider}:{role.model}
                </td>
                <td className={provider?.key === 'missing' ? 'bad' : 'good'}>{provider?.key ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <form
        className="setup-form"
        onSubmit={(event) => {
          event.preventDefault();
          void apply();
        }}
      >
        <label>
          Provider
          <select value={choice} onChange={(event) => (setChoice(event.target.value), setModel(''))}>
            {config.providers.length > 0 && (
              <optgroup label="In your config">
                {config.providers.map((p) => (
                  <option key={p.name} value={`existing:${p.name}`}>
                    {p.name} ({p.type})
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="Add from a preset">
              {PROVIDER_PRESETS.filter((p) => !config.providers.some((c) => c.name === p.name)).map((p) => (
                <option key={p.id} value={`preset:${p.id}`}>
                  {p.label}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          Model
          <input list="setup-models" value={model} placeholder={models[0] ?? 'model name'} onChange={(event) => setModel(event.target.value)} />
          <datalist id="setup-models">
            {models.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {keyEnv && (
          <label>
            Key ({keyEnv}){existing?.key === 'set' ? ' — set; type a new one to replace it' : ''}
            <input type="password" autoComplete="off" value={key} onChange={(event) => setKey(event.target.value)} />
          </label>
        )}
        {preset && <p className="muted wide">{preset.hint}</p>}
        <div className="form-actions wide">
          <button type="submit" disabled={busy || !chosenModel}>
            {busy ? 'Saving…' : `Use ${label} for every role`}
          </button>
          <InlineError message={failure} />
        </div>
        <p role="status" className="good wide">
          {done ?? ''}
        </p>
      </form>
    </div>
  );
}

function OpenWebUiSteps({ snapshot, apiBaseUrl }: { snapshot: ControlSnapshot; apiBaseUrl: string }): React.JSX.Element {
  const [showKey, setShowKey] = useState(false);
  const { connection } = snapshot;
  const models = snapshot.config.roles.map((r) => r.modelId).join(', ');
  const headers = JSON.stringify(connection.headers);
  return (
    <div>
      <p>In Open WebUI: Admin Settings → Connections → OpenAI API → Add connection, then:</p>
      <dl className="facts">
        <div>
          <dt>URL</dt>
          <dd>
            <code>{apiBaseUrl}</code> <CopyButton text={apiBaseUrl} what="URL" />
            <span className="muted"> (from Open WebUI in Docker: host.docker.internal instead of 127.0.0.1, with Helix started with --host 0.0.0.0)</span>
          </dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd>
            <code>{showKey ? connection.apiKey : '••••••••••••'}</code> <button onClick={() => setShowKey(!showKey)}>{showKey ? 'Hide key' : 'Show key'}</button> <CopyButton text={connection.apiKey} what="key" />
          </dd>
        </div>
        <div>
          <dt>Headers</dt>
          <dd>
            <code>{headers}</code> <CopyButton text={headers} what="headers" />
          </dd>
        </div>
        <div>
          <dt>Models</dt>
          <dd>
            <code>{models || '—'}</code> <CopyButton text={models} what="model names" />
          </dd>
        </div>
      </dl>
      <p className="muted">API Type: Responses (Open WebUI 0.10 or later) or Chat Completions. Then pick a helix-… model in a new chat.</p>
    </div>
  );
}

/** `what` names the copied value in the button's accessible name ("Copy URL"). */
function CopyButton({ text, what }: { text: string; what: string }): React.JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <button
      aria-label={`${copied ? 'Copied' : 'Copy'} ${what}`}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => undefined,
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
