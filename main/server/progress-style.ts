/**
 * Which progress style a chat request gets. `X-Helix-Progress` decides when present; otherwise the
 * client does: Open WebUI — known by the headers only it sends (its forwarded `X-OpenWebUI-*`
 * user and chat headers, or the `X-Helix-Chat-Id` / `X-Helix-Task` connection headers Helix
 * recommends for it) — gets status events; any other client gets `reasoning`, the clean answer
 * as content with thinking and tool progress beside it, which every OpenAI client accepts.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequest } from './openai-errors';
import { PROGRESS_STYLES, type ProgressStyle } from './progress';

const OPEN_WEBUI_HEADERS = ['x-helix-chat-id', 'x-helix-task'];

export function chooseProgressStyle(headers: IncomingHttpHeaders): ProgressStyle {
  const asked = firstValue(headers['x-helix-progress']);
  if (asked !== undefined) {
    const style = asked.toLowerCase();
    if ((PROGRESS_STYLES as readonly string[]).includes(style)) return style as ProgressStyle;
    throw invalidRequest(`X-Helix-Progress must be one of ${PROGRESS_STYLES.join(', ')}; got "${asked}".`, 'X-Helix-Progress');
  }
  return isOpenWebUi(headers) ? 'openwebui' : 'reasoning';
}

function isOpenWebUi(headers: IncomingHttpHeaders): boolean {
  // Present at all, even empty (a {{TASK}} template outside a task), they come from Open WebUI.
  return Object.keys(headers).some((name) => name.startsWith('x-openwebui-') || OPEN_WEBUI_HEADERS.includes(name));
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}
