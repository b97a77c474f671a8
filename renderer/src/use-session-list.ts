/**
 * The sessions list the panel shows: pages asked of the server (which searches and filters), and
 * every live change applied in place — a changed session moves to the top (the list is the
 * latest changed first), one that no longer matches the filter leaves it, a deleted one goes.
 * No change asks for the list again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ControlEvent, SessionQuery, SessionSummary } from '../../common/control';
import { matchesSessionQuery } from '../../common/session-query';
import type { ControlClient } from './control-client';

export const SESSIONS_PAGE = 100;

type ListEvent = Extract<ControlEvent, { type: 'session-changed' | 'session-deleted' }>;

export interface SessionList {
  sessions: SessionSummary[];
  /** How many sessions match, loaded or not. */
  total: number;
  loaded: boolean;
  error: string | null;
  /** Asks for the next page, if there is one and none is on its way. */
  loadMore(): void;
}

interface Shown {
  sessions: SessionSummary[];
  total: number;
}

/** The list with one live change applied; the same object when it changes nothing shown. */
export function applyListEvent(shown: Shown, event: ListEvent, query: SessionQuery): Shown {
  const id = event.type === 'session-changed' ? event.session.id : event.sessionId;
  const at = shown.sessions.findIndex((s) => s.id === id);
  const sessions = at === -1 ? shown.sessions : [...shown.sessions.slice(0, at), ...shown.sessions.slice(at + 1)];
  const matches = event.type === 'session-changed' && matchesSessionQuery(event.session, query);
  if (matches) return { sessions: [event.session, ...sessions], total: at === -1 ? shown.total + 1 : shown.total };
  if (at === -1) return shown;
  return { sessions, total: shown.total - 1 };
}

export function useSessionList(client: ControlClient, query: SessionQuery): SessionList {
  const [shown, setShown] = useState<Shown>({ sessions: [], total: 0 });
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = useRef(shown);
  const show = (next: Shown): void => {
    current.current = next;
    setShown(next);
  };
  // Changes heard while a page is on its way: applied on top of it once it comes (null while none is awaited).
  const heardWhileLoading = useRef<ListEvent[] | null>(null);
  const loads = useRef(0);
  const { query: text, status } = query;

  const load = useCallback(
    (offset: number) => {
      if (heardWhileLoading.current) return;
      const load = ++loads.current;
      heardWhileLoading.current = [];
      const asked = { query: text, status };
      client.invoke('sessions:list', { ...asked, offset, limit: SESSIONS_PAGE }).then(
        (page) => {
          if (load !== loads.current) return;
          const before = offset === 0 ? [] : current.current.sessions;
          const known = new Set(before.map((s) => s.id));
          let next: Shown = { sessions: [...before, ...page.sessions.filter((s) => !known.has(s.id))], total: page.total };
          for (const event of heardWhileLoading.current ?? []) next = applyListEvent(next, event, asked);
          heardWhileLoading.current = null;
          show(next);
          setLoaded(true);
          setError(null);
        },
        (e: Error) => {
          if (load !== loads.current) return;
          heardWhileLoading.current = null;
          setError(e.message);
        },
      );
    },
    [client, text, status],
  );

  useEffect(() => {
    heardWhileLoading.current = null;
    load(0);
  }, [load]);

  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === 'reconnected') {
          // Changes were missed: the list is asked for again.
          heardWhileLoading.current = null;
          load(0);
          return;
        }
        if (event.type !== 'session-changed' && event.type !== 'session-deleted') return;
        if (heardWhileLoading.current) heardWhileLoading.current.push(event);
        else {
          const next = applyListEvent(current.current, event, { query: text, status });
          if (next !== current.current) show(next);
        }
      }),
    [client, text, status, load],
  );

  const loadMore = useCallback(() => {
    if (current.current.sessions.length < current.current.total) load(current.current.sessions.length);
  }, [load]);

  return { sessions: shown.sessions, total: shown.total, loaded, error, loadMore };
}
