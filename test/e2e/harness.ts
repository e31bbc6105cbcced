// Drives the built renderer (out/renderer) in Debian's headless Chromium, wired to a real WorkbenchService and
// SQLite file through the same handler table main registers with ipcMain. Only the transport differs:
// page.exposeBinding carries invoke calls to the handler table in this Node process, and events are pushed
// with page.evaluate. Typed arrays are tagged on the way (Playwright's serializer would flatten them).
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Channel, EventName, Events, Reply } from '../../src/shared/ipc';
import type { PageSize, PdfPrinter } from '../../src/main/ipc/export-file';
import { printHtml } from '../../src/main/ipc/export-file';
import type { FileDialogs, HandlerTable, IpcContext } from '../../src/main/ipc/handlers';
import { createHandlers } from '../../src/main/ipc/handlers';
import { SenderPolicy } from '../../src/main/ipc/sender-policy';
import { WorkbenchService } from '../../src/main/service/workbench-service';

export const ROOT = resolve(__dirname, '../..');
export const OUTPUT = join(ROOT, 'test-output');
const RENDERER = join(ROOT, 'out/renderer');
export const ORIGIN = 'http://chaoslab.test';
const SENDER_ID = 1;
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** `electron-vite build`: main, preload and renderer bundles under out/. */
export function buildApp(): void {
  execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'pipe' });
}

type Tagged = { __ta: string; d: number[] };
function encode(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return { __ta: v.constructor.name, d: Array.from(v as unknown as ArrayLike<number>) } satisfies Tagged;
  if (Array.isArray(v)) return v.map(encode);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

/**
 * Runs in the page before the app: the bridge the preload script would expose, over the test transport.
 * Plain JavaScript text, so that no transpiler helper leaks into the page.
 */
const BRIDGE_SCRIPT = `(() => {
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      if (v.__ta) return new globalThis[v.__ta](v.d);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
    }
    return v;
  };
  const listeners = new Map();
  window.__chaoslabEmit = (event, payload) => listeners.get(event)?.forEach((l) => l(decode(payload)));
  const invoke = window.__chaoslabInvoke;
  window.chaoslabBridge = {
    invoke: (channel, payload) => invoke(channel, payload).then(decode),
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  };
})();`;

type Push = <E extends EventName>(event: E, payload: Events[E]) => void;
/** Carries one invoke from the page to a handler table; `push` delivers events to the page. */
type Invoke = (channel: Channel, payload: unknown, senderUrl: string, push: Push) => Promise<Reply<unknown>>;

/** Fresh Chromium profile, the built renderer served under ORIGIN, the bridge installed, the app loaded. */
async function launchPage(dir: string, invoke: Invoke): Promise<{ context: BrowserContext; page: Page; push: Push; errors: string[] }> {
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 1100 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = join(RENDERER, path === '/' ? 'index.html' : path);
    if (!file.startsWith(RENDERER)) return route.fulfill({ status: 403 });
    try {
      return route.fulfill({ status: 200, body: readFileSync(file), contentType: MIME[extname(file)] ?? 'application/octet-stream' });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  const push: Push = (event, payload) => {
    if (!page.isClosed())
      page
        .evaluate(([e, p]) => (globalThis as unknown as { __chaoslabEmit(e: unknown, p: unknown): void }).__chaoslabEmit(e, p), [
          event,
          encode(payload),
        ] as const)
        .catch(() => {});
  };
  await page.exposeBinding('__chaoslabInvoke', async (source, channel: Channel, payload: unknown) =>
    encode(await invoke(channel, payload, source.frame.url(), push)),
  );
  await page.addInitScript({ content: BRIDGE_SCRIPT });
  await page.goto(`${ORIGIN}/index.html`);
  return { context, page, push, errors };
}

/**
 * Chromium's print to PDF as the app does it (Electron's printToPDF of main's print document, src/main/print-pdf.ts),
 * here through Playwright's page.pdf in a page of `context`: the same engine and document, another binding.
 */
export const chromiumPrinter =
  (context: () => BrowserContext): PdfPrinter =>
  async (svg: string, size: PageSize) => {
    const page = await context().newPage();
    try {
      await page.setContent(printHtml(svg, size));
      return await page.pdf({ width: `${size.width / 72}in`, height: `${size.height / 72}in`, printBackground: true, preferCSSPageSize: true });
    } finally {
      await page.close();
    }
  };

/** The handler table main registers, over the test transport: sender SENDER_ID, pages under ORIGIN. */
export function testHandlers(service: WorkbenchService, dir: string, dialogs: Partial<FileDialogs> = {}, printPdf?: PdfPrinter): HandlerTable {
  const policy = new SenderPolicy((url) => url.startsWith(`${ORIGIN}/`));
  policy.allow(SENDER_ID);
  return createHandlers({
    service,
    policy,
    dialogs: { saveFile: async (name: string) => join(dir, name), openFile: async () => null, choosePath: async () => null, ...dialogs },
    versions: { node: process.versions.node, chromium: 'headless test' },
    printPdf,
  });
}
export const contextFor = (senderUrl: string, send: IpcContext['send']): IpcContext => ({ senderId: SENDER_ID, senderUrl, send });

export interface Workbench {
  dir: string;
  dbFile: string;
  service: WorkbenchService;
  handlers: HandlerTable;
  context: BrowserContext;
  page: Page;
  /** Push an event to the page, as main does (e.g. a menu command). */
  push: Push;
  close(): Promise<void>;
}

/** The WorkbenchService and handler table in this process, the renderer in Chromium; a new database unless `dbFile`. */
export async function openWorkbench(opts: { dialogs?: Partial<FileDialogs>; dbFile?: string } = {}): Promise<Workbench> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-e2e-'));
  const dbFile = opts.dbFile ?? join(dir, 'lab.db');
  const service = new WorkbenchService(dbFile);
  let browser: BrowserContext | null = null;
  const handlers = testHandlers(
    service,
    dir,
    opts.dialogs,
    chromiumPrinter(() => browser!),
  );
  let pushToPage: Push = () => {};
  service.on('status', (e) => pushToPage('run.status', e));
  const { context, page, push, errors } = await launchPage(dir, (channel, payload, url, push) => handlers[channel](payload, contextFor(url, push)));
  browser = context;
  pushToPage = push;
  return {
    dir,
    dbFile,
    service,
    handlers,
    context,
    page,
    push,
    async close() {
      await context.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
      if (errors.length) throw new Error(`page errors:\n${errors.join('\n')}`);
    },
  };
}

export interface LoopDelay {
  maxMs: number;
  p99Ms: number;
  meanMs: number;
}
export interface ForkedWorkbench {
  dir: string;
  dbFile: string;
  page: Page;
  /** Start, or stop and report, the event-loop delay monitor of the main stand-in process. */
  monitor(on: true): Promise<null>;
  monitor(on: false): Promise<LoopDelay>;
  close(): Promise<void>;
}

/**
 * The WorkbenchService and handler table in a process of their own (test/e2e/main-host.ts), as in Electron where main
 * is not the renderer's process: invokes and events cross Node's IPC channel with structured-clone serialization.
 */
export async function openForkedWorkbench(): Promise<ForkedWorkbench> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-e2e-'));
  const dbFile = join(dir, 'lab.db');
  const host = fork(join(__dirname, 'main-host.ts'), [dbFile, dir], { execArgv: ['--require', 'tsx/cjs'], serialization: 'advanced' });
  let nextId = 0;
  const pending = new Map<number, (m: HostMessage) => void>();
  let pushToPage: Push = () => {};
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    host.once('exit', (code) => rejectReady(new Error(`main-host exited with code ${code}`)));
    host.on('message', (m: HostMessage) => {
      if (m.type === 'ready') resolveReady();
      else if (m.type === 'event') pushToPage(m.event, m.payload as never);
      else {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
      }
    });
  });
  await ready;
  const request = (m: HostRequest): Promise<HostMessage> =>
    new Promise((r) => {
      const id = nextId++;
      pending.set(id, r);
      host.send({ ...m, id });
    });
  const { context, page, push, errors } = await launchPage(dir, async (channel, payload, url) => {
    const m = await request({ type: 'invoke', id: 0, channel, payload, url });
    return m.type === 'reply' ? m.reply : { ok: false, error: 'main-host: unexpected answer', fields: [] };
  });
  pushToPage = push;
  return {
    dir,
    dbFile,
    page,
    monitor: (async (on: boolean) => {
      const m = await request({ type: 'monitor', id: 0, on });
      return m.type === 'stats' ? m.stats : null;
    }) as ForkedWorkbench['monitor'],
    async close() {
      try {
        await context.close();
        await request({ type: 'close', id: 0 });
      } finally {
        host.disconnect();
        rmSync(dir, { recursive: true, force: true });
      }
      if (errors.length) throw new Error(`page errors:\n${errors.join('\n')}`);
    },
  };
}

/** Messages to and from test/e2e/main-host.ts. */
export type HostRequest =
  | { type: 'invoke'; id: number; channel: Channel; payload: unknown; url: string }
  | { type: 'monitor'; id: number; on: boolean }
  | { type: 'close'; id: number };
export type HostMessage =
  | { type: 'ready' }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'stats'; id: number; stats: LoopDelay }
  | { type: 'closed'; id: number }
  | { type: 'monitoring'; id: number };

/** A full-page screenshot of the 1440 px wide window, for review, in test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(join(OUTPUT, 'screenshots'), { recursive: true });
  const file = join(OUTPUT, 'screenshots', `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Fill the New-run form: field path → text. */
export async function fillForm(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [path, value] of Object.entries(fields)) {
    const el = page.locator(`[name="${path}"]`);
    if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
    else await el.fill(value);
  }
}

/** A small, fast run: a few hundred samples, tests on 200 images. */
export const SMALL_RUN = { 'data.trainLimit': '400', 'data.testEvery': '50', 'data.testLimit': '200', checkpointEvery: '100' };
