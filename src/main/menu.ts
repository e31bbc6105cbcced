// The application menu: File (New run, Open database…, Import run…, Export…, Quit), View (every view with its
// Ctrl+N, shared/views.ts; DevTools in development only), Help → About.
import type { Menu, MenuItemConstructorOptions } from 'electron';
import type { ElectronApi } from './electron-api';
import type { MenuCommand } from '../shared/ipc';
import { VIEWS } from '../shared/views';

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
        ...VIEWS.map((v, i) => ({ label: v.label, accelerator: `CmdOrCtrl+${i + 1}`, click: () => a.command(v.command) })),
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
