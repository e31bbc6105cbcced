// Sweep specs: a base config plus axes, expanded into named runs (README "Sweeps"). Every expanded config goes
// through validateConfig, so unknown fields and bad values come back named — as the spec field that set them
// (`grid.train.lr`, `stages[1].set.replicas.eps`, `base.data.dir`). No Node or DOM imports here.
import type { FieldError, RunConfig } from '../config';
import { DEFAULT_CONFIG, validateConfig } from '../config';
import { PREVIOUS_RUN } from '../ipc';
import { getPath, isConfigPath, setPath } from './paths';

/** More runs than this in one sweep is a typo, not a plan. */
export const MAX_SWEEP_RUNS = 10_000;
const STAGE_ID = /^[A-Za-z0-9_-]{1,40}$/;
const DEFAULT_STAGE = 'run';

export interface SweepStage {
  /** Stage id: `{stage}` in names, and what `after` refers to. */
  stage: string;
  /** Fields this stage sets (dotted path → value), applied after the axes. */
  set: [string, unknown][];
  /** Run-name template of this stage; null: the sweep's (with "-{stage}" appended when there are several stages and it has none). */
  name: string | null;
  /** The stage whose run of the same grid point must finish first; its run id replaces "$previous" in replicas.lyapunovSource. */
  after: string | null;
}

/** One run of a sweep. Entries are numbered stage by stage: index = stage · points + point. */
export interface SweepEntry {
  index: number;
  name: string;
  stage: string;
  /** Grid point (0 … points − 1); the same for a point's runs in every stage. */
  point: number;
  /** Index of the entry that must finish first (same point, the stage named by `after`). */
  after: number | null;
  config: RunConfig;
}

export interface SweepPlan {
  title: string;
  /** Axis paths, grid axes first (in spec order; the last varies fastest), then the zip axes. */
  axes: string[];
  points: number;
  stages: string[];
  entries: SweepEntry[];
}

export type SweepResult = { ok: true; plan: SweepPlan } | { ok: false; errors: FieldError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Axis {
  /** 'grid' or 'zip': the spec field holding it. */
  kind: 'grid' | 'zip';
  path: string;
  values: unknown[];
}

/** How a value appears in a run name: null as "none", lists joined by "_". */
function label(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return v.map(label).join('_');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const related = (a: string, b: string): boolean => a === b || a.startsWith(b + '.') || b.startsWith(a + '.');

/** Reads the spec's fields, collecting errors; expansion only starts when these are clean. */
function readSpec(input: Obj, errors: FieldError[]) {
  const err = (field: string, message: string): void => void errors.push({ field, message });
  for (const k of Object.keys(input)) if (!['title', 'name', 'base', 'grid', 'zip', 'stages'].includes(k)) err(k, 'unknown field');
  const text = (key: string): string | null => {
    const v = input[key];
    if (v === undefined) return null;
    if (typeof v !== 'string' || v.trim() === '' || v.length > 200) return (err(key, 'must be a non-empty string of at most 200 characters'), null);
    return v;
  };
  const title = text('title');
  const name = text('name');
  const base = input.base ?? {};
  if (!isObj(base)) err('base', 'must be a config object');

  const axes: Axis[] = [];
  for (const kind of ['grid', 'zip'] as const) {
    const section = input[kind];
    if (section === undefined) continue;
    if (!isObj(section)) {
      err(kind, 'must be an object of field path → list of values');
      continue;
    }
    for (const [path, values] of Object.entries(section)) {
      const field = `${kind}.${path}`;
      if (!isConfigPath(path)) err(field, 'is not a config field path (dotted identifiers, e.g. "train.lr")');
      else if (path === 'name') err(field, "runs are named by the sweep's name template, not by an axis");
      else if (!Array.isArray(values) || values.length === 0) err(field, 'must be a non-empty list of values');
      else if (values.length > MAX_SWEEP_RUNS) err(field, `has ${values.length} values; at most ${MAX_SWEEP_RUNS}`);
      else {
        const clash = axes.find((a) => related(a.path, path));
        if (clash) err(field, `overlaps the axis ${clash.kind}.${clash.path}`);
        else axes.push({ kind, path, values });
      }
    }
  }
  const zips = axes.filter((a) => a.kind === 'zip');
  for (const z of zips.slice(1))
    if (z.values.length !== zips[0].values.length)
      err(`zip.${z.path}`, `has ${z.values.length} values but zip.${zips[0].path} has ${zips[0].values.length} (zip axes vary together)`);

  const stages: SweepStage[] = [];
  if (input.stages === undefined) stages.push({ stage: DEFAULT_STAGE, set: [], name: null, after: null });
  else if (!Array.isArray(input.stages) || input.stages.length === 0 || input.stages.length > 20)
    err('stages', 'must be a list of 1–20 stages {"stage", "set", "name", "after"}');
  else
    input.stages.forEach((s: unknown, i) => {
      const at = `stages[${i}]`;
      if (!isObj(s)) return err(at, 'must be an object {"stage", "set", "name", "after"}');
      for (const k of Object.keys(s)) if (!['stage', 'set', 'name', 'after'].includes(k)) err(`${at}.${k}`, 'unknown field');
      const id = s.stage;
      if (typeof id !== 'string' || !STAGE_ID.test(id)) return err(`${at}.stage`, 'must be 1–40 letters, digits, _ or -');
      if (stages.some((o) => o.stage === id)) return err(`${at}.stage`, `'${id}' is used by an earlier stage`);
      const set: [string, unknown][] = [];
      if (s.set !== undefined && !isObj(s.set)) err(`${at}.set`, 'must be an object of field path → value');
      else
        for (const [path, v] of Object.entries(s.set ?? {})) {
          if (!isConfigPath(path) || path === 'name') err(`${at}.set.${path}`, 'is not a config field path a stage can set');
          else set.push([path, v]);
        }
      const after = s.after ?? null;
      if (after !== null && (typeof after !== 'string' || !stages.some((o) => o.stage === after)))
        err(`${at}.after`, `must name an earlier stage (${stages.map((o) => o.stage).join(', ') || 'there is none'})`);
      const stageName = s.name ?? null;
      if (stageName !== null && (typeof stageName !== 'string' || stageName.trim() === '')) err(`${at}.name`, 'must be a non-empty name template');
      stages.push({ stage: id, set, name: stageName as string | null, after: after as string | null });
    });
  return { title, name, base: isObj(base) ? base : {}, axes, stages };
}

/** The spec field that set a config field the validator complained about, and the axis when it was one. */
function origin(field: string, axes: Axis[], stage: SweepStage, stageIndex: number | null): { field: string; axis?: Axis } {
  const setBy = [...stage.set].reverse().find(([p]) => related(p, field));
  if (setBy && stageIndex !== null) return { field: `stages[${stageIndex}].set.${setBy[0]}` };
  const axis = axes.find((a) => related(a.path, field));
  if (axis) return { field: `${axis.kind}.${axis.path}`, axis };
  return { field: field === '(config)' ? 'base' : `base.${field}` };
}

/** Validate a sweep spec (parsed JSON, untrusted) and expand it into its runs; errors name the spec field. */
export function expandSweep(input: unknown): SweepResult {
  if (!isObj(input)) return { ok: false, errors: [{ field: '(sweep)', message: 'must be a JSON object {"base", "grid", "zip", "name", "stages"}' }] };
  const specErrors: FieldError[] = [];
  const spec = readSpec(input, specErrors);
  if (specErrors.length) return { ok: false, errors: specErrors };
  const { axes, stages, base } = spec;
  const gridAxes = axes.filter((a) => a.kind === 'grid');
  const zipLength = axes.find((a) => a.kind === 'zip')?.values.length ?? 1;
  const points = gridAxes.reduce((n, a) => n * a.values.length, zipLength);
  if (points * stages.length > MAX_SWEEP_RUNS)
    return { ok: false, errors: [{ field: 'grid', message: `expands to ${points * stages.length} runs; at most ${MAX_SWEEP_RUNS}` }] };

  const sweepName = spec.name ?? [typeof base.name === 'string' ? base.name : DEFAULT_CONFIG.name, ...axes.map((a) => `{${a.path}}`)].join('-');
  const templates = stages.map((s) => s.name ?? (stages.length > 1 && !sweepName.includes('{stage}') ? `${sweepName}-{stage}` : sweepName));
  // One error per spec field and message (the first offending value stands for the others), at most 50.
  const errors = new Map<string, FieldError>();
  const report = (field: string, message: string, value = ''): void => {
    if (!errors.has(`${field}\n${message}`) && errors.size < 50) errors.set(`${field}\n${message}`, { field, message: message + value });
  };
  const entries: SweepEntry[] = [];
  const byName = new Map<string, number>();
  for (let si = 0; si < stages.length; si++) {
    const stage = stages[si];
    const stageField = input.stages === undefined ? null : si;
    const nameField = stageField === null || stage.name === null ? 'name' : `stages[${si}].name`;
    for (let point = 0; point < points; point++) {
      // Mixed radix: grid axes in spec order (the last varies fastest), then the zip axes together.
      const values = new Map<string, unknown>();
      let rest = point;
      const zipIndex = rest % zipLength;
      rest = Math.floor(rest / zipLength);
      for (const a of axes.filter((x) => x.kind === 'zip')) values.set(a.path, a.values[zipIndex]);
      for (let g = gridAxes.length - 1; g >= 0; g--) {
        const n = gridAxes[g].values.length;
        values.set(gridAxes[g].path, gridAxes[g].values[rest % n]);
        rest = Math.floor(rest / n);
      }
      const raw = structuredClone(base);
      const applied: [string, unknown][] = [...axes.map((a): [string, unknown] => [a.path, values.get(a.path)]), ...stage.set];
      for (const [p, v] of applied) setPath(raw, p, structuredClone(v));
      let v = validateConfig(raw);
      // null for a field that cannot be null switches its optional section off ("cgd.prune": null is plain SGD).
      if (!v.ok) {
        const failed = new Set(v.errors.map((e) => e.field));
        const failing = applied.filter(([p, x]) => x === null && failed.has(p) && DEFAULT_CONFIG[p.split('.')[0] as keyof RunConfig] === null);
        if (failing.length) {
          for (const [p] of failing) raw[p.split('.')[0]] = null;
          v = validateConfig(raw);
        }
      }
      if (!v.ok) {
        for (const e of v.errors) {
          const o = origin(e.field, axes, stage, stageField);
          report(o.field, e.message, o.axis ? ` (value ${JSON.stringify(values.get(o.axis.path))})` : '');
        }
        continue;
      }
      const config = v.config;
      let bad = false;
      const name = templates[si].replace(/\{([^{}]*)\}/g, (_m, key: string) => {
        if (key === 'stage') return stage.stage;
        if (key === 'point') return String(point);
        if (values.has(key)) return label(values.get(key));
        const x = isConfigPath(key) ? getPath(config, key) : undefined;
        if (x === undefined) {
          report(nameField, `{${key}} is not a config field (nor {stage} or {point})`);
          bad = true;
        }
        return label(x);
      });
      if (bad) continue;
      config.name = name;
      const index = si * points + point;
      const clash = byName.get(name);
      if (clash !== undefined) {
        const missing = axes.map((a) => `{${a.path}}`).filter((t) => !templates[si].includes(t));
        report(nameField, `gives the name "${name}" to runs ${clash} and ${index}${missing.length ? `; add ${missing.join(', ')} to tell them apart` : ''}`);
      }
      byName.set(name, index);
      const after = stage.after === null ? null : stages.findIndex((s) => s.stage === stage.after) * points + point;
      if (config.replicas?.lyapunovSource === PREVIOUS_RUN && after === null)
        report(
          origin('replicas.lyapunovSource', axes, stage, stageField).field,
          `"${PREVIOUS_RUN}" takes the Lyapunov vectors of an earlier stage's run: give this stage "after"`,
        );
      entries.push({ index, name, stage: stage.stage, point, after, config });
    }
  }
  if (errors.size) return { ok: false, errors: [...errors.values()] };
  return {
    ok: true,
    plan: { title: spec.title ?? sweepName, axes: axes.map((a) => a.path), points, stages: stages.map((s) => s.stage), entries },
  };
}

/** An entry's config as it runs: "$previous" in replicas.lyapunovSource becomes the run id of the entry it waited for. */
export function withSource(config: RunConfig, sourceRunId: string | null): RunConfig {
  const r = config.replicas;
  if (!r || r.lyapunovSource !== PREVIOUS_RUN) return config;
  if (!sourceRunId) throw new Error(`replicas.lyapunovSource: "${PREVIOUS_RUN}" but the run it refers to is not known`);
  return { ...config, replicas: { ...r, lyapunovSource: sourceRunId } };
}
