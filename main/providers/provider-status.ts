/**
 * Each provider's readiness as a status, never an error: whether its key is there (the key
 * itself is never shown), so a missing key is visible before a run fails on it.
 */
import type { KeyLookup } from './key-store';
import type { HelixConfig } from './load-config';

type KeyStatus = 'set' | 'missing' | 'not needed';

export interface ProviderStatus {
  name: string;
  type: string;
  baseUrl: string | null;
  key: KeyStatus;
  /** The environment variable the key is read from. */
  keyEnv: string | null;
  roles: string[];
}

export function providerStatuses(config: HelixConfig, keys: KeyLookup): ProviderStatus[] {
  return Object.entries(config.providers).map(([name, provider]) => ({
    name,
    type: provider.type,
    baseUrl: provider.base_url ?? null,
    key: !provider.api_key_env ? 'not needed' : keys(provider.api_key_env) ? 'set' : 'missing',
    keyEnv: provider.api_key_env ?? null,
    roles: config.roles.filter((role) => role.provider === name).map((role) => role.name),
  }));
}
