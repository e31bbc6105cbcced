// PDF export in the app: Chromium's print of a figure's SVG (vector, text kept as text) in a hidden, sandboxed
// window with JavaScript off that loads nothing but the document it is given.
import type { ElectronApi } from './electron-api';
import type { PdfPrinter } from './ipc/export-file';
import { printHtml } from './ipc/export-file';

export const pdfPrinter =
  (BrowserWindow: ElectronApi['BrowserWindow']): PdfPrinter =>
  async (svg, size) => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true },
    });
    const wc = win.webContents;
    wc.on('will-navigate', (e) => e.preventDefault());
    wc.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    try {
      await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(printHtml(svg, size))}`);
      return await wc.printToPDF({
        pageSize: { width: size.width / 72, height: size.height / 72 },
        margins: { top: 0, bottom: 0, left: 0, right: 0 },
        printBackground: true,
        preferCSSPageSize: true,
      });
    } finally {
      win.destroy();
    }
  };
