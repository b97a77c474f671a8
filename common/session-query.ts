/**
 * Whether a session is one a sessions query asks for: the same test on the server (which pages
 * the list) and in the panel (which applies live changes to the page it shows).
 */
import type { SessionQuery } from './control';

export interface QueriedFields {
  title: string;
  role: string;
  target?: string;
  status: string;
}

export function matchesSessionQuery(session: QueriedFields, { query = '', status = 'all' }: SessionQuery): boolean {
  if (status !== 'all' && session.status !== status) return false;
  const text = query.trim().toLowerCase();
  return !text || `${session.title} ${session.role} ${session.target ?? ''}`.toLowerCase().includes(text);
}
