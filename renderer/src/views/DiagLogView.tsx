/** The end of the diagnostic log, where the file is, and a level filter; read again when the app's state changes. */
import { useEffect, useState } from 'react';
import { LOG_LEVELS, type ControlSnapshot, type DiagLogTail, type LogLevel } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { formatTime } from '../format';
import { TableHead } from './TableHead';

const LINES = 200;

export function DiagLogView({ client, snapshot }: { client: ControlClient; snapshot: ControlSnapshot }): React.JSX.Element {
  const [level, setLevel] = useState<LogLevel | ''>('');
  const [tail, setTail] = useState<DiagLogTail | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let current = true;
    // No undefined argument: over HTTP it would arrive as null.
    (level ? client.invoke('log:tail', LINES, level) : client.invoke('log:tail', LINES)).then(
      (result) => {
        if (!current) return;
        setTail(result);
        setFailure(null);
      },
      (error: Error) => current && setFailure(error.message),
    );
    return () => {
      current = false;
    };
  }, [client, level, snapshot, reloads]);

  return (
    <section aria-label="Diagnostic log">
      <h2>Diagnostic log</h2>
      <p>
        <code>{tail?.file ?? '…'}</code>
        {tail && ` · level ${tail.level} (settings.log_level or HELIX_LOG_LEVEL)`}
      </p>
      <div className="filters">
        <label>
          Show{' '}
          <select aria-label="Log level" value={level} onChange={(event) => setLevel(event.target.value as LogLevel | '')}>
            <option value="">everything</option>
            {LOG_LEVELS.map((name) => (
              <option key={name} value={name}>
                {name} and worse
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => setReloads((n) => n + 1)}>Refresh</button>
      </div>
      {failure && <p className="bad">{failure}</p>}
      {tail && tail.entries.length === 0 && <p className="empty">Nothing logged{level ? ` at ${level} or worse` : ''} yet.</p>}
      {tail && tail.entries.length > 0 && (
        <table className="diag-log" aria-label="Diagnostic log records">
          <TableHead columns={['Time', 'Level', 'Where', 'What', 'Details']} />
          <tbody>
            {[...tail.entries].reverse().map((entry, i) => (
              <tr key={i} data-level={entry.level}>
                <td>{formatTime(entry.time)}</td>
                <td className={entry.level === 'error' || entry.level === 'fatal' ? 'bad' : ''}>{entry.level}</td>
                <td>{entry.component ?? ''}</td>
                <td>{entry.msg}</td>
                <td>
                  <code>{details(entry.fields)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A record's own fields, compact (Fastify's request number says nothing here). */
function details(fields: Record<string, unknown>): string {
  const { reqId: _reqId, ...rest } = fields;
  return Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : JSON.stringify(value)}`)
    .join(' ');
}
