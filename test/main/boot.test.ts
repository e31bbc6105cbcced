// The Electron glue's boot sequence under Node, against a recording stand-in of the Electron API (no window can
// open here): single-instance lock, the window's security options and files, one handler per IPC channel, every
// menu command, the database-open failure path, and quitting with the service closed.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from '../../src/main/boot';
import type { ElectronApi } from '../../src/main/electron-api';
import { EXTERNAL_LINKS } from '../../src/main/external-links';
import { CHANNELS, MENU_COMMANDS, type Reply } from '../../src/shared/ipc';
import { VIEWS } from '../../src/shared/views';
import { buildApp } from '../e2e/harness';
import { ROOT } from '../helpers/fixtures';

const OUT = join(ROOT, 'out/main');
const dir = mkdtempSync(join(tmpdir(), 'chaoslab-boot-'));
beforeAll(() => {
  // The window's preload and renderer are the built ones (out/): build once when a plain `npm test` has not.
  if (!existsSync(join(ROOT, 'out/preload/index.js'))) buildApp();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Fn = (...args: never[]) => unknown;
interface Item {
  label?: string;
  role?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: Item[];
}

/** A recording stand-in of the part of Electron the app uses; `answers` are what the open dialogs return, in order. */
function standIn(o: { lock?: boolean; isPackaged?: boolean; answers?: (string | null)[] }) {
  const log: string[] = [];
  const appEvents = new Map<string, Fn[]>();
  const handlers = new Map<string, Fn>();
  const windows: FakeWindow[] = [];
  const errorBoxes: { title: string; text: string }[] = [];
  const sent: { channel: string; payload: unknown }[] = [];
  const answers = [...(o.answers ?? [])];
  let menu: Item[] | null = null;
  let ready!: () => void;
  const whenReady = new Promise<void>((r) => (ready = r));
  let ids = 0;

  class FakeWebContents {
    readonly id = ++ids;
    readonly listeners = new Map<string, Fn>();
    openHandler: ((d: { url: string }) => { action: string }) | null = null;
    permissionRequest: Fn | null = null;
    permissionCheck: Fn | null = null;
    session = {
      setPermissionRequestHandler: (f: Fn) => void (this.permissionRequest = f),
      setPermissionCheckHandler: (f: Fn) => void (this.permissionCheck = f),
    };
    setWindowOpenHandler(f: (d: { url: string }) => { action: string }): void {
      this.openHandler = f;
    }
    on(event: string, f: Fn): void {
      this.listeners.set(event, f);
    }
    send(channel: string, payload: unknown): void {
      sent.push({ channel, payload });
    }
    isDestroyed = (): boolean => false;
  }
  class FakeWindow {
    readonly webContents = new FakeWebContents();
    loaded = '';
    constructor(readonly options: { webPreferences: Record<string, unknown>; icon?: string }) {
      windows.push(this);
      log.push('BrowserWindow');
    }
    once(): void {}
    on(): void {}
    isDestroyed = (): boolean => false;
    loadFile(f: string): Promise<void> {
      this.loaded = f;
      return Promise.resolve();
    }
    loadURL(u: string): Promise<void> {
      this.loaded = u;
      return Promise.resolve();
    }
  }
  const openDialog = async (): Promise<{ canceled: boolean; filePaths: string[] }> => {
    const a = answers.shift() ?? null;
    log.push(`open dialog → ${a}`);
    return a ? { canceled: false, filePaths: [a] } : { canceled: true, filePaths: [] };
  };
  const api = {
    app: {
      isPackaged: o.isPackaged ?? true,
      requestSingleInstanceLock: () => (log.push('requestSingleInstanceLock'), o.lock ?? true),
      quit: () => void log.push('quit'),
      on: (event: string, f: Fn) => void appEvents.set(event, [...(appEvents.get(event) ?? []), f]),
      whenReady: () => whenReady,
    },
    BrowserWindow: FakeWindow,
    ipcMain: {
      handle: (channel: string, f: Fn) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, f);
      },
    },
    Menu: { buildFromTemplate: (t: Item[]) => ({ t }), setApplicationMenu: (m: { t: Item[] }) => void (menu = m.t) },
    dialog: {
      showErrorBox: (title: string, text: string) => void errorBoxes.push({ title, text }),
      showOpenDialog: openDialog,
      showSaveDialog: async () => ({ canceled: true }),
    },
    shell: { openExternal: async (url: string) => void log.push(`openExternal ${url}`) },
  };
  const emit = (event: string, ...args: unknown[]): void => appEvents.get(event)?.forEach((f) => (f as (...a: unknown[]) => void)(...args));
  return {
    electron: api as unknown as ElectronApi,
    log,
    handlers,
    windows,
    errorBoxes,
    sent,
    menu: () => menu,
    emit,
    /** Let whenReady resolve and wait until the boot has created its window (or quit). */
    async start(): Promise<void> {
      ready();
      for (let i = 0; i < 200 && !windows.length && !log.includes('quit'); i++) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

function bootWith(s: ReturnType<typeof standIn>, db: string): void {
  boot(s.electron, { outDir: OUT, argv: ['electron', '.', `--db=${db}`], env: {}, versions: process.versions });
}

/** Quit as the app does: before-quit cancels live runs and closes the store, then quits for real. */
async function quit(s: ReturnType<typeof standIn>): Promise<void> {
  let prevented = false;
  s.emit('before-quit', { preventDefault: () => (prevented = true) });
  expect(prevented).toBe(true);
  for (let i = 0; i < 200 && !s.log.includes('quit'); i++) await new Promise((r) => setTimeout(r, 10));
  expect(s.log).toContain('quit');
}

const items = (menu: Item[]): Item[] => menu.flatMap((m) => [m, ...items(m.submenu ?? [])]);

describe('boot sequence against a recording Electron stand-in', () => {
  it('a second instance quits at once, opening nothing', async () => {
    const s = standIn({ lock: false });
    bootWith(s, join(dir, 'second.db'));
    await s.start();
    expect(s.log).toEqual(['requestSingleInstanceLock', 'quit']);
    expect(s.handlers.size).toBe(0);
    expect(s.windows).toHaveLength(0);
  });

  it('opens one locked-down window on the built files, one handler per channel, and every menu command', async () => {
    const db = join(dir, 'lab.db');
    const s = standIn({ isPackaged: true });
    bootWith(s, db);
    await s.start();
    expect(s.windows).toHaveLength(1);
    const win = s.windows[0];
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      devTools: false,
    });
    for (const file of [win.options.webPreferences.preload as string, win.loaded, win.options.icon!]) expect(existsSync(file), file).toBe(true);
    expect(win.loaded).toBe(join(ROOT, 'out/renderer/index.html'));

    // Navigation, new windows and permissions: all refused; only the project's own links reach the browser.
    const wc = win.webContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      (wc.listeners.get(event) as (e: { preventDefault(): void }) => void)({ preventDefault: () => (prevented = true) });
      expect(prevented, event).toBe(true);
    }
    expect(wc.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: EXTERNAL_LINKS[0] })).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    expect(s.log.filter((l) => l.startsWith('openExternal'))).toEqual([`openExternal ${EXTERNAL_LINKS[0]}`]);
    expect((wc.permissionCheck as () => boolean)()).toBe(false);
    let granted: boolean | null = null;
    (wc.permissionRequest as (w: unknown, p: string, cb: (ok: boolean) => void) => void)(wc, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);

    // Exactly one handler per channel of the shared channel map, answering our window and refusing others.
    expect([...s.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    const event = (senderId: number) => ({
      sender: { id: senderId, isDestroyed: () => false, send: () => {} },
      senderFrame: { url: pathToFileURL(win.loaded).href },
    });
    const info = (await (s.handlers.get('app.info') as (e: unknown, p: unknown) => Promise<Reply<{ dbFile: string }>>)(event(wc.id), null)) as Reply<{
      dbFile: string;
    }>;
    expect(info).toMatchObject({ ok: true, value: { dbFile: db } });
    const stranger = (await (s.handlers.get('app.info') as (e: unknown, p: unknown) => Promise<Reply<unknown>>)(event(wc.id + 100), null)) as Reply<unknown>;
    expect(stranger.ok).toBe(false);

    // The menu: every command the renderer understands is reachable; a packaged app has no DevTools entry.
    const all = items(s.menu()!);
    expect(all.some((i) => i.role === 'toggleDevTools')).toBe(false);
    for (const i of all) if (i.click && i.label !== 'Quit' && i.label !== 'Open database…' && i.label !== 'Import run…') i.click();
    const commands = new Set(s.sent.filter((m) => m.channel === 'menu.command').map((m) => (m.payload as { command: string }).command));
    expect([...commands].sort()).toEqual(MENU_COMMANDS.filter((c) => c !== 'refresh').sort());
    expect(all.find((i) => i.label === 'Quit')?.accelerator).toBe('CmdOrCtrl+Q');
    // The View menu opens every view with the Ctrl+N the navigation bar shows.
    expect(all.filter((i) => /^CmdOrCtrl\+\d$/.test(String(i.accelerator))).map((i) => `${i.label} ${i.accelerator}`)).toEqual(
      VIEWS.map((v, k) => `${v.label} CmdOrCtrl+${k + 1}`),
    );
    await quit(s);
  });

  it('a development build shows DevTools in the menu and the window', async () => {
    const s = standIn({ isPackaged: false });
    bootWith(s, join(dir, 'dev.db'));
    await s.start();
    expect(items(s.menu()!).some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(s.windows[0].options.webPreferences.devTools).toBe(true);
    await quit(s);
  });

  it('a database that cannot be opened is reported, then another is chosen; declining quits', async () => {
    const bad = join(dir, 'not-a-database.db');
    writeFileSync(bad, 'this is not SQLite, it is a text file that only looks like a database by name\n'.repeat(200));
    const good = join(dir, 'chosen.db');
    const s = standIn({ answers: [good] });
    bootWith(s, bad);
    await s.start();
    expect(s.errorBoxes).toHaveLength(1);
    expect(s.errorBoxes[0].title).toBe('Cannot open the database');
    expect(s.errorBoxes[0].text).toContain(bad);
    expect(s.windows).toHaveLength(1);
    const wc = s.windows[0].webContents;
    const info = (await (s.handlers.get('app.info') as (e: unknown, p: unknown) => Promise<Reply<{ dbFile: string }>>)(
      { sender: { id: wc.id, isDestroyed: () => false, send: () => {} }, senderFrame: { url: pathToFileURL(s.windows[0].loaded).href } },
      null,
    )) as Reply<{ dbFile: string }>;
    expect(info).toMatchObject({ ok: true, value: { dbFile: good } });
    await quit(s);

    const declined = standIn({ answers: [null] });
    bootWith(declined, bad);
    await declined.start();
    expect(declined.errorBoxes).toHaveLength(1);
    expect(declined.windows).toHaveLength(0);
    expect(declined.handlers.size).toBe(0);
    expect(declined.log.at(-1)).toBe('quit');
    // No service was opened: quitting needs no clean-up.
    let prevented = false;
    declined.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
