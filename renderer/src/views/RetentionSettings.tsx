/**
 * Retention in the Settings view: sessions deleted on their own once inactive for longer than a
 * number of days, or (the oldest first) once the sessions and their transcripts take more than a
 * size; 0 keeps them. Written with settings:set like the other settings.
 */
import type { ConfigView, RetentionView } from '../../../common/control';
import type { ControlClient } from '../control-client';
import { EditableValue } from './EditableValue';

const FIELDS: Array<[keyof RetentionView, string]> = [
  ['max_age_days', 'Delete sessions inactive for more than (days, 0 = never)'],
  ['max_total_mb', 'Delete the oldest sessions beyond (MB, 0 = no limit)'],
];

const sameNumber = (a: string, b: string): boolean => a.trim() !== '' && Number(a) === Number(b);

export function RetentionSettings({ client, config, onChanged }: { client: ControlClient; config: ConfigView; onChanged(): void }): React.JSX.Element {
  const write = (key: keyof RetentionView) => async (value: string): Promise<void> => {
    if (value.trim() === '' || !Number.isFinite(Number(value)) || Number(value) < 0) throw new Error('Enter a number, 0 or more.');
    await client.invoke('settings:set', `retention.${key}`, value);
    onChanged();
  };
  return (
    <fieldset className="retention">
      <legend>Retention</legend>
      {FIELDS.map(([key, label]) => (
        <div className="field" key={key}>
          <EditableValue live={String(config.retention?.[key] ?? 0)} label={label} write={write(key)} same={sameNumber}>
            {(control) => (
              <label>
                {label}
                <input type="number" min={0} {...control} />
              </label>
            )}
          </EditableValue>
        </div>
      ))}
      <p className="meta">Deleted as Delete does (folder, workspace, Claude Code transcripts), at start and hourly; never a session with a turn running or a warm process.</p>
    </fieldset>
  );
}
