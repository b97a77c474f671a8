/**
 * What a tray click does, without Electron: the command runs, and if it fails (the config on disk
 * does not parse, the port is taken…) the user is told in a notification and the failure is in
 * the diagnostic log. A click never throws: nobody is there to catch it.
 */
import type { ComponentState } from '../../common/control';
import type { DiagLog } from '../platform/diag-log';
import type { TrayAction } from './tray-menu';

export interface TrayActionDeps {
  setRoleModel(role: string, ref: string): unknown;
  restartApi(): Promise<ComponentState> | ComponentState;
  showWindow(): void;
  /** The window, on its Approvals view. */
  showApprovals(): void;
  quit(): void;
  /** Asks the user (a dialog); resolves true to go on. Without it, nothing is asked. */
  confirm?(question: { title: string; body: string; confirmLabel: string }): Promise<boolean>;
  /** A desktop notification. */
  notify(title: string, body: string): void;
  log: DiagLog;
}

/** The tray's click handler: resolves once the action is done, never rejects. */
export function trayActionRunner(deps: TrayActionDeps): (action: TrayAction) => Promise<void> {
  const fail = (action: TrayAction, title: string, reason: string): void => {
    deps.log.error({ action: action.type, ...('role' in action ? { role: action.role, ref: action.ref } : {}), error: reason }, `tray command failed: ${title}`);
    try {
      deps.notify(`Helix: ${title}`, reason);
    } catch (error) {
      deps.log.warn({ error: (error as Error).message }, 'cannot show a notification');
    }
  };
  return async (action) => {
    try {
      if (action.type === 'switch-role') await deps.setRoleModel(action.role, action.ref);
      else if (action.type === 'restart-api') {
        if (action.cuts && deps.confirm && !(await deps.confirm(cutRunsQuestion(action.cuts)))) return;
        const state = await deps.restartApi();
        if (state.state !== 'running') fail(action, 'the API server did not restart', state.lastError ?? `it is ${state.state}`);
      } else if (action.type === 'open-window') deps.showWindow();
      else if (action.type === 'open-approvals') deps.showApprovals();
      else deps.quit();
    } catch (error) {
      fail(action, titleOf(action), error instanceof Error ? error.message : String(error));
    }
  };
}

/** The question before a restart that cuts runs in flight (the panel's Server screen asks too). */
export function cutRunsQuestion(runs: number): { title: string; body: string; confirmLabel: string } {
  const count = `${runs} run${runs === 1 ? '' : 's'}`;
  return { title: 'Restart the API server?', body: `${count} in flight will be cut: their chats lose the connection.`, confirmLabel: `Restart and cut ${count}` };
}

function titleOf(action: TrayAction): string {
  switch (action.type) {
    case 'switch-role':
      return `could not switch ${action.role} to ${action.ref}`;
    case 'restart-api':
      return 'could not restart the API server';
    case 'open-window':
      return 'could not open the window';
    case 'open-approvals':
      return 'could not open the approvals';
    case 'quit':
      return 'could not quit';
  }
}
