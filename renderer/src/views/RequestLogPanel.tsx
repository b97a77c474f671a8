/**
 * The request log: the API server's and the proxy's latest requests, filtered by outcome and text
 * on the server, then kept up to date from the requests pushed as they are logged (no polling;
 * see use-request-log.ts). A row opens its drill-down.
 */
import { useEffect, useState } from 'react';
import type { RequestQuery } from '../../../common/control';
import { requestFailed } from '../../../common/request-query';
import type { ControlClient } from '../control-client';
import { formatTime } from '../format';
import { useRequestLog } from '../use-request-log';
import { RequestDetails } from './RequestDetails';
import { TableHead } from './TableHead';

/** How many rows are kept in the table; the server keeps 500 of each source. */
const SHOWN = 300;
/** A search is sent once typing pauses. */
const TYPING_MS = 250;

type StatusFilter = NonNullable<RequestQuery['status']>;

export function RequestLogPanel({ client, onOpenSession }: { client: ControlClient; onOpenSession?(sessionId: string): void }): React.JSX.Element {
  const [status, setStatus] = useState<StatusFilter>('all');
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const { requests, failure } = useRequestLog(client, { status, query, limit: SHOWN });

  useEffect(() => {
    const wait = setTimeout(() => setQuery(typed), TYPING_MS);
    return () => clearTimeout(wait);
  }, [typed]);

  const open = requests?.find((r) => r.id === openId) ?? null;
  return (
    <div className={open ? 'request-log with-details' : 'request-log'}>
      <div className="request-list">
        <div className="filters" role="search" aria-label="Filter requests">
          <label>
            Show{' '}
            <select aria-label="Request outcome" value={status} onChange={(event) => setStatus(event.target.value as StatusFilter)}>
              <option value="all">all requests</option>
              <option value="ok">succeeded</option>
              <option value="errors">failed</option>
            </select>
          </label>
          <input type="search" aria-label="Search requests" placeholder="Search client, path, model, provider, error…" value={typed} onChange={(event) => setTyped(event.target.value)} />
        </div>
        {failure && <p className="bad">{failure}</p>}
        {requests && requests.length === 0 && <p className="empty">{status === 'all' && !query ? 'No requests yet. They appear here as they are answered.' : 'No request matches.'}</p>}
        {!requests && !failure && <p className="empty">Loading…</p>}
        {requests && requests.length > 0 && (
          <table className="requests-table" aria-label="Requests">
            <TableHead columns={['Time', 'Client / route', 'Model', 'Status', 'Latency', 'Tokens', 'Cost']} />
            <tbody>
              {requests.map((r) => (
                <tr key={r.id} data-request={r.id} className={`${r.id === openId ? 'selected' : ''} ${requestFailed(r) ? 'failed' : ''}`.trim() || undefined} onClick={() => setOpenId(r.id)}>
                  <td>
                    <button className="link" aria-label={`Details of ${r.method} ${r.path} at ${formatTime(r.at)}`} aria-expanded={r.id === openId} onClick={(event) => {
                      event.stopPropagation();
                      setOpenId(r.id === openId ? null : r.id);
                    }}>
                      {formatTime(r.at)}
                    </button>
                  </td>
                  <td>
                    <span className="client">{r.client ?? (r.source === 'api' ? 'API' : 'proxy')}</span>
                    <span className="route">
                      {r.method} {r.path}
                    </span>
                  </td>
                  <td>{r.model ?? ''}</td>
                  <td className={requestFailed(r) ? 'bad' : 'good'}>{r.status}</td>
                  <td className="num">{r.latencyMs.toLocaleString('en-US')} ms</td>
                  <td className="num">{r.tokens?.toLocaleString('en-US') ?? ''}</td>
                  <td className="num">{r.costUsd === undefined ? '' : `$${r.costUsd.toFixed(4)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {open && <RequestDetails request={open} related={requests?.filter((r) => r.turnId === open.turnId && r.id !== open.id && open.turnId !== undefined) ?? []} onClose={() => setOpenId(null)} onOpenSession={onOpenSession} />}
    </div>
  );
}
