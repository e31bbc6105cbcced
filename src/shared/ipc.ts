// The IPC contract between main and renderer: channel names, payload and result types, and the validators
// main runs on every incoming payload. No Node or DOM imports here.
import type { FieldError, PathField, RunConfig } from './config';
import { PATH_FIELDS, isPathField } from './config';
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, MetricName, ReplicaFrame, RunEnvironment, RunStatus, SpectrumFrame } from './frames';
import { METRICS, RUN_STATUSES } from './frames';
import { NAME_MAX, TAG_MAX, textLimitErrors } from './limits';
import type { CostEstimate, Progress, RunSummary, RunTableRow, Series } from './records';
import { MAX_RUN_IDS, isRunId } from './records';
import type { CompareState, SavedCompareView } from './compare-view';
import { VIEW_NAME_MAX, parseCompareState } from './compare-view';
import type { GroupDivergence } from './math/divergence';
import type { BandKind, GroupBand } from './math/group';
import type { SweepRecord } from './sweep/records';
import type { PaperFigure } from './presets';
import type { ReproducePlanView, ReproduceRequest, ReproduceResults } from './reproduce';
import { REPRODUCE_MAX_SEEDS } from './reproduce';
import { VIEWS, type ViewCommand } from './views';

export type { BandKind, GroupBand } from './math/group';

export type { CostEstimate, Progress, RunSummary, RunTableRow, Series } from './records';
export type { CompareState, SavedCompareView } from './compare-view';

export interface RunDetail extends RunSummary {
  config: RunConfig;
  env: RunEnvironment;
  /** Names of the stored metric series. */
  series: string[];
  /** Running in a worker of this session (can be paused, resumed, cancelled, subscribed to). */
  live: boolean;
}
export interface Preset {
  id: string;
  /** The heading the New-run form lists it under: the paper's figure, or the study it reruns. */
  group: string;
  title: string;
  description: string;
  config: RunConfig;
  /** Figure 3: the replica stage, started when `config` finishes; its lyapunovSource PREVIOUS_RUN becomes that run's id. */
  followUp: RunConfig | null;
}
export interface AppInfo {
  appVersion: string;
  versions: Record<string, string>;
  dbFile: string;
  /** The database is open read-only (its file, folder or mount cannot be written): browse, compare, export; no writes. */
  readonly: boolean;
  /** Why ("its folder is not writable (EACCES)"), null when writable. */
  readonlyReason: string | null;
  backends: string[];
}
/** One message to the renderer per run, at most 30 per second: metrics, exponents and distances concatenated, spectra drop-to-latest. */
export interface FrameBatch {
  runId: string;
  seq: number;
  metrics: MetricFrame[];
  spectrum: SpectrumFrame | null;
  estimated: EstimatedSpectrumFrame | null;
  lyapunov: LyapunovFrame[];
  replicas: ReplicaFrame[];
  progress: Progress | null;
  env: RunEnvironment | null;
  logs: string[];
  /** Metric frames were dropped while the renderer lagged; re-read the series from the store. */
  resync: boolean;
}
export interface RunStatusEvent {
  runId: string;
  status: RunStatus;
  error: string | null;
}
/** What the application menu (and main after an import or a database switch) asks the renderer to do. */
export type MenuCommand = ViewCommand | 'about' | 'export' | 'refresh';
export const MENU_COMMANDS: readonly MenuCommand[] = [...VIEWS.map((v) => v.command), 'about', 'export', 'refresh'];

export interface GroupResult {
  runIds: string[];
  /** Metric → band over the members that logged it (clipped to the metric's domain). */
  series: Record<string, GroupBand>;
  /** Per ε: the replica distance curves of every member as one group, and the analysis of their mean (DESIGN §2). */
  divergence: (GroupDivergence & { eps: number })[];
}
/** Figure formats; PDF is sent as the figure's SVG document, which main prints to PDF (Chromium's print). */
export type ExportFormat = 'png' | 'svg' | 'pdf' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'svg', 'pdf', 'csv'];
/** Most files in one figure set ('export.saveSet'). */
export const EXPORT_SET_MAX_FILES = 200;
/** Largest export payload accepted (characters of base64 or text). */
export const EXPORT_MAX_CHARS = 64 * 1024 * 1024;

/** Placeholder for replicas.lyapunovSource in a follow-up stage: the run that preceded it. */
export const PREVIOUS_RUN = '$previous';

/** Series a run stores: the metrics, and epoch and wall time (seconds) logged with every metric frame. */
export type SeriesName = MetricName | 'epoch' | 'wall';
export const isSeriesName = (m: unknown): m is SeriesName => typeof m === 'string' && (m in METRICS || m === 'epoch' || m === 'wall');

export type SeriesFilter = { search?: string; tag?: string; status?: RunStatus };

/** A sweep in the Library: its runs, and whether this session is running it (scheduling its runs in workers). */
export interface SweepView extends SweepRecord {
  live: boolean;
  /** Why a run of it could not start in this session, if one could not. */
  note: string | null;
}
/** A reproduction of the paper stored in the database (a sweep made by `lab reproduce` or the Reproduce view). */
export interface ReproductionView extends SweepView {
  request: ReproduceRequest;
}
/** Most runs of one sweep that may run at once in the app. */
export const MAX_SWEEP_JOBS = 16;

/** Request/response channels (renderer → main, `invoke`). */
export interface Channels {
  'app.info': { req: null; res: AppInfo };
  'presets.list': { req: null; res: Preset[] };
  'runs.estimate': { req: { config: unknown }; res: CostEstimate };
  'runs.start': { req: { config: unknown; followUp?: unknown }; res: { runId: string } };
  'runs.pause': { req: { runId: string }; res: null };
  'runs.resume': { req: { runId: string }; res: null };
  'runs.cancel': { req: { runId: string }; res: null };
  'runs.continue': { req: { runId: string }; res: { runId: string } };
  'runs.list': { req: SeriesFilter | null; res: RunSummary[] };
  /** Every run with the Library's summary numbers (computed in main from the stored series, cached per stopped run). */
  'runs.table': { req: null; res: RunTableRow[] };
  'runs.get': { req: { runId: string }; res: RunDetail };
  'runs.update': { req: { runId: string; name?: string; tags?: string[]; notes?: string }; res: RunSummary };
  'runs.delete': { req: { runId: string }; res: null };
  'runs.export': { req: { runId: string }; res: { file: string | null } };
  /** Several runs, one .chaoslab file each, into a new folder main asks for. */
  'runs.exportMany': { req: { runIds: string[] }; res: { dir: string | null } };
  'runs.import': { req: null; res: { runId: string | null } };
  'runs.subscribe': { req: { runId: string }; res: null };
  'runs.unsubscribe': { req: { runId: string }; res: null };
  'frames.ack': { req: { runId: string; seq: number }; res: null };
  'series.read': { req: { runId: string; metrics: SeriesName[]; from?: number; to?: number }; res: Record<string, Series> };
  'spectra.read': { req: { runId: string; from?: number; to?: number; stride?: number }; res: SpectrumFrame[] };
  'estimated.read': { req: { runId: string; from?: number; to?: number; stride?: number }; res: EstimatedSpectrumFrame[] };
  'lyapunov.read': { req: { runId: string }; res: LyapunovFrame[] };
  'replicas.read': { req: { runId: string }; res: ReplicaFrame[] };
  'compare.group': { req: { runIds: string[]; metrics: SeriesName[]; band?: BandKind }; res: GroupResult };
  'compareViews.list': { req: null; res: SavedCompareView[] };
  'compareViews.save': { req: { name: string; state: CompareState }; res: SavedCompareView };
  'compareViews.delete': { req: { name: string }; res: null };
  'export.save': { req: { format: ExportFormat; name: string; data: string }; res: { file: string | null } };
  'export.saveSet': { req: { name: string; files: { name: string; format: ExportFormat; data: string }[] }; res: { dir: string | null } };
  'dialog.choosePath': { req: { field: PathField }; res: { path: string | null } };
  'data.fetchUsps': { req: null; res: { dir: string } };
  'sweeps.list': { req: null; res: SweepView[] };
  'sweeps.start': { req: { spec: unknown; jobs: number }; res: { sweepId: string; runs: number } };
  'sweeps.continue': { req: { sweepId: string; jobs: number; retryFailed: boolean }; res: { sweepId: string; runs: number } };
  'sweeps.stop': { req: { sweepId: string }; res: null };
  /** The sweep a reproduction request makes (as `lab reproduce` makes it), before anything runs. */
  'reproduce.plan': { req: ReproduceRequest; res: ReproducePlanView };
  /** Run it through the sweep scheduler; the same request continues the same sweep. */
  'reproduce.start': { req: { request: ReproduceRequest; jobs: number }; res: { sweepId: string; runs: number } };
  'reproduce.list': { req: null; res: ReproductionView[] };
  'reproduce.results': { req: { sweepId: string }; res: ReproduceResults };
  /** The report folder `lab reproduce --out` writes, at a folder main's dialog returns (null: cancelled). */
  'reproduce.writeReport': { req: { sweepId: string }; res: { dir: string | null; files: string[] } };
}
export type Channel = keyof Channels;
export type Req<C extends Channel> = Channels[C]['req'];
export type Res<C extends Channel> = Channels[C]['res'];

/** Push channels (main → renderer). */
export interface Events {
  'run.batch': FrameBatch;
  'run.status': RunStatusEvent;
  'menu.command': { command: MenuCommand };
}
export type EventName = keyof Events;

/** Every invoke result is wrapped so that validation errors reach the renderer intact (Electron flattens thrown errors). */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string; fields: FieldError[] };

/** Raised by validators and handlers; `fields` name the offending payload fields. */
export class IpcError extends Error {
  constructor(
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(channel: string, field: string, message: string): never {
  throw new IpcError(`${channel}: ${field} ${message}`, [{ field, message }]);
}
function object(channel: string, v: unknown, keys: string[]): Obj {
  if (!isObj(v)) fail(channel, '(payload)', 'must be an object');
  for (const k of Object.keys(v)) if (!keys.includes(k)) fail(channel, k, 'is not a known field');
  return v;
}
function nothing(channel: string, v: unknown): null {
  if (v !== null && v !== undefined) fail(channel, '(payload)', 'must be empty');
  return null;
}
function runId(channel: string, o: Obj): string {
  const v = o.runId;
  if (!isRunId(v)) fail(channel, 'runId', 'must be a run id (1–64 letters, digits, _ or -)');
  return v;
}
function optInt(channel: string, o: Obj, key: string, min: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) fail(channel, key, `must be an integer ≥ ${min}`);
  return v;
}
function optString(channel: string, o: Obj, key: string, max: number): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) fail(channel, key, `must be a string of at most ${max} characters`);
  return v;
}
function jobs(channel: string, o: Obj): number {
  const v = o.jobs;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SWEEP_JOBS) fail(channel, 'jobs', `must be an integer in 1…${MAX_SWEEP_JOBS}`);
  return v;
}
function sweepId(channel: string, o: Obj): string {
  if (typeof o.sweepId !== 'string' || !/^[0-9a-f]{16}$/.test(o.sweepId)) fail(channel, 'sweepId', 'must be a sweep id (16 hex digits)');
  return o.sweepId;
}
/** Most steps a reproduction's runs may be cut to (a cut is for smoke tests). */
const REPRODUCE_MAX_STEPS = 1_000_000;
function reproduceRequest(channel: string, v: unknown, at = ''): ReproduceRequest {
  if (at && !isObj(v)) fail(channel, at.slice(0, -1), 'must be an object');
  const o = object(channel, v, ['figures', 'dataset', 'dir', 'model', 'seeds', 'quick', 'steps']);
  const f = o.figures;
  if (!Array.isArray(f) || f.length === 0 || f.some((x, i) => ![1, 2, 3].includes(x as number) || (i > 0 && (x as number) <= (f[i - 1] as number))))
    fail(channel, `${at}figures`, 'must be a non-empty ascending list of the figures 1, 2, 3');
  if (o.dataset !== 'usps' && o.dataset !== 'fashion-mnist') fail(channel, `${at}dataset`, "must be 'usps' or 'fashion-mnist'");
  if (o.dataset === 'usps' ? typeof o.dir !== 'string' || o.dir === '' || o.dir.length > 4096 : o.dir !== null)
    fail(channel, `${at}dir`, o.dataset === 'usps' ? 'must be the USPS folder (chosen with Browse… or downloaded)' : 'must be null for fashion-mnist');
  if (o.model !== 'mlp' && o.model !== 'cnn') fail(channel, `${at}model`, "must be 'mlp' or 'cnn'");
  if (typeof o.seeds !== 'number' || !Number.isInteger(o.seeds) || o.seeds < 1 || o.seeds > REPRODUCE_MAX_SEEDS)
    fail(channel, `${at}seeds`, `must be an integer in 1…${REPRODUCE_MAX_SEEDS}`);
  if (typeof o.quick !== 'boolean') fail(channel, `${at}quick`, 'must be true or false');
  if (o.steps !== null && (typeof o.steps !== 'number' || !Number.isInteger(o.steps) || o.steps < 1 || o.steps > REPRODUCE_MAX_STEPS))
    fail(channel, `${at}steps`, `must be null or an integer in 1…${REPRODUCE_MAX_STEPS}`);
  return {
    figures: f as PaperFigure[],
    dataset: o.dataset,
    dir: o.dir as string | null,
    model: o.model,
    seeds: o.seeds,
    quick: o.quick,
    steps: o.steps as number | null,
  };
}
function runIdList(channel: string, v: unknown, field = 'runIds'): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_RUN_IDS || !v.every(isRunId))
    fail(channel, field, `must be a non-empty array of at most ${MAX_RUN_IDS} run ids`);
  return v;
}
function viewName(channel: string, o: Obj): string {
  const v = o.name;
  if (typeof v !== 'string' || v.trim() === '' || v.length > VIEW_NAME_MAX || /\p{Cc}/u.test(v))
    fail(channel, 'name', `must be a name of 1–${VIEW_NAME_MAX} characters without control characters`);
  return v.trim();
}
function withRunId(channel: string, v: unknown): { runId: string } {
  return { runId: runId(channel, object(channel, v, ['runId'])) };
}
/** A run's frames over a step range, every stride-th. */
function stepRange(channel: string, v: unknown): { runId: string; from?: number; to?: number; stride?: number } {
  const o = object(channel, v, ['runId', 'from', 'to', 'stride']);
  return { runId: runId(channel, o), from: optInt(channel, o, 'from', 0), to: optInt(channel, o, 'to', 0), stride: optInt(channel, o, 'stride', 1) };
}
function withConfig(channel: string, v: unknown): { config: unknown } {
  const o = object(channel, v, ['config']);
  if (!('config' in o)) fail(channel, 'config', 'is required');
  return { config: o.config };
}

const FILE_NAME = /^[\w. ()+-]{1,120}$/;
/** One exported file: format, a plain file name with the format's extension, non-empty data within bounds. */
function exportFile(channel: string, o: Obj, at: string): { format: ExportFormat; name: string; data: string } {
  const format = o.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) fail(channel, `${at}format`, `must be one of ${EXPORT_FORMATS.join(', ')}`);
  const name = o.name;
  if (typeof name !== 'string' || !FILE_NAME.test(name) || name.startsWith('.') || !name.toLowerCase().endsWith(`.${format}`))
    fail(channel, `${at}name`, `must be a plain file name (letters, digits, space, _ . ( ) + -) ending in .${format}`);
  if (typeof o.data !== 'string' || o.data.length === 0) fail(channel, `${at}data`, 'must be a non-empty string');
  if (o.data.length > EXPORT_MAX_CHARS) fail(channel, `${at}data`, `is larger than ${EXPORT_MAX_CHARS} characters`);
  return { format, name, data: o.data };
}

/** Payload validators, one per channel: return the typed payload or throw IpcError naming the field. */
export const validators: { [C in Channel]: (payload: unknown) => Req<C> } = {
  'app.info': (v) => nothing('app.info', v),
  'presets.list': (v) => nothing('presets.list', v),
  'runs.estimate': (v) => withConfig('runs.estimate', v),
  'runs.start': (v) => {
    const o = object('runs.start', v, ['config', 'followUp']);
    if (!('config' in o)) fail('runs.start', 'config', 'is required');
    return o.followUp === undefined || o.followUp === null ? { config: o.config } : { config: o.config, followUp: o.followUp };
  },
  'runs.pause': (v) => withRunId('runs.pause', v),
  'runs.resume': (v) => withRunId('runs.resume', v),
  'runs.cancel': (v) => withRunId('runs.cancel', v),
  'runs.continue': (v) => withRunId('runs.continue', v),
  'runs.list': (v) => {
    const c = 'runs.list';
    if (v === null || v === undefined) return null;
    const o = object(c, v, ['search', 'tag', 'status']);
    const status = o.status;
    if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) fail(c, 'status', `must be one of ${RUN_STATUSES.join(', ')}`);
    return { search: optString(c, o, 'search', NAME_MAX), tag: optString(c, o, 'tag', TAG_MAX), status: status as RunStatus | undefined };
  },
  'runs.table': (v) => nothing('runs.table', v),
  'runs.get': (v) => withRunId('runs.get', v),
  'runs.update': (v) => {
    const c = 'runs.update';
    const o = object(c, v, ['runId', 'name', 'tags', 'notes']);
    const out: Req<'runs.update'> = { runId: runId(c, o) };
    // The same limits as the CLI and the store (shared/limits.ts).
    const limits = textLimitErrors({ name: o.name, tags: o.tags, notes: o.notes });
    if (limits.length) fail(c, limits[0].field, limits[0].message);
    if (o.name !== undefined) out.name = o.name as string;
    if (o.tags !== undefined) out.tags = o.tags as string[];
    if (o.notes !== undefined) out.notes = o.notes as string;
    return out;
  },
  'runs.delete': (v) => withRunId('runs.delete', v),
  'runs.export': (v) => withRunId('runs.export', v),
  'runs.exportMany': (v) => ({ runIds: runIdList('runs.exportMany', object('runs.exportMany', v, ['runIds']).runIds) }),
  'runs.import': (v) => nothing('runs.import', v),
  'runs.subscribe': (v) => withRunId('runs.subscribe', v),
  'runs.unsubscribe': (v) => withRunId('runs.unsubscribe', v),
  'frames.ack': (v) => {
    const c = 'frames.ack';
    const o = object(c, v, ['runId', 'seq']);
    const seq = optInt(c, o, 'seq', 0);
    if (seq === undefined) fail(c, 'seq', 'is required');
    return { runId: runId(c, o), seq };
  },
  'series.read': (v) => {
    const c = 'series.read';
    const o = object(c, v, ['runId', 'metrics', 'from', 'to']);
    if (!Array.isArray(o.metrics) || o.metrics.length === 0 || o.metrics.length > 40) fail(c, 'metrics', 'must be a non-empty array of metric names');
    for (const m of o.metrics) if (!isSeriesName(m)) fail(c, 'metrics', `contains unknown metric ${JSON.stringify(m)}`);
    return { runId: runId(c, o), metrics: o.metrics as SeriesName[], from: optInt(c, o, 'from', 0), to: optInt(c, o, 'to', 0) };
  },
  'spectra.read': (v) => stepRange('spectra.read', v),
  'estimated.read': (v) => stepRange('estimated.read', v),
  'lyapunov.read': (v) => withRunId('lyapunov.read', v),
  'replicas.read': (v) => withRunId('replicas.read', v),
  'compare.group': (v) => {
    const c = 'compare.group';
    const o = object(c, v, ['runIds', 'metrics', 'band']);
    if (o.band !== undefined && o.band !== 'ci95' && o.band !== 'se') fail(c, 'band', "must be 'ci95' or 'se' (groups under 3 always show min–max)");
    const runIds = runIdList(c, o.runIds);
    if (!Array.isArray(o.metrics) || o.metrics.length > 60 || o.metrics.some((m) => !isSeriesName(m)))
      fail(c, 'metrics', 'must be an array of metric names (or epoch, wall)');
    return { runIds, metrics: o.metrics as SeriesName[], band: o.band as BandKind | undefined };
  },
  'compareViews.list': (v) => nothing('compareViews.list', v),
  'compareViews.save': (v) => {
    const c = 'compareViews.save';
    const o = object(c, v, ['name', 'state']);
    const name = viewName(c, o);
    const parsed = parseCompareState(o.state);
    if (!parsed.ok) fail(c, `state.${parsed.field}`, parsed.message);
    return { name, state: parsed.state };
  },
  'compareViews.delete': (v) => ({ name: viewName('compareViews.delete', object('compareViews.delete', v, ['name'])) }),
  'export.save': (v) => {
    const c = 'export.save';
    const o = object(c, v, ['format', 'name', 'data']);
    return exportFile(c, o, '');
  },
  'export.saveSet': (v) => {
    const c = 'export.saveSet';
    const o = object(c, v, ['name', 'files']);
    if (typeof o.name !== 'string' || !FILE_NAME.test(o.name) || o.name.startsWith('.'))
      fail(c, 'name', 'must be a plain folder name (letters, digits, space, _ . ( ) + -)');
    if (!Array.isArray(o.files) || o.files.length === 0 || o.files.length > EXPORT_SET_MAX_FILES)
      fail(c, 'files', `must be a non-empty array of at most ${EXPORT_SET_MAX_FILES} files`);
    const files = o.files.map((f, i) => exportFile(c, object(c, f, ['format', 'name', 'data']), `files[${i}].`));
    if (new Set(files.map((f) => f.name.toLowerCase())).size !== files.length) fail(c, 'files', 'must have distinct names');
    if (files.reduce((t, f) => t + f.data.length, 0) > EXPORT_MAX_CHARS) fail(c, 'files', `are larger than ${EXPORT_MAX_CHARS} characters together`);
    return { name: o.name, files };
  },
  'data.fetchUsps': (v) => nothing('data.fetchUsps', v),
  'sweeps.list': (v) => nothing('sweeps.list', v),
  'sweeps.start': (v) => {
    const c = 'sweeps.start';
    const o = object(c, v, ['spec', 'jobs']);
    // The spec itself is validated by main (expandSweep), which names its fields.
    if (!isObj(o.spec)) fail(c, 'spec', 'must be a sweep spec object');
    return { spec: o.spec, jobs: jobs(c, o) };
  },
  'sweeps.continue': (v) => {
    const c = 'sweeps.continue';
    const o = object(c, v, ['sweepId', 'jobs', 'retryFailed']);
    if (typeof o.retryFailed !== 'boolean') fail(c, 'retryFailed', 'must be true or false');
    return { sweepId: sweepId(c, o), jobs: jobs(c, o), retryFailed: o.retryFailed };
  },
  'sweeps.stop': (v) => {
    const o = object('sweeps.stop', v, ['sweepId']);
    return { sweepId: sweepId('sweeps.stop', o) };
  },
  'reproduce.plan': (v) => reproduceRequest('reproduce.plan', v),
  'reproduce.start': (v) => {
    const c = 'reproduce.start';
    const o = object(c, v, ['request', 'jobs']);
    return { request: reproduceRequest(c, o.request, 'request.'), jobs: jobs(c, o) };
  },
  'reproduce.list': (v) => nothing('reproduce.list', v),
  'reproduce.results': (v) => ({ sweepId: sweepId('reproduce.results', object('reproduce.results', v, ['sweepId'])) }),
  'reproduce.writeReport': (v) => ({ sweepId: sweepId('reproduce.writeReport', object('reproduce.writeReport', v, ['sweepId'])) }),
  'dialog.choosePath': (v) => {
    const c = 'dialog.choosePath';
    const o = object(c, v, ['field']);
    if (!isPathField(o.field)) fail(c, 'field', `must be one of ${Object.keys(PATH_FIELDS).join(', ')}`);
    return { field: o.field };
  },
};
export const CHANNELS = Object.keys(validators) as Channel[];
export const EVENTS: EventName[] = ['run.batch', 'run.status', 'menu.command'];

/** The raw transport the preload script (or a test harness) provides to the renderer. */
export interface Bridge {
  invoke(channel: Channel, payload: unknown): Promise<Reply<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** The typed API the renderer uses, built on any Bridge. */
export interface LabApi {
  call<C extends Channel>(channel: C, payload: Req<C>): Promise<Res<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}
export function createApi(bridge: Bridge): LabApi {
  return {
    async call(channel, payload) {
      const reply = await bridge.invoke(channel, payload);
      if (!reply.ok) throw new IpcError(reply.error, reply.fields);
      return reply.value as never;
    },
    on(event, listener) {
      return bridge.on(event, listener as (p: unknown) => void);
    },
  };
}
