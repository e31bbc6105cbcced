// Pure helpers of the Compare view: the config fields that differ, groups of runs that differ only by seed, how
// often a run has a spectrum, and a spectrum step every compared run has (run colours: charts/palette.ts). No DOM, no Node: unit-tested in Node.
import type { ConfigPath, RunConfig } from './config';
import { LEAVES, readAt, showValue } from './config';

/**
 * Rows of the config table, in table order: only the fields whose values are not all equal, labelled from the
 * field table, values in words (showValue). A section switched off in a run shows 'off'; a field of another
 * model kind '—'.
 */
export function configDiff(configs: RunConfig[]): { field: ConfigPath; label: string; values: string[] }[] {
  return LEAVES.flatMap((leaf) => {
    const raw = configs.map((c) => readAt(c, leaf.path));
    if (new Set(raw.map((v) => JSON.stringify(v))).size <= 1) return [];
    const cell = (c: RunConfig, v: unknown): string => (v !== undefined ? showValue(leaf, v) : c[leaf.group as keyof RunConfig] === null ? 'off' : '—');
    return [{ field: leaf.path, label: leaf.label, values: configs.map((c, i) => cell(c, raw[i])) }];
  });
}

/** The config without seed and bookkeeping fields (name, tags, …): runs with equal keys differ only by seed. */
export function seedGroupKey(c: RunConfig): string {
  // A field of a section that is off is [], a present value [v]: off and null stay apart.
  const values = LEAVES.filter((l) => !l.bookkeeping && l.path !== 'seed').map((l) => readAt(c, l.path));
  return JSON.stringify(values.map((v) => (v === undefined ? [] : [v])));
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

/** Every how many steps a run computes the Hessian spectrum (0: never): every step under CGD with the per-step basis or with Lyapunov exponents. */
export function spectrumEvery(c: RunConfig): number {
  return (c.cgd && !c.cgd.basisFile) || c.lyapunov ? 1 : c.spectrum.every;
}

/** The largest step ≤ every run's last step at which every run computed a spectrum (null: there is none). */
export function commonSpectrumStep(runs: { lastStep: number; every: number }[]): number | null {
  if (!runs.length || runs.some((r) => r.every <= 0 || r.lastStep < 0)) return null;
  const last = Math.min(...runs.map((r) => r.lastStep));
  for (let s = last; s >= 0; s--) if (runs.every((r) => s % r.every === 0)) return s;
  return null;
}
