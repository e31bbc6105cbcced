// The replica divergence analysis (DESIGN §2, paper Fig. 3): per replica and per ε-group (mean over seeds), the
// fit d(t)² = a·t + b·t² + d₀², the early exponential rate and the late power law around the detected crossover.
// The engine stores it with every replica run; the app, the CLI and reports show it.
import type { PerturbStrategy } from '../config';
import type { ReplicaFrame } from '../frames';
import { detectCrossover, exponentialRate, fitDivergence, powerLaw } from './divergence-fit';
import type { BandKind } from './group';
import { groupBand } from './group';

/** One replica's direction strategy ('all' expands into the four Lyapunov ones). */
export type ReplicaStrategy = Exclude<PerturbStrategy, 'all'>;
/** The paper's perturb_strat=all: one replica per Lyapunov strategy (the origin is the run itself). */
export const ALL_STRATEGIES: readonly ReplicaStrategy[] = ['max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence'];

export interface ReplicaLabel {
  eps: number;
  seed: number;
  strategy: ReplicaStrategy;
}

/** The replicas of a run in the order of ReplicaFrame.distances: for each seed, for each ε, one per strategy. */
export function replicaLabels(r: { eps: number[]; seeds: number[]; strategy: PerturbStrategy }): ReplicaLabel[] {
  const strategies = r.strategy === 'all' ? ALL_STRATEGIES : [r.strategy];
  return r.seeds.flatMap((seed) => r.eps.flatMap((eps) => strategies.map((strategy) => ({ eps, seed, strategy }))));
}

/** The quadratic fit, and the two regimes when the curve has enough usable (t > 0, d > 0) points. */
export function analyseCurve(t: Float64Array, d: Float64Array) {
  let quad: ReturnType<typeof fitDivergence> | null = null;
  let note: string | null = null;
  try {
    quad = fitDivergence(t, d);
  } catch (e) {
    note = `d² not fitted: ${(e as Error).message}`;
  }
  try {
    const crossover = detectCrossover(t, d);
    const early = exponentialRate(t, d, -Infinity, crossover.step - 1);
    const late = powerLaw(t, d, crossover.step, Infinity);
    return { quad, crossover, early, late, regimes: note };
  } catch (e) {
    return { quad, crossover: null, early: null, late: null, regimes: [note, `regimes not fitted: ${(e as Error).message}`].filter(Boolean).join('; ') };
  }
}
export type CurveAnalysis = ReturnType<typeof analyseCurve>;

/**
 * Distance curves of one ε as one group (replicas of a run, or of every run in a seed group): the band around
 * their mean (min–max under 3 curves) and the analysis of the mean curve.
 */
export function groupDivergence(curves: { steps: ArrayLike<number>; values: ArrayLike<number> }[], kind?: BandKind) {
  const band = groupBand(curves, { kind, domain: 'nonneg' });
  return { curves: curves.length, band, analysis: analyseCurve(band.steps, band.mean) };
}
export type GroupDivergence = ReturnType<typeof groupDivergence>;

/**
 * Replica curves grouped by strategy and ε, in order of first appearance (each pair is one experiment; the seeds are
 * its samples; only strategy 'all' gives several strategies).
 */
export function byGroup<T>(labels: ReplicaLabel[], curve: (r: number) => T): { eps: number; strategy: ReplicaStrategy; curves: T[] }[] {
  const keys = [...new Map(labels.map((l) => [`${l.strategy} ${l.eps}`, { eps: l.eps, strategy: l.strategy }])).values()];
  return keys.map(({ eps, strategy }) => ({ eps, strategy, curves: labels.flatMap((l, r) => (l.eps === eps && l.strategy === strategy ? [curve(r)] : [])) }));
}

export function divergenceAnalysis(frames: ReplicaFrame[], labels: ReplicaLabel[]) {
  const t = Float64Array.from(frames, (f) => f.step);
  const series = labels.map((_, r) => Float64Array.from(frames, (f) => f.distances[r]));
  const replicas = labels.map((label, r) => ({ ...label, ...analyseCurve(t, series[r]) }));
  const groups = byGroup(labels, (r) => ({ steps: t, values: series[r] })).map(({ eps, strategy, curves }) => {
    const { band, analysis } = groupDivergence(curves);
    return {
      eps,
      strategy,
      seeds: curves.length,
      ...analysis,
      band: {
        kind: band.kind,
        lo: Array.from(band.lo),
        hi: Array.from(band.hi),
        min: Array.from(band.min),
        max: Array.from(band.max),
        mean: Array.from(band.mean),
      },
    };
  });
  return { steps: Array.from(t), replicas, groups };
}
export type DivergenceAnalysis = ReturnType<typeof divergenceAnalysis>;
