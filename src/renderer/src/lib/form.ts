// The New-run form: one descriptor per RunConfig field, and the conversions between a RunConfig and the
// form's raw strings. Unparseable input is passed through unchanged, so validateConfig names the field.
import type { RunConfig } from '../../../shared/config';

export type FieldKind = 'text' | 'number' | 'select' | 'list' | 'tags' | 'textarea';
export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  /** Empty input means null. */
  nullable?: boolean;
  options?: string[];
  /** Model kind this field belongs to. */
  model?: 'mlp' | 'cnn';
  /** Also accepts this literal word (lyapunov.k: 'all'). */
  word?: string;
  hint?: string;
}
export type Section = 'general' | 'data' | 'model' | 'train' | 'spectrum' | 'cgd' | 'lyapunov' | 'replicas';
export const OPTIONAL_SECTIONS = ['cgd', 'lyapunov', 'replicas'] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];

export const FIELDS: Record<Section, FieldSpec[]> = {
  general: [
    { path: 'name', label: 'Name', kind: 'text' },
    { path: 'seed', label: 'Seed', kind: 'number' },
    { path: 'checkpointEvery', label: 'Checkpoint every (steps, 0 = end only)', kind: 'number' },
    { path: 'tags', label: 'Tags (comma separated)', kind: 'tags' },
    { path: 'notes', label: 'Notes', kind: 'textarea' },
  ],
  data: [
    { path: 'data.dataset', label: 'Dataset', kind: 'select', options: ['fashion-mnist', 'usps'] },
    { path: 'data.dir', label: 'USPS directory', kind: 'text', nullable: true, hint: 'zip.train.gz/zip.test.gz or usps.bz2/usps.t.bz2' },
    { path: 'data.trainLimit', label: 'Training samples (empty = all)', kind: 'number', nullable: true },
    { path: 'data.testEvery', label: 'Test every (steps, 0 = never)', kind: 'number' },
    { path: 'data.testLimit', label: 'Test samples (empty = all)', kind: 'number', nullable: true },
  ],
  model: [
    { path: 'model.kind', label: 'Model', kind: 'select', options: ['mlp', 'cnn'] },
    { path: 'model.hidden', label: 'Hidden units', kind: 'number', model: 'mlp' },
    { path: 'model.baseChannels', label: 'Base channels', kind: 'number', model: 'cnn' },
    { path: 'model.blocks', label: 'Blocks per stage', kind: 'number', model: 'cnn' },
    { path: 'model.activation', label: 'Activation', kind: 'select', options: ['relu', 'sigmoid'] },
  ],
  train: [
    { path: 'train.steps', label: 'Steps (empty = use epochs)', kind: 'number', nullable: true },
    { path: 'train.epochs', label: 'Epochs', kind: 'number' },
    { path: 'train.batchSize', label: 'Batch size', kind: 'number' },
    { path: 'train.lr', label: 'Learning rate γ', kind: 'number' },
    { path: 'train.momentum', label: 'Momentum', kind: 'number' },
    { path: 'train.precision', label: 'Gradient precision', kind: 'select', options: ['float32', 'float64'] },
    { path: 'train.batchOrderFile', label: 'Batch order file', kind: 'text', nullable: true },
    { path: 'train.initParamsFile', label: 'Initial parameters file', kind: 'text', nullable: true },
  ],
  spectrum: [
    { path: 'spectrum.every', label: 'Spectrum every (steps, 0 = never)', kind: 'number' },
    { path: 'spectrum.nullTol', label: 'Null tolerance τ (empty = n·ε·max|λ|)', kind: 'number', nullable: true },
    { path: 'spectrum.extremes', label: 'Extreme eigenvectors for cos metrics', kind: 'number' },
  ],
  cgd: [
    { path: 'cgd.prune', label: 'Prune', kind: 'select', options: ['neg', 'pos', 'chaotic'] },
    { path: 'cgd.k', label: 'Only k directions (empty = all)', kind: 'number', nullable: true },
    { path: 'cgd.select', label: 'Select k by', kind: 'select', options: ['magnitude', 'random'] },
    { path: 'cgd.start', label: 'Start at step', kind: 'number' },
    { path: 'cgd.noise', label: 'Noise scale', kind: 'number' },
    { path: 'cgd.mix', label: 'Mix (1 = fully projected)', kind: 'number' },
    { path: 'cgd.basisFile', label: 'Fixed basis file', kind: 'text', nullable: true },
  ],
  lyapunov: [
    { path: 'lyapunov.k', label: 'Exponents k (or "all")', kind: 'number', word: 'all' },
    { path: 'lyapunov.saveAt', label: 'Save vectors at steps', kind: 'list' },
    { path: 'lyapunov.saveAtEpochs', label: 'Save vectors after epochs', kind: 'list' },
    { path: 'lyapunov.explicitSteps', label: 'Explicit-product cross-check steps', kind: 'number' },
  ],
  replicas: [
    {
      path: 'replicas.strategy',
      label: 'Perturbation',
      kind: 'select',
      options: ['randn', 'max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence', 'file'],
    },
    { path: 'replicas.eps', label: 'ε values', kind: 'list' },
    { path: 'replicas.seeds', label: 'Seeds', kind: 'list' },
    { path: 'replicas.lyapunovSource', label: 'Lyapunov source (run id or file)', kind: 'text', nullable: true },
    { path: 'replicas.lyapunovStep', label: 'Saved vectors of step (empty = latest)', kind: 'number', nullable: true },
    { path: 'replicas.directionFile', label: 'Direction file', kind: 'text', nullable: true },
  ],
};
export const ALL_FIELDS: FieldSpec[] = Object.values(FIELDS).flat();

type Obj = Record<string, unknown>;
function get(o: Obj, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
}
function set(o: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Obj;
  cur[keys[keys.length - 1]] = value;
}

export interface FormState {
  raw: Record<string, string>;
  enabled: Record<OptionalSection, boolean>;
}

export function toForm(config: RunConfig): FormState {
  const raw: Record<string, string> = {};
  const c = config as unknown as Obj;
  for (const f of ALL_FIELDS) {
    const v = get(c, f.path);
    raw[f.path] = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  }
  // Sensible values for sections that are off, so that switching them on starts from defaults.
  for (const [path, v] of Object.entries(SECTION_DEFAULTS)) if (get(c, path.split('.')[0]) === null) raw[path] = v;
  if (config.model.kind === 'mlp') Object.assign(raw, { 'model.baseChannels': '4', 'model.blocks': '1' });
  else raw['model.hidden'] = '20';
  return { raw, enabled: { cgd: config.cgd !== null, lyapunov: config.lyapunov !== null, replicas: config.replicas !== null } };
}
const SECTION_DEFAULTS: Record<string, string> = {
  'cgd.prune': 'neg',
  'cgd.select': 'magnitude',
  'cgd.start': '0',
  'cgd.noise': '0',
  'cgd.mix': '1',
  'lyapunov.k': '32',
  'lyapunov.explicitSteps': '0',
  'replicas.strategy': 'randn',
  'replicas.eps': '0.1',
  'replicas.seeds': '0, 1, 2, 3, 4',
};

function parseNumber(s: string, f: FieldSpec): unknown {
  const t = s.trim();
  if (t === '') return f.nullable ? null : s;
  if (f.word && t === f.word) return t;
  const n = Number(t);
  return Number.isNaN(n) ? s : n;
}

/** The config object the form describes (not yet validated). */
export function fromForm(form: FormState): Obj {
  const out: Obj = { cgd: null, lyapunov: null, replicas: null };
  const kind = form.raw['model.kind'];
  for (const f of ALL_FIELDS) {
    const section = f.path.split('.')[0];
    if ((OPTIONAL_SECTIONS as readonly string[]).includes(section) && !form.enabled[section as OptionalSection]) continue;
    if (f.model && f.model !== kind) continue;
    const s = form.raw[f.path] ?? '';
    let v: unknown;
    if (f.kind === 'number') v = parseNumber(s, f);
    else if (f.kind === 'list') {
      const parts = s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
      v = parts.every((p) => !Number.isNaN(Number(p))) ? parts.map(Number) : s;
    } else if (f.kind === 'tags')
      v = s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '');
    else v = f.nullable && s.trim() === '' ? null : s;
    set(out, f.path, v);
  }
  return out;
}
