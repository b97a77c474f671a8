/**
 * One request's drill-down: its outcome, figures, models, provider, the chat it belongs to, and
 * the error with the provider's answer. Only these named fields are shown (an allowlist): the
 * server keeps no header or key, and a field added to the record later does not appear here by
 * itself.
 */
import { useEffect, useRef } from 'react';
import type { RequestEntry } from '../../../common/control';
import { requestFailed } from '../../../common/request-query';
import { formatTime } from '../format';

interface Props {
  request: RequestEntry;
  /** The other requests of the same turn (the API's request and its calls to the provider). */
  related: RequestEntry[];
  onClose(): void;
  onOpenSession?(sessionId: string): void;
}

export function RequestDetails({ request: r, related, onClose, onOpenSession }: Props): React.JSX.Element {
  const panel = useRef<HTMLElement>(null);
  // The details are where the keyboard goes once a request is opened.
  useEffect(() => panel.current?.focus(), [r.id]);
  const failed = requestFailed(r);
  const rows: Array<[string, React.ReactNode]> = [
    ['Status', <span className={failed ? 'bad' : 'good'}>{`${r.status} · ${failed ? 'failed' : 'succeeded'}`}</span>],
    ['Time', new Date(r.at).toLocaleString()],
    ['Latency', `${r.latencyMs.toLocaleString('en-US')} ms`],
    ['Tokens in / out', r.inputTokens === undefined && r.outputTokens === undefined ? (r.tokens?.toLocaleString('en-US') ?? '—') : `${(r.inputTokens ?? 0).toLocaleString('en-US')} / ${(r.outputTokens ?? 0).toLocaleString('en-US')}`],
    ['Cost', r.costUsd === undefined ? '—' : `$${r.costUsd.toFixed(4)}`],
    ['Model asked', r.model ?? '—'],
    ['Model answered', r.modelAnswered ?? '—'],
    ['Provider', r.provider ?? '—'],
    ['Client', r.client ?? '—'],
    ['Route', `${r.method} ${r.path} (${r.source === 'api' ? 'API server' : 'proxy, to the provider'})`],
  ];
  return (
    <aside
      ref={panel}
      className="request-details"
      aria-label="Request details"
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <div className="details-head">
        <h3>
          {r.method} {r.path}
        </h3>
        <button onClick={onClose} aria-label="Close the request details">
          Close
        </button>
      </div>
      <dl>
        {rows.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <div>
          <dt>Chat</dt>
          <dd>
            {r.sessionId ? (
              onOpenSession ? (
                <a
                  href={`#session=${encodeURIComponent(r.sessionId)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpenSession(r.sessionId!);
                  }}
                >
                  Open its session
                </a>
              ) : (
                <code>{r.sessionId}</code>
              )
            ) : (
              '—'
            )}
            {r.turnId && <span className="muted"> · turn <code>{r.turnId.slice(0, 8)}</code></span>}
          </dd>
        </div>
      </dl>
      {r.error && (
        <section aria-label="Error">
          <h4>Error</h4>
          <p className="bad">{r.error}</p>
        </section>
      )}
      {r.providerError && (
        <section aria-label="The provider's error answer">
          <h4>The provider answered</h4>
          <dl className="provider-error">
            <div>
              <dt>HTTP status</dt>
              <dd>{r.providerError.status}</dd>
            </div>
            {r.providerError.type && (
              <div>
                <dt>Type</dt>
                <dd>{r.providerError.type}</dd>
              </div>
            )}
            {r.providerError.code && (
              <div>
                <dt>Code</dt>
                <dd>{r.providerError.code}</dd>
              </div>
            )}
          </dl>
          <pre className="provider-message">{r.providerError.message || '(no message)'}</pre>
          <p className="muted">Only the error&apos;s type, code and message are kept, with keys and credentials removed.</p>
        </section>
      )}
      {related.length > 0 && (
        <section aria-label="The same turn">
          <h4>The same turn</h4>
          <ul className="related">
            {related.map((other) => (
              <li key={other.id}>
                {formatTime(other.at)} · {other.method} {other.path} · <span className={requestFailed(other) ? 'bad' : ''}>{other.status}</span> · {other.latencyMs.toLocaleString('en-US')} ms
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
