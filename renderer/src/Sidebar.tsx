/**
 * The panel's navigation: one button per screen (icon and name; the current one is
 * aria-current="page"), and the live status under it — the API server's state, the runs in
 * flight, today's cost — with the approvals waiting as a badge on their screen. Below ~1100 px it
 * shows icons only, each name still its accessible name and shown beside it on hover or focus.
 */
import { Activity, CircleDollarSign } from 'lucide-react';
import type { ComponentState } from '../../common/control';
import { Badge, StatusDot } from './ui/Status';
import { usd } from './format';

export interface ScreenEntry<Name extends string> {
  name: Name;
  icon: React.JSX.Element;
}

interface Props<Name extends string> {
  screens: ReadonlyArray<ScreenEntry<Name>>;
  current: Name;
  onOpen(name: Name): void;
  api: ComponentState | undefined;
  approvals: number;
  running: number;
  todayCostUsd: number | null;
}

export function Sidebar<Name extends string>({ screens, current, onOpen, api, approvals, running, todayCostUsd }: Props<Name>): React.JSX.Element {
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">H</span>
        <span className="brand-name">Helix Desktop</span>
      </div>
      <nav aria-label="Screens">
        <ul>
          {screens.map((s) => (
            <li key={s.name}>
              <button type="button" className="nav-item" aria-current={s.name === current ? 'page' : undefined} onClick={() => onOpen(s.name)}>
                <span className="nav-icon" aria-hidden="true">
                  {s.icon}
                </span>
                <span className="nav-label">{s.name}</span>
                {s.name === 'Approvals' && approvals > 0 && (
                  <Badge tone="warn" label={`${approvals} waiting`}>
                    {approvals}
                  </Badge>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <ul className="sidebar-status" aria-label="Status">
        <li title={`API server ${api?.state ?? 'unknown'}`}>
          <StatusDot state={api?.state ?? 'unknown'} label={`API ${api?.state ?? 'unknown'}`} />
        </li>
        <li title={`${running} run${running === 1 ? '' : 's'} in flight`}>
          <Activity size={14} aria-hidden="true" className={running > 0 ? 'pulse' : ''} />
          <span className="status-text">
            {running}
            <span className="status-long"> run{running === 1 ? '' : 's'} in flight</span>
          </span>
        </li>
        <li title="Cost today (UTC)">
          <CircleDollarSign size={14} aria-hidden="true" />
          <span className="status-text">
            {todayCostUsd === null ? '…' : usd(todayCostUsd)}
            <span className="status-long"> today</span>
          </span>
        </li>
      </ul>
    </aside>
  );
}
