/**
 * Whether a request is one a request-log query asks for: the same test on the server (which
 * lists the log) and in the panel (which adds requests to the table as they arrive).
 */
import type { RequestEntry } from './control';

/** Fields of a provider's error answer kept for the panel (an allowlist: never headers, never the rest of the body). */
export interface ProviderErrorBody {
  status: number;
  type?: string;
  code?: string;
  message: string;
}

/** Which requests to list: by outcome and by text (client, path, models, provider, error). */
export interface RequestQuery {
  status?: 'all' | 'ok' | 'errors';
  query?: string;
  limit?: number;
}

/** A request failed when its status says so (a chat turn that failed in a 200 stream carries its error's status). */
export const requestFailed = (request: Pick<RequestEntry, 'status' | 'error'>): boolean => request.status >= 400 || request.error !== undefined;

export function matchesRequestQuery(request: RequestEntry, { status = 'all', query = '' }: RequestQuery): boolean {
  if (status === 'ok' && requestFailed(request)) return false;
  if (status === 'errors' && !requestFailed(request)) return false;
  const text = query.trim().toLowerCase();
  if (!text) return true;
  const fields = [request.client, request.method, request.path, request.model, request.modelAnswered, request.provider, String(request.status), request.error, request.sessionId, request.turnId];
  return fields.some((field) => field !== undefined && field.toLowerCase().includes(text));
}
