// The app's boot sequence: single instance, one database (another chosen when it cannot be opened), the IPC
// handler table bound to ipcMain (one handler per channel), the application menu, one locked-down window.
// Electron comes in as a parameter (index.ts passes the module), so the sequence is tested under Node against a
// recording stand-in (test/main/boot.test.ts). Everything else lives in Electron-free modules.
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { EventName, Events, MenuCommand } from '../shared/ipc';
import { CHANNELS } from '../shared/ipc';
import type { HandlerTable, IpcContext } from './ipc/handlers';
import { createHandlers, subscriberOf } from './ipc/handlers';
import { SenderPolicy, appUrlMatcher } from './ipc/sender-policy';
import type { ElectronApi } from './electron-api';
import { buildMenu } from './menu';
import { pdfPrinter } from './print-pdf';
import { WorkbenchService } from './service/workbench-service';
import { RunStore } from './store/run-store';
import { appFiles, createMainWindow } from './window';

const DB_FLAG = '--db=';

export interface BootEnv {
  /** The folder of the bundled main (out/main): the renderer, preload and icon are found from it. */
  outDir: string;
  argv: string[];
  env: Record<string, string | undefined>;
  versions: Record<string, string | undefined>;
}

/** Start the app, or quit when another instance runs (it is focused instead). */
export function boot(electron: ElectronApi, boot: BootEnv): void {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) app.quit();
  else main(electron, boot);
}

function main(electron: ElectronApi, { outDir, argv, env, versions: v }: BootEnv): void {
  const { app, dialog, ipcMain, Menu, BrowserWindow } = electron;
  const files = appFiles(outDir);
  const devServer = !app.isPackaged ? env.ELECTRON_RENDERER_URL : undefined;
  const policy = new SenderPolicy(appUrlMatcher(files.renderer, devServer));
  const versions = { electron: v.electron ?? '', chrome: v.chrome ?? '', node: v.node ?? '', v8: v.v8 ?? '' };
  const printPdf = pdfPrinter(BrowserWindow);
  let win: BrowserWindow | null = null;
  let service: WorkbenchService;
  let handlers: HandlerTable;

  const send = <E extends EventName>(event: E, payload: Events[E]): void => {
    if (win && !win.isDestroyed()) win.webContents.send(event, payload);
  };
  const command = (c: MenuCommand): void => send('menu.command', { command: c });
  const dialogs = {
    async saveFile(defaultName: string, filter = { name: 'Chaoslab run', extensions: ['chaoslab'] }): Promise<string | null> {
      // Linux asks before replacing an existing file only when told to; the handlers rely on that confirmation.
      const r = await dialog.showSaveDialog({ defaultPath: defaultName, filters: [filter], properties: ['showOverwriteConfirmation'] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async openFile(): Promise<string | null> {
      const r = await dialog.showOpenDialog({ properties: ['openFile'], filters: [{ name: 'Chaoslab run', extensions: ['chaoslab', 'db'] }] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async choosePath(kind: 'directory' | 'file', title: string): Promise<string | null> {
      const r = await dialog.showOpenDialog({
        title: `Choose ${title}`,
        properties: [kind === 'directory' ? 'openDirectory' : 'openFile'],
        filters:
          kind === 'file'
            ? [
                { name: 'JSON', extensions: ['json'] },
                { name: 'All files', extensions: ['*'] },
              ]
            : [],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
  /** A WorkbenchService on `file`, or null after telling the user why that database cannot be opened. */
  const tryService = (file: string): WorkbenchService | null => {
    try {
      return new WorkbenchService(file);
    } catch (e) {
      dialog.showErrorBox('Cannot open the database', e instanceof Error ? e.message : String(e));
      return null;
    }
  };
  const useService = (next: WorkbenchService): void => {
    service = next;
    service.on('status', (e) => send('run.status', e));
    handlers = createHandlers({ service, policy, dialogs, versions, printPdf });
  };
  const chooseDatabase = async (): Promise<string | null> => {
    const r = await dialog.showOpenDialog({ properties: ['openFile', 'promptToCreate'], filters: [{ name: 'Chaoslab database', extensions: ['db'] }] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };

  const context = (e: IpcMainInvokeEvent): IpcContext => ({
    senderId: e.sender.id,
    senderUrl: e.senderFrame?.url ?? '',
    send: (event, payload) => {
      if (!e.sender.isDestroyed()) e.sender.send(event, payload);
    },
  });

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_e, wc) => wc.setWindowOpenHandler(() => ({ action: 'deny' })));

  app.whenReady().then(async () => {
    const dbArg = argv.find((a) => a.startsWith(DB_FLAG));
    // A database that cannot be opened (newer schema, not Chaoslab's, unwritable) is reported, then another chosen.
    let first = tryService(dbArg ? dbArg.slice(DB_FLAG.length) : RunStore.defaultPath());
    while (!first) {
      const file = await chooseDatabase();
      if (!file) return app.quit();
      first = tryService(file);
    }
    useService(first);
    for (const channel of CHANNELS) ipcMain.handle(channel, (e, payload: unknown) => handlers[channel](payload, context(e)));

    Menu.setApplicationMenu(
      buildMenu(Menu, {
        devTools: !app.isPackaged,
        command,
        quit: () => app.quit(),
        async openDatabase() {
          if (service.liveRuns > 0) {
            dialog.showErrorBox(
              'Runs are still running',
              `${service.liveRuns} run(s) are writing to ${service.dbFile}. Cancel them or let them finish, then open another database.`,
            );
            return;
          }
          const file = await chooseDatabase();
          const next = file ? tryService(file) : null;
          if (!next) return;
          await service.close();
          useService(next);
          command('library');
          command('refresh');
        },
        async importRun() {
          const file = await dialogs.openFile();
          if (!file) return;
          try {
            service.importRun(file);
            command('library');
            command('refresh');
          } catch (e) {
            dialog.showErrorBox('Import failed', e instanceof Error ? e.message : String(e));
          }
        },
      }),
    );

    win = createMainWindow(electron, files, devServer, !app.isPackaged);
    const id = win.webContents.id;
    policy.allow(id);
    win.on('closed', () => {
      policy.forget(id);
      service.unsubscribeAll(subscriberOf(id));
      win = null;
    });
  });

  let closing = false;
  app.on('before-quit', (e) => {
    // No service yet: the user declined to choose a database at start-up.
    if (closing || service === undefined) return;
    // Cancel live runs so that each records its final status and checkpoint, then quit for real.
    e.preventDefault();
    closing = true;
    void service.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => app.quit());
}
