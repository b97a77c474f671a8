/**
 * The renderer's only door to the main process: the control contract's calls and events, one
 * channel per command. Never ipcRenderer itself, never the IPC event object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { commandChannel, EVENT_CHANNEL, type ControlEvent, type DesktopControl } from '../common/control';

const api: DesktopControl = {
  invoke: (command, ...args) => ipcRenderer.invoke(commandChannel(command), ...args),
  subscribe(listener) {
    const wrapped = (_event: IpcRendererEvent, event: ControlEvent): void => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('helix', api);
