/**
 * The diagnostic log: its file, the level in force, and its latest records at a level and
 * containing a text — both applied by the server, which reads only the end of the files. While
 * "Follow" is on and the panel is visible it asks again every 2 s (the log has no event of its
 * own: pushing every record would itself write records at debug), so new records appear.
 */
import { useEffect, useState } from 'react';
import { LOG_LEVELS, type DiagLogQuery, type DiagLogTail, type LogLevel } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { formatTime } from '../format';
import { TableHead } from './TableHead';

const LIMIT = 200;
export const FOLLOW_MS = 2000;
const TYPING_MS = 250;

export function DiagLogPanel({ client }: { client: ControlClient }): React.JSX.Element {
  const [level, setLevel] = useState<LogLevel | ''>('');
  const [typed, setTyped] = useState('');
  const [text, setText] = useState('');
  const [follow, setFollow] = useState(true);
  const [tail, setTail] = useState<DiagLogTail | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const wait = setTimeout(() => setText(typed), TYPING_MS);
    return () => clearTimeout(wait);
  }, [typed]);

  useEffect(() => {
    let current = true;
    // Only what is set is sent: over HTTP an undefined field would arrive as null.
    const query: DiagLogQuery = { limit: LIMIT, ...(level ? { level } : {}), ...(text.trim() ? { text: text.trim() } : {}) };
    const load = (): void => {
      client.invoke('log:query', query).then(
        (result) => {
          if (!current) return;
          setTail((shown) => (shown && sameTail(shown, result) ? shown : result));
          setFailure(null);
        },
        (error: Error) => current && setFailure(error.message),
      );
    };
    load();
    const every = follow ? setInterval(() => document.visibilityState !== 'hidden' && load(), FOLLOW_MS) : undefined;
    return () => {
      current = false;
      clearInterval(every);
    };
  }, [client, level, text, follow, reloads]);

  return (
    <section className="diag-log-panel" aria-label="Diagnostic log">
      <p className="log-file">
        <code>{tail?.file ?? '…'}</code>
        {tail && ` · level ${tail.level} (settings.log_level or HELIX_LOG_LEVEL)`}
      </p>
      <div className="filters" role="search" aria-label="Filter the diagnostic log">
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
        <input type="search" aria-label="Search the diagnostic log" placeholder="Search messages and fields…" value={typed} onChange={(event) => setTyped(event.target.value)} />
        <label className="follow">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow
        </label>
        <button onClick={() => setReloads((n) => n + 1)}>Refresh</button>
      </div>
      {failure && <p className="bad">{failure}</p>}
      {tail && tail.entries.length === 0 && <p className="empty">Nothing logged{level ? ` at ${level} or worse` : ''}{text.trim() ? ` containing “${text.trim()}”` : ''} yet.</p>}
      {tail && tail.entries.length > 0 && (
        <table className="diag-log" aria-label="Diagnostic log records">
          <TableHead columns={['Time', 'Level', 'Where', 'What', 'Details']} />
          <tbody>
            {[...tail.entries].reverse().map((entry, i) => (
              <tr key={`${entry.time}-${tail.entries.length - i}`} data-level={entry.level}>
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

/** The same records as shown (a poll that found nothing new changes nothing on screen). */
function sameTail(a: DiagLogTail, b: DiagLogTail): boolean {
  if (a.file !== b.file || a.level !== b.level || a.entries.length !== b.entries.length) return false;
  const [x, y] = [a.entries.at(-1), b.entries.at(-1)];
  return x?.time === y?.time && x?.msg === y?.msg && a.entries[0]?.time === b.entries[0]?.time;
}

/** A record's own fields, compact (Fastify's request number says nothing here). */
function details(fields: Record<string, unknown>): string {
  const { reqId: _reqId, ...rest } = fields;
  return Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : JSON.stringify(value)}`)
    .join(' ');
}
