/**
 * What the tray menu shows, as plain data built from the tray's light state: the approvals
 * waiting, the server's state, the runs in progress, today's cost, each role's provider:model to
 * switch between (and a missing key), restart (asking first when it cuts runs), open, quit. The shell turns it into an
 * Electron menu; the logic stays testable without Electron.
 */
import type { ControlEvent } from '../../common/control';
import type { TrayState } from '../control/control-service';
import { approvalsTrayLabel } from './approval-notice';

export type TrayAction =
  | { type: 'switch-role'; role: string; ref: string }
  /** `cuts`: the runs in flight it would cut, asked about first. */
  | { type: 'restart-api'; cuts?: number }
  | { type: 'open-window' }
  /** The window, on its Approvals view. */
  | { type: 'open-approvals' }
  | { type: 'quit' };

export type TrayItem =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: TrayAction; enabled?: boolean }
  | { kind: 'radio'; label: string; checked: boolean; action: TrayAction }
  | { kind: 'submenu'; label: string; items: TrayItem[] };

/** A cost as the panel writes it: "$0", "$0.0042" below a cent, "$1.25" above. */
const usd = (n: number): string => (n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`);

export function trayMenu(snapshot: TrayState): TrayItem[] {
  const api = snapshot.components.find((c) => c.name === 'api');
  const running = snapshot.running;
  const choices = snapshot.config.providers.flatMap((p) => p.models.map((m) => `${p.name}:${m}`));
  const roles: TrayItem[] = snapshot.config.roles.map((role) => {
    const current = `${role.provider}:${role.model}`;
    const keyless = snapshot.config.providers.find((p) => p.name === role.provider)?.key === 'missing';
    return {
      kind: 'submenu',
      label: `${role.modelId} — ${current}${keyless ? ' (no key)' : ''}`,
      items: [...new Set([current, ...choices])].map((ref) => ({ kind: 'radio', label: ref, checked: ref === current, action: { type: 'switch-role', role: role.name, ref } })),
    };
  });
  const waiting = approvalsTrayLabel(snapshot.approvals.length);
  return [
    ...(waiting ? [{ kind: 'action' as const, label: waiting, action: { type: 'open-approvals' as const } }, { kind: 'separator' as const }] : []),
    { kind: 'label', label: `API server: ${api?.state ?? 'unknown'}${api?.url ? ` (${api.url})` : ''}` },
    { kind: 'label', label: running === 0 ? 'No runs in progress' : `${running} run${running === 1 ? '' : 's'} in progress` },
    { kind: 'label', label: `Today: ${usd(snapshot.todayCostUsd)}` },
    ...(snapshot.config.error ? [{ kind: 'label' as const, label: 'Config error — open Helix for details' }] : []),
    { kind: 'separator' },
    ...roles,
    { kind: 'separator' },
    running === 0
      ? { kind: 'action', label: 'Restart API server', action: { type: 'restart-api' } }
      : { kind: 'action', label: `Restart API server (cuts ${running} run${running === 1 ? '' : 's'})…`, action: { type: 'restart-api', cuts: running } },
    { kind: 'action', label: 'Open Helix', action: { type: 'open-window' } },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Helix', action: { type: 'quit' } },
  ];
}

/** The tray icon's tooltip: state at a glance. */
export function trayTooltip(snapshot: TrayState): string {
  const api = snapshot.components.find((c) => c.name === 'api');
  const waiting = snapshot.approvals.length;
  return `Helix — API ${api?.state ?? 'unknown'}${snapshot.config.error ? ', config error' : ''}${waiting ? `, ${waiting} approval${waiting === 1 ? '' : 's'} waiting` : ''}`;
}

/** What the tray follows: its own light state, and the events that may change it. */
export interface TraySource {
  trayState(): TrayState;
  readonly runningCount: number;
  subscribe(listener: (event: ControlEvent) => void): () => void;
}

/**
 * Shows the tray's state now, and again when it may look different: a change of state (config,
 * servers), or a session change that alters how many runs are going — not every turn's changes.
 */
export function followTray(source: TraySource, show: (state: TrayState) => void): () => void {
  let running = source.runningCount;
  const refresh = (): void => {
    const state = source.trayState();
    running = state.running;
    show(state);
  };
  refresh();
  return source.subscribe((event) => {
    const approvalsChanged = event.type === 'approval-added' || event.type === 'approval-answered';
    if (event.type === 'state-changed' || approvalsChanged || (event.type !== 'run-event' && source.runningCount !== running)) refresh();
  });
}
