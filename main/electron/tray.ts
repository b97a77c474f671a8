/** The tray icon and its menu, rebuilt from the control snapshot whenever the state changes. */
import path from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { ControlService } from '../control/control-service';
import { trayMenu, trayTooltip, type TrayAction, type TrayItem } from '../desktop/tray-menu';

export function createTray(control: ControlService, iconDir: string, run: (action: TrayAction) => void): Tray {
  const icon = nativeImage.createFromPath(path.join(iconDir, 'tray.png'));
  const tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon);
  const refresh = (): void => {
    const snapshot = control.snapshot();
    tray.setToolTip(trayTooltip(snapshot));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(snapshot).map((item) => toElectron(item, run))));
  };
  refresh();
  control.subscribe((event) => {
    if (event.type !== 'run-event') refresh();
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
