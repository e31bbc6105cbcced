// Statistics of a group of runs (seeds) or replica curves, aligned by step: mean, a band, min, max and the
// member count per step. One implementation for the Compare view, the CLI, reports and CSV export.
import { studentTQuantile } from './student-t';

/** The band drawn around a group mean: 95 % t-interval, ± one standard error, or min–max. */
export type BandKind = 'ci95' | 'se' | 'minmax';
/** What a metric's values can be: bands are clipped to it. */
export type Domain = 'real' | 'nonneg' | 'positive' | 'unit';

export interface Aligned {
  /** The union of the members' steps, ascending. */
  steps: Float64Array;
  /** index[j][i]: the position of steps[i] in member j, or −1 where member j has no point at that step. */
  index: Int32Array[];
}

/** Members' step lists merged on their union (each member's steps ascend: one cursor per member). */
export function alignByStep(members: { steps: ArrayLike<number> }[]): Aligned {
  const all = new Set<number>();
  for (const m of members) for (let i = 0; i < m.steps.length; i++) all.add(m.steps[i]);
  const steps = Float64Array.from(all).sort();
  const index = members.map((m) => {
    const at = new Int32Array(steps.length).fill(-1);
    let j = 0;
    for (let i = 0; i < m.steps.length; i++) {
      while (steps[j] < m.steps[i]) j++;
      at[j] = i;
    }
    return at;
  });
  return { steps, index };
}

/** Each member's values on the aligned steps, NaN where it has no point. */
export function alignedColumns(members: { steps: ArrayLike<number>; values: ArrayLike<number> }[]): { steps: Float64Array; columns: Float64Array[] } {
  const { steps, index } = alignByStep(members);
  return { steps, columns: members.map((m, j) => Float64Array.from(index[j], (i) => (i < 0 ? NaN : m.values[i]))) };
}

export interface GroupBand {
  steps: Float64Array;
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Finite member values at each step. */
  count: Float64Array;
  /** Members in the group, and the band actually drawn (min–max whenever there are fewer than 3). */
  n: number;
  kind: BandKind;
}

const clip = (v: number, d: Domain): number => {
  if (!Number.isFinite(v)) return v;
  if (d === 'unit') return Math.min(1, Math.max(0, v));
  if (d === 'nonneg') return Math.max(0, v);
  return v;
};

/**
 * Per-step group statistics. The band is `kind` (default 95 % t-interval) for groups of 3 or more, and min–max
 * for smaller ones (a t-band from 2 values is ±12.7·SE: meaningless). Bands are clipped to the metric's domain;
 * on a positive domain (log axes) a lower edge ≤ 0 becomes the smallest member value at that step.
 */
export function groupBand(members: { steps: ArrayLike<number>; values: ArrayLike<number> }[], opts: { kind?: BandKind; domain?: Domain } = {}): GroupBand {
  const { steps, columns } = alignedColumns(members);
  const n = members.length;
  const kind: BandKind = n < 3 ? 'minmax' : (opts.kind ?? 'ci95');
  const domain = opts.domain ?? 'real';
  const len = steps.length;
  const out: GroupBand = {
    steps,
    mean: new Float64Array(len),
    lo: new Float64Array(len),
    hi: new Float64Array(len),
    min: new Float64Array(len),
    max: new Float64Array(len),
    count: new Float64Array(len),
    n,
    kind,
  };
  const tq = new Map<number, number>();
  for (let i = 0; i < len; i++) {
    let c = 0;
    let sum = 0;
    let mn = Infinity;
    let mx = -Infinity;
    for (const col of columns) {
      const v = col[i];
      if (!Number.isFinite(v)) continue;
      c++;
      sum += v;
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    const mean = c ? sum / c : NaN;
    let ss = 0;
    for (const col of columns) if (Number.isFinite(col[i])) ss += (col[i] - mean) ** 2;
    const se = c >= 2 ? Math.sqrt(ss / (c - 1) / c) : NaN;
    let half = NaN;
    if (kind === 'se') half = se;
    else if (kind === 'ci95' && c >= 2) {
      if (!tq.has(c)) tq.set(c, studentTQuantile(0.975, c - 1));
      half = (tq.get(c) as number) * se;
    }
    out.mean[i] = mean;
    out.min[i] = c ? mn : NaN;
    out.max[i] = c ? mx : NaN;
    out.count[i] = c;
    out.lo[i] = kind === 'minmax' ? out.min[i] : clip(mean - half, domain);
    out.hi[i] = kind === 'minmax' ? out.max[i] : clip(mean + half, domain);
    if (domain === 'positive' && !(out.lo[i] > 0)) out.lo[i] = out.min[i];
  }
  return out;
}

/** How a band is named in legends: "mean ± 95 % CI (n = 5)", "min–max (n = 2)". */
export function bandLabel(b: Pick<GroupBand, 'kind' | 'n'>): string {
  const what = b.kind === 'ci95' ? 'mean ± 95 % CI' : b.kind === 'se' ? 'mean ± SE' : 'mean, min–max';
  return `${what} (n = ${b.n})`;
}
