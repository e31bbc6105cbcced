// The main window, locked down: context isolation, sandbox, no Node in the renderer, no navigation away from
// the app, no new windows, no permission granted or even reported, DevTools only in development, and only the
// project's own links opened in the user's browser.
import { join } from 'node:path';
import type { BrowserWindow } from 'electron';
import type { ElectronApi } from './electron-api';
import { isExternalLink } from './external-links';

/** The files the window loads, relative to the bundled main (out/main): the renderer, the preload, the icon. */
export function appFiles(outDir: string): { renderer: string; preload: string; icon: string } {
  return {
    renderer: join(outDir, '../renderer/index.html'),
    preload: join(outDir, '../preload/index.js'),
    icon: join(outDir, '../../resources/icons/512x512.png'),
  };
}

export function createMainWindow(
  { BrowserWindow, shell }: Pick<ElectronApi, 'BrowserWindow' | 'shell'>,
  files: ReturnType<typeof appFiles>,
  devServer: string | undefined,
  devTools: boolean,
): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Chaoslab',
    icon: files.icon,
    webPreferences: {
      preload: files.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools,
    },
  });
  const wc = win.webContents;
  wc.setWindowOpenHandler(({ url }) => {
    // The project's own links open in the user's browser; nothing opens inside the app.
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (e) => e.preventDefault());
  wc.on('will-redirect', (e) => e.preventDefault());
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  wc.session.setPermissionCheckHandler(() => false);
  win.once('ready-to-show', () => win.show());
  if (devServer) void win.loadURL(devServer);
  else void win.loadFile(files.renderer);
  return win;
}
