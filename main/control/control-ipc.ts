/**
 * The control contract over Electron IPC, generic over the contract: one channel per command,
 * each call checked for its sender first and its arguments second, results returned as data
 * (`{ok, data}` / `{ok:false, error}`) since IPC carries only an exception's message.
 * Takes ipcMain-like objects so it is tested without Electron.
 */
import { COMMAND_NAMES, commandChannel, type CommandName, type ControlResult } from '../../common/control';
import { dispatch, type ControlService } from './control-service';

export interface IpcSender {
  sender: { id: number };
  senderFrame?: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSender, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Only the app's own window, its top frame, showing the app's own page, may call. */
export function isOwnWindow(event: IpcSender, windowId: number | undefined, origin: string): boolean {
  return windowId !== undefined && event.sender.id === windowId && event.senderFrame?.parent === null && (event.senderFrame?.url ?? '').startsWith(`${origin}/`);
}

/** Registers every command; returns the function that removes them again. */
export function registerControlIpc(ipc: IpcMainLike, service: ControlService, isTrusted: (event: IpcSender) => boolean): () => void {
  for (const command of COMMAND_NAMES) {
    ipc.handle(commandChannel(command), (event, ...args) => call(service, command, event, args, isTrusted));
  }
  return () => COMMAND_NAMES.forEach((command) => ipc.removeHandler(commandChannel(command)));
}

async function call(service: ControlService, command: CommandName, event: IpcSender, args: unknown[], isTrusted: (event: IpcSender) => boolean): Promise<ControlResult<unknown>> {
  if (!isTrusted(event)) return { ok: false, error: { code: 'untrusted_sender', message: 'This window may not control Helix.' } };
  // The app's own window: an approval answered here comes from the desktop.
  return dispatch(service, command, args, 'desktop');
}
