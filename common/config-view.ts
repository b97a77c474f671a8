/**
 * The config as the panel sees and edits it: roles and their run options, providers (never their
 * keys), the runner and server settings, retention. Re-exported by ./control, the contract's entry.
 */

/** Every run option of a role as the config file writes it (`defaults.<role>`), in the file's order. */
export interface RoleOptions {
  /** "provider:model". */
  model: string;
  small_fast_model?: string;
  permission_mode?: string;
  cwd?: string;
  allowed_tools?: string[];
  append_system_prompt?: string;
  max_turns?: number;
  env?: Record<string, string>;
}

export const ROLE_OPTION_KEYS = ['model', 'small_fast_model', 'permission_mode', 'cwd', 'allowed_tools', 'append_system_prompt', 'max_turns', 'env'] as const satisfies ReadonlyArray<keyof RoleOptions>;

export interface RoleView {
  name: string;
  modelId: string;
  provider: string;
  model: string;
  /** The role's options as the file has them (unset ones absent). */
  options: RoleOptions;
}

/** A provider as the panel adds or edits it (keys are never part of it: only the variable's name). */
export interface ProviderInput {
  type: 'anthropic' | 'openai' | 'claude-login';
  base_url?: string;
  api_key_env?: string;
  models?: string[];
  headers?: Record<string, string>;
}

export interface ProviderView {
  name: string;
  type: string;
  baseUrl: string | null;
  key: 'set' | 'missing' | 'not needed';
  keyEnv: string | null;
  models: string[];
  roles: string[];
}

/** How Claude Code asks before acting (its --permission-mode); the config's `permission_mode` is one of these. */
export const PERMISSION_MODES = ['default', 'acceptEdits', 'plan', 'dontAsk', 'auto', 'bypassPermissions'] as const;

/** What settings.on_disconnect can be (their meaning is in the config schema). */
export const ON_DISCONNECT = ['cancel', 'finish'] as const;

/** The runner and server settings the panel can change (port and host are start options). */
export interface SettingsView {
  run_timeout_seconds: number;
  keepalive_seconds: number;
  max_retries: number;
  permission_mode: string;
  max_concurrent_runs: number;
  on_disconnect: string;
}

/** Sessions deleted on their own (settings.retention): older than max_age_days, or the oldest beyond max_total_mb; 0 keeps them. */
export interface RetentionView {
  max_age_days: number;
  max_total_mb: number;
}

/** A setting `settings:set` edits: a top-level one, or one of a group, dotted. */
export type SettingKey = keyof SettingsView | `retention.${keyof RetentionView}`;

export interface ConnectionTest {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  message: string;
}

export interface ConfigView {
  file: string;
  settings: SettingsView;
  /** Absent from a config view made before retention existed: treated as 0 (kept). */
  retention?: RetentionView;
  /** Why the file on disk is not in force (the last good config keeps serving). */
  error: { message: string; line?: number; column?: number } | null;
  roles: RoleView[];
  providers: ProviderView[];
  /** What the app's latest edit of the file did, while `config:undo` can still put the file back as it was before it. */
  undo: string | null;
}
