/**
 * The tray icon and its menu, rebuilt from the tray's light state when what it shows changes:
 * the state (config, servers), or the number of runs going, not every change of a session.
 */
import path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { ControlService } from '../control/control-service';
import { followTray, trayMenu, trayTooltip, type TrayAction, type TrayItem } from '../desktop/tray-menu';

export function createTray(control: ControlService, iconDir: string, run: (action: TrayAction) => void): Tray {
  const icon = nativeImage.createFromPath(path.join(iconDir, 'tray.png'));
  const tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon);
  followTray(control, (state) => {
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(state).map((item) => toElectron(item, run))));
  });
  return tray;
}

function toElectron(item: TrayItem, run: (action: TrayAction) => void): MenuItemConstructorOptions {
  switch (item.kind) {
    case 'label':
      return { label: item.label, enabled: false };
    case 'separator':
      return { type: 'separator' };
    case 'action':
      return { label: item.label, enabled: item.enabled ?? true, click: () => run(item.action) };
    case 'radio':
      return { label: item.label, type: 'radio', checked: item.checked, click: () => run(item.action) };
    case 'submenu':
      return { label: item.label, submenu: item.items.map((child) => toElectron(child, run)) };
  }
}
