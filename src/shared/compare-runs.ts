// Pure helpers of the Compare view: the config fields that differ, groups of runs that differ only by seed, and
// a spectrum step every compared run has (run colours: charts/palette.ts). No DOM, no Node: unit-tested in Node.
import type { RunConfig } from './config';

type Obj = Record<string, unknown>;
/** Dotted paths → leaf values (arrays as JSON). */
export function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Obj)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = v === undefined ? '—' : JSON.stringify(v);
  return out;
}

/**
 * Rows of the config table: only the fields whose values are not all equal. A section that is null in one run
 * (cgd, lyapunov, replicas switched off) and set in another shows its fields, with 'off' for that run.
 */
export function configDiff(configs: RunConfig[]): { field: string; values: string[] }[] {
  const flat = configs.map((c) => flatten(c));
  const fields = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  const sections = new Set(fields.filter((f) => fields.some((g) => g.startsWith(`${f}.`))));
  const section = (field: string): string => field.slice(0, field.indexOf('.'));
  return fields
    .filter((field) => !sections.has(field))
    .map((field) => ({ field, values: flat.map((f) => f[field] ?? (field.includes('.') && f[section(field)] === 'null' ? 'off' : '—')) }))
    .filter((r) => new Set(r.values).size > 1);
}

/** Fields that do not change what is computed, apart from the seed. */
const NOT_EXPERIMENT = ['name', 'tags', 'notes', 'checkpointEvery'];

/** The config without seed and labels: runs with equal keys differ only by seed. */
export function seedGroupKey(c: RunConfig): string {
  const f = flatten(c);
  for (const k of [...NOT_EXPERIMENT, 'seed']) delete f[k];
  return JSON.stringify(Object.entries(f).sort(([a], [b]) => a.localeCompare(b)));
}

/** Runs grouped by seedGroupKey, in the order of `runs`; each group's members keep that order. */
export function seedGroups<T extends { id: string; config: RunConfig }>(runs: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of runs) {
    const k = seedGroupKey(r.config);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()];
}

/** The largest step ≤ every run's last step at which every run computed a spectrum (null: there is none). */
export function commonSpectrumStep(runs: { lastStep: number; every: number }[]): number | null {
  if (!runs.length || runs.some((r) => r.every <= 0 || r.lastStep < 0)) return null;
  const last = Math.min(...runs.map((r) => r.lastStep));
  for (let s = last; s >= 0; s--) if (runs.every((r) => s % r.every === 0)) return s;
  return null;
}
