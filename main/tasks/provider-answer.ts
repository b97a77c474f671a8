/**
 * A background task answered by one short, direct request to the role's provider (no Claude
 * Code, no tools), when the provider can be called directly. Any failure returns null and the
 * caller answers locally instead.
 */
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig, Role } from '../providers/load-config';
import type { TaskKind } from './detect-task';

const TIMEOUT_MS = 20_000;
const JSON_TASKS = new Set<TaskKind>(['title', 'tags', 'follow_ups', 'queries', 'autocomplete', 'function_calling']);

export async function providerTaskAnswer(kind: TaskKind, prompt: string, role: Role, config: HelixConfig, keys: KeyLookup): Promise<string | null> {
  const provider = config.providers[role.provider];
  if (provider?.type !== 'anthropic') return null;
  const key = provider.api_key_env ? keys(provider.api_key_env) : undefined;
  if (!key) return null; // Claude Code's own login cannot be used for direct calls
  try {
    const response = await fetch(`${(provider.base_url ?? 'https://api.anthropic.com').replace(/\/+$/, '')}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: role.model, max_tokens: kind === 'emoji' ? 16 : 600, messages: [{ role: 'user', content: prompt }] }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { content?: Array<{ type: string; text?: string }> };
    const text = (body.content ?? []).map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('').trim();
    return text && (!JSON_TASKS.has(kind) || hasJsonObject(text)) ? text : null;
  } catch {
    return null;
  }
}

/** Open WebUI parses the text between the first `{` and the last `}`. */
function hasJsonObject(text: string): boolean {
  try {
    JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1));
    return true;
  } catch {
    return false;
  }
}
