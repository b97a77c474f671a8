/** The sessions as the panel pages through them: the latest changed first, filtered by a query. */
import type { SessionList, SessionQuery, SessionSummary } from '../../common/control';
import { matchesSessionQuery } from '../../common/session-query';
import type { SessionStore } from '../sessions/session-store';

/** Sessions sent at once when the caller names no page size. */
const SESSIONS_PAGE = 100;

/** A page of the sessions matching the query, the latest changed first; only the page is summarised. */
export function listSessions(sessions: SessionStore, query: SessionQuery): SessionList {
  const { offset = 0, limit = SESSIONS_PAGE } = query;
  const page: SessionSummary[] = [];
  if (!query.query?.trim() && (query.status ?? 'all') === 'all') {
    // Unfiltered (the list as the panel opens): only the page is looked at.
    let i = 0;
    for (const session of sessions.recent()) {
      if (i >= offset + limit) break;
      if (i++ >= offset) page.push(session);
    }
    return { sessions: page, total: sessions.size, offset };
  }
  let total = 0;
  for (const session of sessions.recent()) {
    if (!matchesSessionQuery(session, query)) continue;
    if (total >= offset && page.length < limit) page.push(session);
    total += 1;
  }
  return { sessions: page, total, offset };
}
