// The application menu: File (New run, Open database…, Import run…, Export…, Quit), View (DevTools in development
// only), Help → About.
import type { Menu, MenuItemConstructorOptions } from 'electron';
import type { ElectronApi } from './electron-api';
import type { MenuCommand } from '../shared/ipc';

export interface MenuActions {
  /** Development builds only: View → Toggle Developer Tools. */
  devTools: boolean;
  command(c: MenuCommand): void;
  openDatabase(): void;
  importRun(): void;
  quit(): void;
}

export function buildMenu(menu: ElectronApi['Menu'], a: MenuActions): Menu {
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'New run', accelerator: 'CmdOrCtrl+N', click: () => a.command('new-run') },
        { label: 'Open database…', accelerator: 'CmdOrCtrl+O', click: () => a.openDatabase() },
        { type: 'separator' },
        { label: 'Import run…', accelerator: 'CmdOrCtrl+I', click: () => a.importRun() },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => a.command('export') },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'New run', accelerator: 'CmdOrCtrl+1', click: () => a.command('new-run') },
        { label: 'Live run', accelerator: 'CmdOrCtrl+2', click: () => a.command('live') },
        { label: 'Library', accelerator: 'CmdOrCtrl+3', click: () => a.command('library') },
        { type: 'separator' },
        { role: 'reload' },
        ...(a.devTools ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: 'Help', submenu: [{ label: 'About Chaoslab', click: () => a.command('about') }] },
  ];
  return menu.buildFromTemplate(template);
}
