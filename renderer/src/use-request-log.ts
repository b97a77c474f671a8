/**
 * The request log as a view shows it: the list the server filters once, then every request the
 * core pushes as it is logged (`request-logged`) that matches the same filter, added on top —
 * nothing is asked for again while the view is open, unless the event stream broke meanwhile.
 */
import { useEffect, useState } from 'react';
import type { RequestEntry, RequestQuery } from '../../common/control';
import { matchesRequestQuery } from '../../common/request-query';
import type { ControlClient } from './control-client';

export function useRequestLog(client: ControlClient, { status = 'all', query = '', limit = 300 }: RequestQuery): { requests: RequestEntry[] | null; failure: string | null } {
  const [requests, setRequests] = useState<RequestEntry[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // Bumped when the event stream comes back after a break: requests logged meanwhile were missed.
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const filter: RequestQuery = { status, query, limit };
    let current = true;
    // Requests logged while the list is on its way are added on top of it once it comes.
    let heard: RequestEntry[] | null = [];
    const unsubscribe = client.subscribe((event) => {
      if (event.type === 'reconnected') setReloads((n) => n + 1);
      if (event.type !== 'request-logged' || !matchesRequestQuery(event.request, filter)) return;
      if (heard) heard.push(event.request);
      else setRequests((shown) => withNew(shown ?? [], [event.request], limit));
    });
    client.invoke('requests:list', filter).then(
      (list) => {
        if (!current) return;
        setRequests(withNew(list, heard ?? [], limit));
        heard = null;
        setFailure(null);
      },
      (error: Error) => current && setFailure(error.message),
    );
    return () => {
      current = false;
      unsubscribe();
    };
  }, [client, status, query, limit, reloads]);

  return { requests, failure };
}

/** The list with new requests on top (newest first), none twice, bounded. */
function withNew(shown: RequestEntry[], arrived: RequestEntry[], limit: number): RequestEntry[] {
  const known = new Set(shown.map((r) => r.id));
  const fresh = arrived.filter((r) => !known.has(r.id)).reverse();
  return fresh.length === 0 ? shown : [...fresh, ...shown].slice(0, limit);
}
