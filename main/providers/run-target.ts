/**
 * How a role's runs reach their provider: the environment and model handed to Claude Code.
 */
import type { HelixConfig, Role } from './load-config';

export interface RunTarget {
  /** Variables that point Claude Code at the provider (base URL, key). */
  env: Record<string, string>;
  model: string;
  /** `provider:model`, as written in the config. */
  label: string;
}

/** A role that cannot run as configured; the message says what to change. */
export class ProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderError';
  }
}

export function resolveRunTarget(role: Role, config: HelixConfig, env: NodeJS.ProcessEnv): RunTarget {
  const provider = config.providers[role.provider];
  const label = `${role.provider}:${role.model}`;
  if (!provider) throw new ProviderError(`Role "${role.name}" uses provider "${role.provider}", which is not in ${config.file}.`);
  if (provider.type !== 'anthropic') {
    throw new ProviderError(
      `Provider "${role.provider}" is of type "${provider.type}", which cannot run Claude Code yet; use a provider of type "anthropic" for role "${role.name}".`,
    );
  }

  const out: Record<string, string> = {};
  if (provider.base_url) out.ANTHROPIC_BASE_URL = provider.base_url.replace(/\/+$/, '');
  if (provider.api_key_env) {
    const key = env[provider.api_key_env];
    if (!key) {
      throw new ProviderError(
        `Provider "${role.provider}" reads its API key from the environment variable ${provider.api_key_env}, which is not set. Set it and restart Helix, or change api_key_env in ${config.file}.`,
      );
    }
    out.ANTHROPIC_API_KEY = key;
  }
  return { env: out, model: role.model, label };
}
