/**
 * A background task answered by one short, direct request to the role's provider (no Claude
 * Code, no tools), when the provider can be called directly: the provider's text, unchecked, or
 * null on any failure. The caller checks it (answer-format.ts) and answers locally instead.
 */
import type { ApiModel } from '../providers/claude-aliases';
import type { KeyLookup } from '../providers/key-store';
import type { HelixConfig, Role } from '../providers/load-config';
import { anthropicHeaders, providerKey, providerUrl } from '../providers/provider-http';
import type { TaskKind } from './detect-task';

const TIMEOUT_MS = 20_000;

export async function providerTaskAnswer(kind: TaskKind, prompt: string, role: Role, config: HelixConfig, keys: KeyLookup, apiModel: ApiModel): Promise<string | null> {
  const provider = config.providers[role.provider];
  if (provider?.type !== 'anthropic') return null;
  // An alias (`sonnet`) means a model only Claude Code can name: known once a run has reported it.
  const model = apiModel(role.provider, role.model);
  if (!model) return null;
  const key = providerKey(provider, keys);
  if (!key) return null; // Claude Code's own login cannot be used for direct calls
  try {
    const response = await fetch(providerUrl(provider, '/v1/messages'), {
      method: 'POST',
      headers: anthropicHeaders(key),
      body: JSON.stringify({ model, max_tokens: kind === 'emoji' ? 16 : 600, messages: [{ role: 'user', content: prompt }] }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { content?: Array<{ type: string; text?: string }> };
    const text = (body.content ?? []).map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('').trim();
    return text || null;
  } catch {
    return null;
  }
}
