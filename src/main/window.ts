// The main window, locked down: context isolation, sandbox, no Node in the renderer, no navigation away from
// the app, no new windows, no permission granted or even reported, DevTools only in development, and only the
// project's own links opened in the user's browser.
import { join } from 'node:path';
import { BrowserWindow, shell } from 'electron';
import { isExternalLink } from './external-links';

export const RENDERER_FILE = join(__dirname, '../renderer/index.html');
/** The window's icon (resources/, beside out/ in the checkout). */
export const ICON_FILE = join(__dirname, '../../resources/icons/512x512.png');

export function createMainWindow(devServer: string | undefined, devTools: boolean): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Chaoslab',
    icon: ICON_FILE,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
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
  else void win.loadFile(RENDERER_FILE);
  return win;
}
