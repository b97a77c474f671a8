/**
 * The renderer's only door to the main process. The desktop shell's IPC adapter for the control
 * contract is wired here in a later step; until then the window uses the HTTP control panel.
 */
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('helixDesktop', { platform: process.platform });
