/**
 * The renderer's only door to the main process: one method per command of the control contract
 * and an `onEvent(listener) → unsubscribe` subscription. Never ipcRenderer itself, never the IPC
 * event object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { COMMAND_NAMES, commandChannel, EVENT_CHANNEL, type ControlEvent, type DesktopControl } from '../common/control';

const api: DesktopControl = {
  capabilities: { openFolder: true, pickFolder: true },
  commands: Object.fromEntries(COMMAND_NAMES.map((command) => [command, (...args: unknown[]) => ipcRenderer.invoke(commandChannel(command), ...args)])) as DesktopControl['commands'],
  onEvent(listener) {
    // The same wrapper is removed as was added, and the IPC event never reaches the page.
    const wrapped = (_event: IpcRendererEvent, event: ControlEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('helix', api);
