// The workbench's back end, free of Electron: owns the RunStore (reads, library edits) and one worker thread
// per running experiment (the worker's engine writes the store). Cost estimates also run in a worker, since
// they time a real spectrum step. Frames from the workers are fanned out to subscribers through
// FrameBatchers; status changes are emitted as 'status' events.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunConfig } from '../../shared/config';
import { formatErrors, validateConfig } from '../../shared/config';
import type { EstimatedSpectrumFrame, LyapunovFrame, ReplicaFrame, RunStatus, SpectrumFrame } from '../../shared/frames';
import type {
  AppInfo,
  CompareState,
  CostEstimate,
  FrameBatch,
  Preset,
  RunDetail,
  RunStatusEvent,
  RunSummary,
  RunTableRow,
  SavedCompareView,
  Series,
  SeriesName,
  ReproductionView,
  SweepView,
} from '../../shared/ipc';
import { parseCompareState } from '../../shared/compare-view';
import { IpcError, PREVIOUS_RUN } from '../../shared/ipc';
import { notContinuable } from '../../shared/frames';
import { PRESETS } from '../../shared/presets';
import { fetchUsps } from '../engine/data/fetch';
import { linalgInfo } from '../engine/linalg/lapack';
import { APP_VERSION } from '../../shared/version';
import { RunStore, type Claim } from '../store/run-store';
import { FrameBatcher } from './frame-batcher';
import { PathGrants } from './path-grants';
import { SweepScheduler } from './sweep-scheduler';
import type { ReproducePlanView, ReproduceRequest, ReproduceResults } from '../../shared/reproduce';
import { planReproduction, planView, reproduceRequestOf } from '../reproduce/plan';
import { epochCounter } from '../sweep/plan';
import { writeReport } from '../reproduce/report';
import { reproductionReport } from '../reproduce/results';
import { RunTable } from './run-table';
import type { ControlMessage, WorkerInput, WorkerMessage } from './worker-protocol';

export interface WorkerEntry {
  file: string;
  execArgv: string[];
}

/** The bundled worker next to the bundled main (electron-vite build), else the TypeScript source through tsx. */
export function defaultWorkerEntry(): WorkerEntry {
  const bundled = join(__dirname, 'run-worker.js');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: resolve(__dirname, '../run-worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
}

export interface Subscriber {
  id: string;
  send(batch: FrameBatch): void;
}

type LiveState = 'running' | 'paused' | 'cancelled';
interface LiveRun {
  runId: string;
  worker: Worker;
  state: LiveState;
  batchers: Map<string, FrameBatcher>;
  done: Promise<RunStatus>;
}

export function validConfig(input: unknown, what = 'config'): RunConfig {
  const v = validateConfig(input);
  if (!v.ok) throw new IpcError(`Invalid ${what}:\n${formatErrors(v.errors)}`, v.errors);
  return v.config;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class WorkbenchService extends EventEmitter<{ status: [RunStatusEvent] }> {
  readonly store: RunStore;
  private readonly live = new Map<string, LiveRun>();
  /** Runs claimed for Continue whose worker has not started yet. */
  private readonly continuing = new Set<string>();
  private readonly estimates = new Map<string, Promise<CostEstimate>>();
  /** Paths a renderer may name in a config (path-grants.ts). */
  private readonly paths = new PathGrants();
  private readonly sweeps: SweepScheduler;
  /** Steps per epoch of the data sets planned for, counted once per session (reading a data set takes ~0.5–1 s). */
  private readonly epochs = epochCounter();
  private readonly table: RunTable;

  constructor(
    readonly dbFile: string,
    private readonly workerEntry: WorkerEntry = defaultWorkerEntry(),
  ) {
    super();
    this.store = RunStore.open(dbFile);
    this.sweeps = new SweepScheduler({
      store: this.store,
      dbFile,
      launch: async (input) => {
        const runId = await this.spawn(input);
        return { runId, done: this.live.get(runId)!.done };
      },
      estimate: (config) => this.estimate(config),
      stepsPerEpoch: (config) => this.epochs.perEpoch(config),
      checkPaths: (config) => this.checkPaths(config),
    });
    this.table = new RunTable(this.store);
  }

  /** About box: versions, the database (and whether it is read-only), the linear-algebra path and the TF.js backend of the latest run. */
  info(versions: Record<string, string>): AppInfo {
    const la = linalgInfo();
    const latest = this.store.list()[0];
    return {
      appVersion: APP_VERSION,
      versions,
      dbFile: this.store.file,
      readonly: this.store.readonly,
      readonlyReason: this.store.readonlyReason,
      backends: [
        `linear algebra: ${la.detail}${la.warning ? ` — ${la.warning}` : ''}`,
        latest ? `TF.js: ${this.store.get(latest.id).env.backend} (latest run)` : 'TF.js: chosen when a run starts',
      ],
    };
  }

  /** Download USPS into `usps/` beside the database (from uspsSource()); resolves with the directory, which configs may then name. */
  async fetchUsps(): Promise<string> {
    const dir = join(dirname(this.store.file), 'usps');
    await fetchUsps(dir);
    this.paths.grant(dir);
    return dir;
  }

  /** A path main's own dialog returned: configs from the renderer may name it from now on. */
  grantPath(path: string): void {
    this.paths.grant(path);
  }

  /** Refuses (naming the field) any path in `config` that main did not hand out, create or store. */
  private checkPaths(config: RunConfig): void {
    this.paths.check(
      config,
      () => this.store.configs(),
      (id) => {
        try {
          this.store.get(id);
          return true;
        } catch {
          return false;
        }
      },
    );
  }

  /** Runs executing in this session's workers. */
  get liveRuns(): number {
    return this.live.size;
  }

  presets(): Preset[] {
    return PRESETS;
  }

  /** Cost estimate of a config, measured in a worker (cached per config). */
  estimate(input: unknown): Promise<CostEstimate> {
    const config = validConfig(input);
    const key = JSON.stringify({ ...config, name: '', tags: [], notes: '' });
    let p = this.estimates.get(key);
    if (!p) {
      p = new Promise<CostEstimate>((resolveEst, rejectEst) => {
        const w = this.worker({ task: 'estimate', config });
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'estimate') resolveEst(m.estimate);
          else if (m.type === 'error') rejectEst(new IpcError(`Cost estimate failed: ${m.message.split('\n')[0]}`));
        });
        w.on('error', (e) => rejectEst(new IpcError(`Cost estimate failed: ${errorText(e)}`)));
        w.on('exit', () => rejectEst(new IpcError('Cost estimate failed: the worker exited')));
      });
      p.catch(() => this.estimates.delete(key));
      this.estimates.set(key, p);
    }
    return p;
  }

  /**
   * Start a run in a new worker; resolves with its id once the engine has created it in the store.
   * `followUp` (validated now) starts when this run finishes, with replicas.lyapunovSource PREVIOUS_RUN → this run's id.
   */
  async start(input: unknown, followUpInput?: unknown): Promise<string> {
    const config = validConfig(input);
    const followUp = followUpInput === undefined ? null : validConfig(followUpInput, 'follow-up config');
    this.store.requireWritable('starting a run');
    this.checkPaths(config);
    if (followUp) this.checkPaths(followUp);
    const runId = await this.spawn({ task: 'run', config, dbFile: this.dbFile });
    if (followUp) {
      void this.live.get(runId)?.done.then((status) => {
        if (status !== 'finished') return;
        const r = followUp.replicas;
        const next: RunConfig = r?.lyapunovSource === PREVIOUS_RUN ? { ...followUp, replicas: { ...r, lyapunovSource: runId } } : followUp;
        this.spawn({ task: 'run', config: next, dbFile: this.dbFile }).catch((e: unknown) =>
          this.emit('status', { runId, status, error: `the follow-up run did not start: ${errorText(e)}` }),
        );
      });
    }
    return runId;
  }

  /**
   * Continue a cancelled, interrupted or failed run from its last checkpoint (from step 0 without one), in a new
   * worker; the steps it logged after that checkpoint are dropped and recomputed, to the same values. The run is
   * claimed first (refused by name while another process writes it); a worker that never starts gives the claim
   * back, leaving the run as it was. The engine refuses other statuses by name.
   */
  async continueRun(runId: string): Promise<string> {
    const r = this.store.get(runId);
    this.refuseIfLive(r.id);
    const refused = notContinuable(r.id, r.status);
    if (refused) throw new IpcError(refused);
    const claim: Claim = this.store.claimRun(r.id);
    this.continuing.add(r.id);
    try {
      return await this.spawn({ task: 'continue', resumeId: r.id, dbFile: this.dbFile });
    } catch (e) {
      this.store.releaseClaim(r.id, claim);
      throw e;
    } finally {
      this.continuing.delete(r.id);
    }
  }

  /** Refuses by name a run this session is running (or about to continue). */
  private refuseIfLive(id: string): void {
    if (this.live.has(id) || this.continuing.has(id))
      throw new IpcError(`Run ${id} is running in this session: cancel it first`, [{ field: 'runId', message: 'is a live run' }]);
  }

  pause(runId: string): void {
    this.control(runId, 'pause');
  }
  resume(runId: string): void {
    this.control(runId, 'resume');
  }
  cancel(runId: string): void {
    this.control(runId, 'cancel');
  }

  /** Resolves with the final status when a live run's worker has ended (null for a run that is not live). */
  async settled(runId: string): Promise<RunStatus | null> {
    return (await this.live.get(this.store.get(runId).id)?.done) ?? null;
  }

  listRuns(filter: { search?: string; tag?: string; status?: RunStatus }): RunSummary[] {
    return this.store.list(filter).map((r) => this.withLiveStatus(r));
  }
  /** The Library's runs table: every run, newest first, with its summary numbers. */
  runTable(): RunTableRow[] {
    return this.table.rows(this.listRuns({}));
  }
  /** Saved Compare views; a stored state that no longer checks out (edited, or from a newer version) is left out. */
  compareViews(): SavedCompareView[] {
    return this.store.listCompareViews().flatMap((v) => {
      let parsed: ReturnType<typeof parseCompareState>;
      try {
        parsed = parseCompareState(JSON.parse(v.state));
      } catch {
        return [];
      }
      return parsed.ok ? [{ name: v.name, state: parsed.state, updatedAt: v.updatedAt }] : [];
    });
  }
  saveCompareView(name: string, state: CompareState): SavedCompareView {
    return { name, state, updatedAt: this.store.saveCompareView(name, JSON.stringify(state)) };
  }
  getRun(runId: string): RunDetail {
    const r = this.store.get(runId);
    return { ...this.withLiveStatus(r), live: this.live.has(r.id) };
  }
  updateRun(runId: string, patch: { name?: string; tags?: string[]; notes?: string }): RunSummary {
    this.store.update(runId, patch);
    return this.getRun(runId);
  }
  deleteRun(runId: string): void {
    const id = this.store.get(runId).id;
    this.refuseIfLive(id);
    this.store.delete(id);
  }
  importRun(file: string): string {
    return this.store.importRun(file).id;
  }
  readSeries(runId: string, metrics: SeriesName[], from?: number, to?: number): Record<string, Series> {
    const out: Record<string, Series> = {};
    for (const m of metrics) out[m] = this.store.readSeries(runId, m, { from, to });
    return out;
  }
  readSpectra(runId: string, from?: number, to?: number, stride?: number): SpectrumFrame[] {
    return this.store.readSpectra(runId, { from, to, stride });
  }
  readEstimatedSpectra(runId: string, from?: number, to?: number, stride?: number): EstimatedSpectrumFrame[] {
    return this.store.readEstimatedSpectra(runId, { from, to, stride });
  }
  readLyapunov(runId: string): LyapunovFrame[] {
    return this.store.readLyapunov(runId);
  }
  readReplicas(runId: string): ReplicaFrame[] {
    return this.store.readReplicas(runId);
  }

  subscribe(runId: string, sub: Subscriber): void {
    const run = this.live.get(runId);
    if (!run) return;
    run.batchers.get(sub.id)?.close();
    run.batchers.set(sub.id, new FrameBatcher(runId, (b) => sub.send(b)));
  }
  unsubscribe(runId: string, subscriberId: string): void {
    const run = this.live.get(runId);
    run?.batchers.get(subscriberId)?.close();
    run?.batchers.delete(subscriberId);
  }
  /** Drop a subscriber from every run (its window closed). */
  unsubscribeAll(subscriberId: string): void {
    for (const runId of this.live.keys()) this.unsubscribe(runId, subscriberId);
  }
  ack(runId: string, subscriberId: string, seq: number): void {
    this.live.get(runId)?.batchers.get(subscriberId)?.ack(seq);
  }

  /** Sweeps with their runs (live runs with their live state) — newest first. */
  listSweeps(): SweepView[] {
    return this.store.sweeps.list().map((s) => ({
      ...s,
      runs: s.runs.map((r) => (r.runId && r.status ? { ...r, status: this.withLiveStatus({ id: r.runId, status: r.status }).status } : r)),
      live: this.sweeps.isLive(s.id),
      note: this.sweeps.note(s.id),
    }));
  }
  /** Validate, record and start a sweep (or continue it, when the same spec was started before). */
  startSweep(spec: unknown, jobs: number, retryFailed: boolean): Promise<{ sweepId: string; runs: number }> {
    return this.sweeps.start(spec, jobs, retryFailed);
  }
  continueSweep(sweepId: string, jobs: number, retryFailed: boolean): Promise<{ sweepId: string; runs: number }> {
    return this.sweeps.continue(sweepId, jobs, retryFailed);
  }
  /** A reproduction request as a sweep, every data folder checked against the grants before anything reads it. */
  private reproduction(req: ReproduceRequest): ReturnType<typeof planReproduction> {
    return planReproduction(req, (c) => this.checkPaths(c));
  }
  reproducePlan(req: ReproduceRequest): ReproducePlanView {
    return planView(this.reproduction(req), this.epochs.perEpoch);
  }
  /** Run a reproduction through the sweep scheduler, failed runs retried as `lab reproduce` does; the same request continues it. */
  startReproduction(req: ReproduceRequest, jobs: number): Promise<{ sweepId: string; runs: number }> {
    this.store.requireWritable('starting a reproduction');
    return this.sweeps.run(this.reproduction(req).sweep, jobs, true);
  }
  /** The sweeps that reproduce the paper (made here or by `lab reproduce`), newest first. */
  listReproductions(): ReproductionView[] {
    return this.listSweeps().flatMap((s) => {
      const request = reproduceRequestOf(this.store.sweeps.get(s.id).spec);
      return request ? [{ ...s, request }] : [];
    });
  }
  /** A finished reproduction's summary and figures (the report's SVGs). */
  reproductionResults(sweepId: string): ReproduceResults {
    const { summary, figures } = reproductionReport(this.store, sweepId);
    return { summary, figures: figures.map(({ id, title, svg }) => ({ id, title, svg })) };
  }
  /** Write the report folder `lab reproduce --out dir` writes; returns the file names. */
  writeReproductionReport(sweepId: string, dir: string): string[] {
    const { summary, figures } = reproductionReport(this.store, sweepId);
    return writeReport(dir, summary, figures);
  }
  /** Start no more runs of the sweep and cancel its live runs (the next continue resumes them). */
  stopSweep(sweepId: string): void {
    for (const runId of this.sweeps.stop(sweepId)) this.cancel(runId);
  }

  /** Cancel every live run, wait for the workers (each records what it has), close the store. */
  async close(): Promise<void> {
    this.sweeps.stopAll();
    const runs = [...this.live.values()];
    for (const r of runs) r.worker.postMessage({ type: 'cancel' } satisfies ControlMessage);
    await Promise.all(runs.map((r) => r.done));
    this.store.close();
  }

  private withLiveStatus<T extends { id: string; status: RunStatus }>(r: T): T {
    const state = this.live.get(r.id)?.state;
    return state === 'running' || state === 'paused' ? { ...r, status: state } : r;
  }

  private control(runId: string, type: ControlMessage['type']): void {
    const run = this.live.get(runId);
    if (!run) throw new IpcError(`Run ${runId} is not running in this session`, [{ field: 'runId', message: 'is not a live run' }]);
    run.worker.postMessage({ type } satisfies ControlMessage);
  }

  private worker(input: WorkerInput): Worker {
    return new Worker(this.workerEntry.file, { workerData: input, execArgv: this.workerEntry.execArgv });
  }

  private spawn(input: Extract<WorkerInput, { dbFile: string }>): Promise<string> {
    const worker = this.worker(input);
    return new Promise<string>((resolveStart, rejectStart) => {
      let run: LiveRun | null = null;
      let failure: string | null = null;
      let result: { status: RunStatus; error: string | null } | null = null;
      let settle!: (s: RunStatus) => void;
      const done = new Promise<RunStatus>((r) => (settle = r));
      const each = (f: (b: FrameBatcher) => void): void => run?.batchers.forEach(f);

      worker.on('message', (m: WorkerMessage) => {
        switch (m.type) {
          case 'started':
            run = { runId: m.runId, worker, state: 'running', batchers: new Map(), done };
            this.live.set(m.runId, run);
            resolveStart(m.runId);
            this.emit('status', { runId: m.runId, status: 'running', error: null });
            return;
          case 'metrics':
            return each((b) => b.pushMetrics(m.frame));
          case 'spectrum':
            return each((b) => b.pushSpectrum(m.frame));
          case 'estimated':
            return each((b) => b.pushEstimated(m.frame));
          case 'lyapunov':
            return each((b) => b.pushLyapunov(m.frame));
          case 'replicas':
            return each((b) => b.pushReplicas(m.frame));
          case 'progress':
            return each((b) => b.pushProgress(m.progress));
          case 'log':
            return each((b) => b.pushLog(m.line));
          case 'state':
            if (run && run.state !== m.state && run.state !== 'cancelled') {
              run.state = m.state;
              if (m.state !== 'cancelled') {
                this.store.setStatus(run.runId, m.state);
                this.emit('status', { runId: run.runId, status: m.state, error: null });
              }
            }
            return;
          case 'done':
            result = { status: m.status, error: m.error };
            return;
          case 'error':
            failure = m.message;
            return;
          case 'estimate':
            return;
        }
      });
      worker.on('error', (e) => (failure = errorText(e)));
      worker.on('exit', (code) => {
        if (!run) {
          rejectStart(new IpcError(`The run could not start: ${(failure ?? `worker exited with code ${code}`).split('\n')[0]}`));
          settle('failed');
          return;
        }
        const r: LiveRun = run;
        const status: RunStatus = result?.status ?? 'failed';
        const error = result ? result.error : (failure ?? `worker exited with code ${code}`);
        // A crashed worker leaves its run 'running' in the store: record the failure, keep what it logged.
        if (!result) this.store.setStatus(r.runId, 'failed', error);
        r.batchers.forEach((b) => {
          b.flush();
          b.close();
        });
        this.live.delete(r.runId);
        this.emit('status', { runId: r.runId, status, error });
        settle(status);
      });
    });
  }
}
