/**
 * Asking a provider directly, for the control panel: the models an OpenAI-compatible provider
 * lists at `/models`, and a connection test (one tiny request) with its status and latency.
 */
import type { ConnectionTest } from '../../common/control';
import type { ApiModel } from './claude-aliases';
import type { KeyLookup } from './key-store';
import type { HelixConfig } from './load-config';
import { anthropicHeaders, bearerHeader, providerKey, providerUrl } from './provider-http';

const TIMEOUT_MS = 10_000;

export async function listProviderModels(name: string, config: HelixConfig, keys: KeyLookup): Promise<string[]> {
  const provider = config.providers[name];
  if (!provider) throw new Error(`No provider "${name}".`);
  if (provider.type !== 'openai' || !provider.base_url) return provider.models;
  const response = await fetch(providerUrl(provider, '/models'), { headers: bearerHeader(providerKey(provider, keys)), signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`Provider "${name}" answered HTTP ${response.status} at /models.`);
  const body = (await response.json()) as { data?: Array<{ id?: unknown }> };
  return (body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string').sort();
}

export async function testProvider(name: string, config: HelixConfig, keys: KeyLookup, apiModel: ApiModel = (_provider, model) => model): Promise<ConnectionTest> {
  const provider = config.providers[name];
  if (!provider) throw new Error(`No provider "${name}".`);
  if (provider.type === 'claude-login') return { ok: true, status: null, latencyMs: 0, message: "Uses Claude Code's own login: nothing to test from here." };
  const key = providerKey(provider, keys);
  if (provider.api_key_env && !key) return { ok: false, status: null, latencyMs: 0, message: `No key: set ${provider.api_key_env}.` };
  // One tiny message to a model the API knows by id; with only aliases not yet run, Anthropic's model list.
  const model = provider.models.map((m) => apiModel(name, m)).find((m) => m !== undefined) ?? (provider.models.length === 0 ? 'claude-haiku-4-5' : undefined);
  const started = Date.now();
  try {
    const response =
      provider.type === 'openai'
        ? await fetch(providerUrl(provider, '/models'), { headers: bearerHeader(key), signal: AbortSignal.timeout(TIMEOUT_MS) })
        : model === undefined
          ? await fetch(providerUrl(provider, '/v1/models'), { headers: anthropicHeaders(key), signal: AbortSignal.timeout(TIMEOUT_MS) })
          : await fetch(providerUrl(provider, '/v1/messages'), {
              method: 'POST',
              headers: anthropicHeaders(key),
              body: JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }),
              signal: AbortSignal.timeout(TIMEOUT_MS),
            });
    const latencyMs = Date.now() - started;
    return { ok: response.ok, status: response.status, latencyMs, message: response.ok ? `Reachable, answered in ${latencyMs} ms.` : `Answered HTTP ${response.status}.` };
  } catch (error) {
    return { ok: false, status: null, latencyMs: Date.now() - started, message: `Cannot reach it: ${(error as Error).cause ?? (error as Error).message}` };
  }
}
