/**
 * How a role's runs reach their provider: the environment and model handed to Claude Code.
 * anthropic providers are handed over directly; openai providers through the translating
 * proxy; claude-login leaves Claude Code on its own login.
 */
import type { KeyLookup } from './key-store';
import type { HelixConfig, Role } from './load-config';
import { providerKey, providerUrl } from './provider-http';

export interface RunTarget {
  /** Variables that point Claude Code at the provider (base URL, key, model tiers, headers). */
  env: Record<string, string>;
  model: string;
  /** `provider:model`, as resolved from the config. */
  label: string;
}

/** Where the translating proxy listens, and its own key. */
export interface ProxyAccess {
  url: string;
  key: string;
}

/** A role that cannot run as configured; the message says what to change. */
export class ProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderError';
  }
}

export function resolveRunTarget(role: Role, config: HelixConfig, keys: KeyLookup, proxy?: ProxyAccess, turnId?: string): RunTarget {
  const provider = config.providers[role.provider];
  const label = `${role.provider}:${role.model}`;
  if (!provider) throw new ProviderError(`Role "${role.name}" uses provider "${role.provider}", which is not in ${config.file}.`);

  const key = providerKey(provider, keys);
  if (provider.api_key_env && !key) {
    throw new ProviderError(
      `Provider "${role.provider}" has no API key: set the environment variable ${provider.api_key_env} (and restart Helix) or store the key in Helix, or change api_key_env in ${config.file}.`,
    );
  }

  const out: Record<string, string> = {};
  if (role.smallFastModel) {
    // Claude Code's small/fast tier (the haiku alias) goes to the role's chosen model.
    out.ANTHROPIC_DEFAULT_HAIKU_MODEL = role.smallFastModel;
    out.ANTHROPIC_SMALL_FAST_MODEL = role.smallFastModel;
  }
  if (provider.type === 'openai') {
    if (!proxy) throw new ProviderError(`Provider "${role.provider}" needs the translating proxy, which is not running.`);
    out.ANTHROPIC_BASE_URL = `${proxy.url}/p/${encodeURIComponent(role.provider)}${turnId ? `/t/${turnId}` : ''}`;
    out.ANTHROPIC_API_KEY = proxy.key;
    return { env: out, model: role.model, label };
  }
  if (provider.type === 'anthropic') {
    if (provider.base_url) out.ANTHROPIC_BASE_URL = providerUrl(provider);
    if (key) out.ANTHROPIC_API_KEY = key;
    const headers = Object.entries(provider.headers).map(([name, value]) => `${name}: ${value}`);
    if (headers.length > 0) out.ANTHROPIC_CUSTOM_HEADERS = headers.join('\n');
  }
  return { env: out, model: role.model, label };
}
