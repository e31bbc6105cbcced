// The IPC handler table, free of Electron: channel → (payload, ctx) → Reply. Every call is checked against the
// sender policy, its payload validated with the shared validators, and errors are returned as Reply values
// that name the offending field. src/main/index.ts binds this table to ipcMain; the e2e tests bind it to a page.
import type { Channel, EventName, Events, Reply, Req, Res } from '../../shared/ipc';
import { PATH_FIELDS } from '../../shared/config';
import { IpcError, validators } from '../../shared/ipc';
import type { WorkbenchService } from '../service/workbench-service';
import { groupRuns } from '../service/compare-groups';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reportDirProblem } from '../reproduce/report';
import type { PdfPrinter } from './export-file';
import { FOLDER_FILTER, newFolder, runFileName, saveExport, saveExportSet } from './export-file';
import type { SenderPolicy } from './sender-policy';

export interface IpcContext {
  senderId: number;
  senderUrl: string;
  /** Push an event to this sender. */
  send<E extends EventName>(event: E, payload: Events[E]): void;
}

/** File choosers (native dialogs in Electron); null when the user cancels. */
export interface FileDialogs {
  /** A save target; the dialog itself asks before an existing file is replaced. */
  saveFile(defaultName: string, filter?: { name: string; extensions: string[] }): Promise<string | null>;
  openFile(): Promise<string | null>;
  /** A directory or a (JSON) file for a config field; `title` names the field. */
  choosePath(kind: 'directory' | 'file', title: string): Promise<string | null>;
}

export interface HandlerDeps {
  service: WorkbenchService;
  policy: SenderPolicy;
  dialogs: FileDialogs;
  /** Runtime versions for the About box (Electron, Chromium, Node, V8). */
  versions: Record<string, string>;
  /** Chromium's print to PDF (Electron's printToPDF in the app); without it PDF export is refused. */
  printPdf?: PdfPrinter;
}

export type Handler = (payload: unknown, ctx: IpcContext) => Promise<Reply<unknown>>;
export type HandlerTable = Record<Channel, Handler>;
type Impl = { [C in Channel]: (req: Req<C>, ctx: IpcContext) => Res<C> | Promise<Res<C>> };

/** A sender's subscriber id in the WorkbenchService (one per webContents). */
export const subscriberOf = (senderId: number): string => `wc${senderId}`;
const subscriberId = (ctx: IpcContext): string => subscriberOf(ctx.senderId);

export function createHandlers({ service, policy, dialogs, versions, printPdf }: HandlerDeps): HandlerTable {
  const impl: Impl = {
    'app.info': () => service.info(versions),
    'presets.list': () => service.presets(),
    'runs.estimate': (r) => service.estimate(r.config),
    'runs.start': async (r) => ({ runId: await service.start(r.config, r.followUp) }),
    'runs.pause': (r) => (service.pause(r.runId), null),
    'runs.resume': (r) => (service.resume(r.runId), null),
    'runs.cancel': (r) => (service.cancel(r.runId), null),
    'runs.continue': async (r) => ({ runId: await service.continueRun(r.runId) }),
    'runs.list': (r) => service.listRuns(r ?? {}),
    'runs.table': () => service.runTable(),
    'runs.get': (r) => service.getRun(r.runId),
    'runs.update': (r) => service.updateRun(r.runId, { name: r.name, tags: r.tags, notes: r.notes }),
    'runs.delete': (r) => (service.deleteRun(r.runId), null),
    'runs.export': async (r) => {
      const run = service.getRun(r.runId);
      const file = await dialogs.saveFile(runFileName(run));
      // The save dialog asked before replacing an existing file; the open database is refused all the same.
      if (file) service.store.exportRun(r.runId, file, { overwrite: true });
      return { file };
    },
    'runs.exportMany': async (r) => {
      const runs = r.runIds.map((id) => service.getRun(id));
      const dir = await newFolder('runs.exportMany', (name, filter) => dialogs.saveFile(name, filter), `${runs.length} Chaoslab runs`);
      if (dir) for (const run of runs) service.store.exportRun(run.id, join(dir, runFileName(run, true)));
      return { dir };
    },
    'runs.import': async () => {
      const file = await dialogs.openFile();
      return { runId: file ? service.importRun(file) : null };
    },
    'runs.subscribe': (r, ctx) => {
      service.subscribe(r.runId, { id: subscriberId(ctx), send: (b) => ctx.send('run.batch', b) });
      return null;
    },
    'runs.unsubscribe': (r, ctx) => (service.unsubscribe(r.runId, subscriberId(ctx)), null),
    'frames.ack': (r, ctx) => (service.ack(r.runId, subscriberId(ctx), r.seq), null),
    'series.read': (r) => service.readSeries(r.runId, r.metrics, r.from, r.to),
    'spectra.read': (r) => service.readSpectra(r.runId, r.from, r.to, r.stride),
    'estimated.read': (r) => service.readEstimatedSpectra(r.runId, r.from, r.to, r.stride),
    'lyapunov.read': (r) => service.readLyapunov(r.runId),
    'replicas.read': (r) => service.readReplicas(r.runId),
    'compare.group': (r) => groupRuns(service.store, r.runIds, r.metrics, r.band),
    'compareViews.list': () => service.compareViews(),
    'compareViews.save': (r) => service.saveCompareView(r.name, r.state),
    'compareViews.delete': (r) => (service.store.deleteCompareView(r.name), null),
    'data.fetchUsps': async () => ({ dir: await service.fetchUsps() }),
    'dialog.choosePath': async (r) => {
      const path = await dialogs.choosePath(PATH_FIELDS[r.field], r.field);
      // Main remembers what its dialog returned: only such paths may come back in a config.
      if (path) service.grantPath(path);
      return { path };
    },
    'export.save': async (r) => ({
      file: await saveExport((name, filter) => dialogs.saveFile(name, filter), r.format, r.name, r.data, service.store.file, printPdf),
    }),
    'export.saveSet': async (r) => ({
      dir: await saveExportSet((name, filter) => dialogs.saveFile(name, filter), r.name, r.files, service.store.file, printPdf),
    }),
    'sweeps.list': () => service.listSweeps(),
    'sweeps.start': (r) => service.startSweep(r.spec, r.jobs, false),
    'sweeps.continue': (r) => service.continueSweep(r.sweepId, r.jobs, r.retryFailed),
    'sweeps.stop': (r) => (service.stopSweep(r.sweepId), null),
    'reproduce.plan': (r) => service.reproducePlan(r),
    'reproduce.start': (r) => service.startReproduction(r.request, r.jobs),
    'reproduce.list': () => service.listReproductions(),
    'reproduce.results': (r) => service.reproductionResults(r.sweepId),
    'reproduce.writeReport': async (r) => {
      const dir = await dialogs.saveFile('reproduce-report', FOLDER_FILTER);
      if (!dir) return { dir: null, files: [] };
      // The save dialog asked before replacing an existing folder: an earlier report there is replaced, other files never.
      const problem = reportDirProblem(dir, existsSync(dir), dir);
      if (problem) throw new IpcError(`reproduce.writeReport: ${problem}; nothing was written`);
      return { dir, files: service.writeReproductionReport(r.sweepId, dir) };
    },
  };

  const table = {} as HandlerTable;
  for (const channel of Object.keys(impl) as Channel[]) {
    const run = impl[channel] as (req: unknown, ctx: IpcContext) => unknown;
    const validate = validators[channel] as (p: unknown) => unknown;
    table[channel] = async (payload, ctx) => {
      const refused = policy.check(ctx);
      if (refused) return { ok: false, error: `${channel}: refused, ${refused}`, fields: [] };
      try {
        return { ok: true, value: await run(validate(payload), ctx) };
      } catch (e) {
        if (e instanceof IpcError) return { ok: false, error: e.message, fields: e.fields };
        return { ok: false, error: e instanceof Error ? e.message : String(e), fields: [] };
      }
    };
  }
  return table;
}
