// The part of Electron's main-process API the app uses. The app passes the real module (index.ts); the boot
// test passes a recording stand-in, so that the boot sequence runs under Node where no window can open.
import type * as Electron from 'electron';

export type ElectronApi = Pick<typeof Electron, 'app' | 'BrowserWindow' | 'Menu' | 'dialog' | 'ipcMain' | 'shell'>;
