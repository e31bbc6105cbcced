// RunConfig: the one description of an experiment, shared by the CLI, the engine, the store and the UI.
// validateConfig() fills defaults and returns either a config or errors that name the field (a dotted path).
// No Node or DOM imports here.

export type Activation = 'relu' | 'sigmoid';
export type ModelConfig =
  { kind: 'mlp'; hidden: number; activation: Activation } | { kind: 'cnn'; baseChannels: number; blocks: number; activation: Activation };

export type DatasetName = 'usps' | 'fashion-mnist';
export interface DataConfig {
  dataset: DatasetName;
  /** Directory holding zip.train.gz/zip.test.gz or usps.bz2/usps.t.bz2 (USPS only). */
  dir: string | null;
  /** Use only the first N training samples after the split (null: all). */
  trainLimit: number | null;
  /** Evaluate on the test set every N steps (0: never). */
  testEvery: number;
  /** Use only the first N test samples (null: all). */
  testLimit: number | null;
}

export interface TrainConfig {
  /** Number of optimisation steps; when null, `epochs` full passes over the training set. */
  steps: number | null;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  /** float32: TensorFlow.js computes the training gradient; float64: the exact JS engine does. */
  precision: 'float32' | 'float64';
  /** Optional file with an explicit batch order: JSON array of arrays of 0-based training indices. */
  batchOrderFile: string | null;
  /** Optional file with the initial flat parameter vector (PyTorch parameters() order). */
  initParamsFile: string | null;
}

export interface SpectrumConfig {
  /** Compute the exact Hessian spectrum every N steps (1: every step, 0: never). */
  every: number;
  /** Null tolerance τ: |λ| ≤ τ counts as null. null: n·ε₆₄·max|λ|. */
  nullTol: number | null;
  /** How many extreme eigenvectors enter the |cos(g, v)| metrics. */
  extremes: number;
}

export type PruneSet = 'neg' | 'pos' | 'chaotic';
export interface CgdConfig {
  prune: PruneSet;
  /** Prune only k directions of the set (null: all of it). */
  k: number | null;
  /** With k: the k most extreme (`magnitude`) or k drawn at random without replacement (`random`). */
  select: 'magnitude' | 'random';
  /** First step at which pruning applies. */
  start: number;
  /** 0: drop pruned components; > 0: replace them by N(0, noise²) components. */
  noise: number;
  /** g_used = (1 − mix)·g + mix·g_projected. */
  mix: number;
  /** Global pruning: a fixed basis (JSON {vectors: number[][]}, rows in parameter layout) instead of the per-step eigenbasis. */
  basisFile: string | null;
}

export interface LyapunovConfig {
  /** Number of exponents (deviation vectors); 'all' for all n. */
  k: number | 'all';
  /** Save Lyapunov vectors after this many steps (the final step is always saved). */
  saveAt: number[];
  /** Also save them after this many epochs (at step epoch · steps per epoch). */
  saveAtEpochs: number[];
  /** Also compute the explicit-product estimate for the first N steps as a cross-check (0: off). */
  explicitSteps: number;
}

export type PerturbStrategy = 'max_chaos' | 'randn_chaos' | 'max_convergence' | 'randn_convergence' | 'randn' | 'file';
export interface ReplicaConfig {
  strategy: PerturbStrategy;
  /** Perturbation sizes; one replica per (eps, seed) pair. */
  eps: number[];
  seeds: number[];
  /** For the Lyapunov-vector strategies: the run id whose saved vectors are used, or a file. */
  lyapunovSource: string | null;
  /** Which of the source run's saved vectors (the step they were saved at); null: the latest. */
  lyapunovStep: number | null;
  /** For strategy 'file': JSON flat direction (normalised to ‖u‖ = 1). */
  directionFile: string | null;
}

export interface RunConfig {
  name: string;
  seed: number;
  data: DataConfig;
  model: ModelConfig;
  train: TrainConfig;
  spectrum: SpectrumConfig;
  cgd: CgdConfig | null;
  lyapunov: LyapunovConfig | null;
  replicas: ReplicaConfig | null;
  /** Save a resumable checkpoint every N steps (0: only at the end). */
  checkpointEvery: number;
  tags: string[];
  notes: string;
}

export type ValidationResult = { ok: true; config: RunConfig } | { ok: false; errors: FieldError[] };
export interface FieldError {
  field: string;
  message: string;
}

export const DEFAULT_CONFIG: RunConfig = {
  name: 'run',
  seed: 0,
  data: { dataset: 'fashion-mnist', dir: null, trainLimit: null, testEvery: 100, testLimit: 1000 },
  model: { kind: 'mlp', hidden: 20, activation: 'relu' },
  train: { steps: null, epochs: 1, batchSize: 8, lr: 0.01, momentum: 0, precision: 'float32', batchOrderFile: null, initParamsFile: null },
  spectrum: { every: 1, nullTol: null, extremes: 5 },
  cgd: null,
  lyapunov: null,
  replicas: null,
  checkpointEvery: 500,
  tags: [],
  notes: '',
};

const CGD_DEFAULT: CgdConfig = { prune: 'neg', k: null, select: 'magnitude', start: 0, noise: 0, mix: 1, basisFile: null };
const LYAP_DEFAULT: LyapunovConfig = { k: 32, saveAt: [], saveAtEpochs: [], explicitSteps: 0 };
const REPLICA_DEFAULT: ReplicaConfig = { strategy: 'randn', eps: [0.1], seeds: [0], lyapunovSource: null, lyapunovStep: null, directionFile: null };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads fields of one section, collecting errors with their dotted path. */
class Reader {
  constructor(
    private readonly src: Obj,
    private readonly path: string,
    private readonly errors: FieldError[],
  ) {}
  private err(key: string, message: string): void {
    this.errors.push({ field: this.path ? `${this.path}.${key}` : key, message });
  }
  unknownKeys(known: string[]): void {
    for (const k of Object.keys(this.src)) if (!known.includes(k)) this.err(k, 'unknown field');
  }
  num(key: string, def: number, opts: { min?: number; max?: number; int?: boolean; gt?: number } = {}): number {
    const v = this.src[key];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) return (this.err(key, 'must be a finite number'), def);
    if (opts.int && !Number.isInteger(v)) return (this.err(key, 'must be an integer'), def);
    if (opts.min !== undefined && v < opts.min) return (this.err(key, `must be ≥ ${opts.min}`), def);
    if (opts.gt !== undefined && v <= opts.gt) return (this.err(key, `must be > ${opts.gt}`), def);
    if (opts.max !== undefined && v > opts.max) return (this.err(key, `must be ≤ ${opts.max}`), def);
    return v;
  }
  numOrNull(key: string, def: number | null, opts: { min?: number; int?: boolean; gt?: number } = {}): number | null {
    if (this.src[key] === null) return null;
    if (this.src[key] === undefined) return def;
    return this.num(key, def ?? 0, opts);
  }
  str(key: string, def: string): string {
    const v = this.src[key];
    if (v === undefined) return def;
    if (typeof v !== 'string') return (this.err(key, 'must be a string'), def);
    return v;
  }
  strOrNull(key: string, def: string | null): string | null {
    const v = this.src[key];
    if (v === undefined) return def;
    if (v === null) return null;
    if (typeof v !== 'string' || v.length === 0) return (this.err(key, 'must be a non-empty string or null'), def);
    return v;
  }
  oneOf<T extends string>(key: string, def: T, options: readonly T[]): T {
    const v = this.src[key];
    if (v === undefined) return def;
    if (typeof v !== 'string' || !options.includes(v as T)) return (this.err(key, `must be one of ${options.join(', ')}`), def);
    return v as T;
  }
  numList(key: string, def: number[], opts: { min?: number; int?: boolean; nonEmpty?: boolean } = {}): number[] {
    const v = this.src[key];
    if (v === undefined) return def;
    const bad = (m: string): number[] => (this.err(key, m), def);
    if (!Array.isArray(v)) return bad('must be an array of numbers');
    if (opts.nonEmpty && v.length === 0) return bad('must not be empty');
    for (const x of v) {
      if (typeof x !== 'number' || !Number.isFinite(x)) return bad('must be an array of finite numbers');
      if (opts.int && !Number.isInteger(x)) return bad('must be an array of integers');
      if (opts.min !== undefined && x < opts.min) return bad(`entries must be ≥ ${opts.min}`);
    }
    return v as number[];
  }
  strList(key: string, def: string[]): string[] {
    const v = this.src[key];
    if (v === undefined) return def;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return (this.err(key, 'must be an array of strings'), def);
    return v as string[];
  }
  section(key: string): Reader | null | undefined {
    const v = this.src[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (!isObj(v)) return (this.err(key, 'must be an object'), undefined);
    return new Reader(v, this.path ? `${this.path}.${key}` : key, this.errors);
  }
}

/** Validate untrusted input (a parsed JSON file, an IPC payload) into a complete RunConfig. */
export function validateConfig(input: unknown): ValidationResult {
  const errors: FieldError[] = [];
  if (!isObj(input)) return { ok: false, errors: [{ field: '(config)', message: 'must be a JSON object' }] };
  const r = new Reader(input, '', errors);
  r.unknownKeys(['name', 'seed', 'data', 'model', 'train', 'spectrum', 'cgd', 'lyapunov', 'replicas', 'checkpointEvery', 'tags', 'notes']);
  const d = DEFAULT_CONFIG;

  const dr = r.section('data') ?? new Reader({}, 'data', errors);
  dr.unknownKeys(['dataset', 'dir', 'trainLimit', 'testEvery', 'testLimit']);
  const data: DataConfig = {
    dataset: dr.oneOf('dataset', d.data.dataset, ['usps', 'fashion-mnist'] as const),
    dir: dr.strOrNull('dir', d.data.dir),
    trainLimit: dr.numOrNull('trainLimit', d.data.trainLimit, { int: true, min: 1 }),
    testEvery: dr.num('testEvery', d.data.testEvery, { int: true, min: 0 }),
    testLimit: dr.numOrNull('testLimit', d.data.testLimit, { int: true, min: 1 }),
  };

  const mr = r.section('model') ?? new Reader({}, 'model', errors);
  const kind = mr.oneOf('kind', 'mlp', ['mlp', 'cnn'] as const);
  let model: ModelConfig;
  if (kind === 'mlp') {
    mr.unknownKeys(['kind', 'hidden', 'activation']);
    model = { kind, hidden: mr.num('hidden', 20, { int: true, min: 1, max: 4096 }), activation: mr.oneOf('activation', 'relu', ['relu', 'sigmoid'] as const) };
  } else {
    mr.unknownKeys(['kind', 'baseChannels', 'blocks', 'activation']);
    model = {
      kind,
      baseChannels: mr.num('baseChannels', 4, { int: true, min: 1, max: 64 }),
      blocks: mr.num('blocks', 1, { int: true, min: 1, max: 4 }),
      activation: mr.oneOf('activation', 'relu', ['relu', 'sigmoid'] as const),
    };
  }

  const tr = r.section('train') ?? new Reader({}, 'train', errors);
  tr.unknownKeys(['steps', 'epochs', 'batchSize', 'lr', 'momentum', 'precision', 'batchOrderFile', 'initParamsFile']);
  const train: TrainConfig = {
    steps: tr.numOrNull('steps', d.train.steps, { int: true, min: 1 }),
    epochs: tr.num('epochs', d.train.epochs, { int: true, min: 1 }),
    batchSize: tr.num('batchSize', d.train.batchSize, { int: true, min: 1, max: 4096 }),
    lr: tr.num('lr', d.train.lr, { gt: 0 }),
    momentum: tr.num('momentum', d.train.momentum, { min: 0, max: 0.999999 }),
    precision: tr.oneOf('precision', d.train.precision, ['float32', 'float64'] as const),
    batchOrderFile: tr.strOrNull('batchOrderFile', null),
    initParamsFile: tr.strOrNull('initParamsFile', null),
  };

  const sr = r.section('spectrum') ?? new Reader({}, 'spectrum', errors);
  sr.unknownKeys(['every', 'nullTol', 'extremes']);
  const spectrum: SpectrumConfig = {
    every: sr.num('every', d.spectrum.every, { int: true, min: 0 }),
    nullTol: sr.numOrNull('nullTol', d.spectrum.nullTol, { min: 0 }),
    extremes: sr.num('extremes', d.spectrum.extremes, { int: true, min: 1, max: 64 }),
  };

  let cgd: CgdConfig | null = null;
  const cr = r.section('cgd');
  if (cr) {
    cr.unknownKeys(['prune', 'k', 'select', 'start', 'noise', 'mix', 'basisFile']);
    cgd = {
      prune: cr.oneOf('prune', CGD_DEFAULT.prune, ['neg', 'pos', 'chaotic'] as const),
      k: cr.numOrNull('k', CGD_DEFAULT.k, { int: true, min: 1 }),
      select: cr.oneOf('select', CGD_DEFAULT.select, ['magnitude', 'random'] as const),
      start: cr.num('start', CGD_DEFAULT.start, { int: true, min: 0 }),
      noise: cr.num('noise', CGD_DEFAULT.noise, { min: 0 }),
      mix: cr.num('mix', CGD_DEFAULT.mix, { min: 0, max: 1 }),
      basisFile: cr.strOrNull('basisFile', CGD_DEFAULT.basisFile),
    };
  }

  let lyapunov: LyapunovConfig | null = null;
  const lr = r.section('lyapunov');
  if (lr) {
    lr.unknownKeys(['k', 'saveAt', 'saveAtEpochs', 'explicitSteps']);
    const kRaw = input.lyapunov && (input.lyapunov as Obj).k;
    lyapunov = {
      k: kRaw === 'all' ? 'all' : lr.num('k', LYAP_DEFAULT.k as number, { int: true, min: 1 }),
      saveAt: lr.numList('saveAt', LYAP_DEFAULT.saveAt, { int: true, min: 1 }),
      saveAtEpochs: lr.numList('saveAtEpochs', LYAP_DEFAULT.saveAtEpochs, { int: true, min: 1 }),
      explicitSteps: lr.num('explicitSteps', LYAP_DEFAULT.explicitSteps, { int: true, min: 0, max: 1000 }),
    };
  }

  let replicas: ReplicaConfig | null = null;
  const rr = r.section('replicas');
  if (rr) {
    rr.unknownKeys(['strategy', 'eps', 'seeds', 'lyapunovSource', 'lyapunovStep', 'directionFile']);
    replicas = {
      strategy: rr.oneOf('strategy', REPLICA_DEFAULT.strategy, ['max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence', 'randn', 'file'] as const),
      eps: rr.numList('eps', REPLICA_DEFAULT.eps, { min: 0, nonEmpty: true }),
      seeds: rr.numList('seeds', REPLICA_DEFAULT.seeds, { int: true, min: 0, nonEmpty: true }),
      lyapunovSource: rr.strOrNull('lyapunovSource', null),
      lyapunovStep: rr.numOrNull('lyapunovStep', null, { int: true, min: 0 }),
      directionFile: rr.strOrNull('directionFile', null),
    };
    if (replicas.strategy === 'file' && !replicas.directionFile) errors.push({ field: 'replicas.directionFile', message: "required when strategy is 'file'" });
    if (replicas.strategy.endsWith('_chaos') || replicas.strategy.endsWith('_convergence'))
      if (!replicas.lyapunovSource) errors.push({ field: 'replicas.lyapunovSource', message: `required for strategy '${replicas.strategy}'` });
  }

  const config: RunConfig = {
    name: r.str('name', d.name),
    seed: r.num('seed', d.seed, { int: true, min: 0, max: 2 ** 32 - 1 }),
    data,
    model,
    train,
    spectrum,
    cgd,
    lyapunov,
    replicas,
    checkpointEvery: r.num('checkpointEvery', d.checkpointEvery, { int: true, min: 0 }),
    tags: r.strList('tags', d.tags),
    notes: r.str('notes', d.notes),
  };
  if (config.name.trim() === '') errors.push({ field: 'name', message: 'must not be empty' });
  if (data.dataset === 'usps' && !data.dir)
    errors.push({ field: 'data.dir', message: 'USPS needs the directory holding zip.train.gz/zip.test.gz (or usps.bz2/usps.t.bz2)' });
  if (cgd && spectrum.every !== 1 && !cgd.basisFile)
    errors.push({ field: 'spectrum.every', message: 'CGD needs the spectrum at every step (set 1) unless cgd.basisFile gives a fixed basis' });
  if (lyapunov && spectrum.every !== 1) errors.push({ field: 'spectrum.every', message: 'Lyapunov exponents need the Hessian at every step (set 1)' });
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

export function formatErrors(errors: FieldError[]): string {
  return errors.map((e) => `  ${e.field}: ${e.message}`).join('\n');
}
