/**
 * The renderer's only door to the main process: one method per channel, nothing raw.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { HelixApi } from '../common/desktop-api';

const api = {
  getConnection: () => ipcRenderer.invoke('connection:get'),
} satisfies HelixApi;

contextBridge.exposeInMainWorld('helix', api);
