/**
 * How Helix talks to a provider over HTTP itself: the key it names, its base URL (Anthropic's
 * own API for an anthropic provider that names none), and the auth headers each API expects.
 */
import type { ProviderConfig } from './config-schema';
import type { KeyLookup } from './key-store';

const ANTHROPIC_API = 'https://api.anthropic.com';

/** The key named by the provider's api_key_env, if it names one and it is set. */
export function providerKey(provider: ProviderConfig, keys: KeyLookup): string | undefined {
  return provider.api_key_env ? keys(provider.api_key_env) : undefined;
}

/** The provider's base URL without trailing slashes, followed by `suffix`. */
export function providerUrl(provider: ProviderConfig, suffix = ''): string {
  return `${(provider.base_url ?? (provider.type === 'anthropic' ? ANTHROPIC_API : '')).replace(/\/+$/, '')}${suffix}`;
}

/** OpenAI-style auth: a bearer token, when there is a key. */
export function bearerHeader(key: string | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Headers for a JSON request to the Anthropic Messages API. */
export function anthropicHeaders(key: string | undefined): Record<string, string> {
  return { ...(key ? { 'x-api-key': key } : {}), 'content-type': 'application/json', 'anthropic-version': '2023-06-01' };
}
