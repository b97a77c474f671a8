/**
 * Where a role's runs go: the provider and model, checked against the config and the keys.
 * Every provider with an API (anthropic and openai) is reached through Helix's proxy, which
 * holds the key; claude-login leaves Claude Code on its own login.
 */
import type { KeyLookup } from './key-store';
import type { HelixConfig, Role } from './load-config';
import { providerKey } from './provider-http';

export interface RunTarget {
  /** The provider's name in the config. */
  provider: string;
  /** Whether runs reach the provider through Helix's proxy (false: Claude Code's own login). */
  proxied: boolean;
  model: string;
  /** Claude Code's small/fast tier, when the role chooses one. */
  smallFastModel?: string;
  /** `provider:model`, as resolved from the config. */
  label: string;
}

/** A role that cannot run as configured; the message says what to change. */
export class ProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderError';
  }
}

export function resolveRunTarget(role: Role, config: HelixConfig, keys: KeyLookup): RunTarget {
  const provider = config.providers[role.provider];
  if (!provider) throw new ProviderError(`Role "${role.name}" uses provider "${role.provider}", which is not in ${config.file}.`);
  if (provider.api_key_env && !providerKey(provider, keys)) {
    throw new ProviderError(
      `Provider "${role.provider}" has no API key: set the environment variable ${provider.api_key_env} (and restart Helix) or store the key in Helix, or change api_key_env in ${config.file}.`,
    );
  }
  return {
    provider: role.provider,
    proxied: provider.type !== 'claude-login',
    model: role.model,
    smallFastModel: role.smallFastModel,
    label: `${role.provider}:${role.model}`,
  };
}

/**
 * The role's own `env:` entries, with `${NAME}` replaced by Helix's environment or key store:
 * what a user chose to pass on to Claude Code and its tools, and nothing else.
 */
export function roleEnv(role: Role, keys: KeyLookup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(role.env)) {
    out[name] = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, source: string) => {
      const value = keys(source);
      if (value === undefined) throw new ProviderError(`Role "${role.name}" passes \${${source}} to Claude Code in env.${name}, but ${source} is not set in Helix's environment or key store.`);
      return value;
    });
  }
  return out;
}
