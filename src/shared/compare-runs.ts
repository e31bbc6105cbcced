// Pure helpers of the Compare view: stable run colours, the config fields that differ, groups of runs that
// differ only by seed, and a spectrum step every compared run has. No DOM, no Node: unit-tested in Node.
import type { ConfigPath, RunConfig } from './config';
import { LEAVES, readAt, showValue } from './config';

export const PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab', '#1f3b73', '#7a5c00'];

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * One colour per run, a function of the run id: a run keeps its colour whichever other runs are compared with
 * it, unless two ids want the same slot (then the later one, in id order, takes the next free slot).
 */
export function runColors(ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const id of [...ids].sort()) {
    let slot = hash(id) % PALETTE.length;
    for (let k = 0; k < PALETTE.length && used.has(slot); k++) slot = (slot + 1) % PALETTE.length;
    used.add(slot);
    if (used.size > PALETTE.length) used.clear();
    out.set(id, PALETTE[slot]);
  }
  return out;
}

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

/** The largest step ≤ every run's last step at which every run computed a spectrum (null: there is none). */
export function commonSpectrumStep(runs: { lastStep: number; every: number }[]): number | null {
  if (!runs.length || runs.some((r) => r.every <= 0 || r.lastStep < 0)) return null;
  const last = Math.min(...runs.map((r) => r.lastStep));
  for (let s = last; s >= 0; s--) if (runs.every((r) => s % r.every === 0)) return s;
  return null;
}
