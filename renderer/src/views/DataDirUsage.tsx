/**
 * What the data dir takes, by part (session logs and files, their workspaces, their Claude Code
 * transcripts, the diagnostic log, the rest): measured by the app off its event loop and kept for a
 * minute; asked again every minute while shown, soon after sessions are deleted, and on Refresh.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StorageUsage } from '../../../common/control';
import type { ControlClient } from '../control-client';

/** Asked again this often while shown, and this long after a deletion (a burst of them is one ask). */
const EVERY_MS = 60_000;
const AFTER_DELETE_MS = 1_500;

const PARTS: Array<[keyof StorageUsage['parts'], string]> = [
  ['sessions', 'Sessions (logs and session files)'],
  ['workspaces', 'Workspaces'],
  ['transcripts', 'Claude Code transcripts'],
  ['logs', 'Diagnostic logs'],
  ['other', 'Other'],
];

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const isUsage = (value: unknown): value is StorageUsage => typeof value === 'object' && value !== null && typeof (value as StorageUsage).parts === 'object' && typeof (value as StorageUsage).total === 'number';

export function DataDirUsage({ client }: { client: ControlClient }): React.JSX.Element {
  const [usage, setUsage] = useState<StorageUsage | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [measuring, setMeasuring] = useState(false);
  const live = useRef(true);

  const load = useCallback(
    (fresh: boolean): void => {
      client.invoke('storage:usage', fresh).then(
        (result) => {
          if (!live.current) return;
          setMeasuring(false);
          if (isUsage(result)) {
            setUsage(result);
            setFailure(null);
          }
        },
        (error: Error) => {
          if (!live.current) return;
          setMeasuring(false);
          setFailure(error.message);
        },
      );
    },
    [client],
  );

  useEffect(() => {
    live.current = true;
    load(false);
    const every = setInterval(() => load(false), EVERY_MS);
    let soon: ReturnType<typeof setTimeout> | undefined;
    const stop = client.subscribe((event) => {
      if (event.type !== 'session-deleted' || soon !== undefined) return;
      soon = setTimeout(() => {
        soon = undefined;
        load(true);
      }, AFTER_DELETE_MS);
    });
    return () => {
      live.current = false;
      clearInterval(every);
      clearTimeout(soon);
      stop();
    };
  }, [client, load]);

  return (
    <section className="data-dir-usage" aria-label="Data dir usage">
      <h3>Space used</h3>
      {failure && <p role="alert">Could not measure the data dir: {failure}</p>}
      {usage ? (
        <table>
          <tbody>
            {PARTS.map(([part, label]) => (
              <tr key={part} data-part={part}>
                <th scope="row">{label}</th>
                <td>{sizeText(usage.parts[part])}</td>
              </tr>
            ))}
            <tr data-part="total">
              <th scope="row">Total</th>
              <td>{sizeText(usage.total)}</td>
            </tr>
          </tbody>
        </table>
      ) : (
        !failure && <p className="meta">Measuring…</p>
      )}
      <p className="meta">
        {usage && `Measured at ${new Date(usage.measuredAt).toLocaleTimeString()}. `}
        <button
          onClick={() => {
            setMeasuring(true);
            load(true);
          }}
          disabled={measuring}
        >
          {measuring ? 'Measuring…' : 'Refresh'}
        </button>
      </p>
    </section>
  );
}
