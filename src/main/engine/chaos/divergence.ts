// The replica divergence analysis of a finished (or interrupted) run: per-replica fits of
// d(t)² = a·t + b·t² + d₀², the early exponential rate and late power law around the detected crossover,
// and the same on the mean over seeds for each ε (DESIGN §2, paper Fig. 3).
import type { ReplicaFrame } from '../../../shared/frames';
import { detectCrossover, exponentialRate, fitDivergence, groupMean, powerLaw } from './fit';

export interface ReplicaLabel {
  eps: number;
  seed: number;
}

/** The quadratic fit always; the two regimes when the curve has enough usable (t > 0, d > 0) points. */
function analyse(t: Float64Array, d: Float64Array) {
  const quad = fitDivergence(t, d);
  try {
    const crossover = detectCrossover(t, d);
    const early = exponentialRate(t, d, -Infinity, crossover.step - 1);
    const late = powerLaw(t, d, crossover.step, Infinity);
    return { quad, crossover, early, late, regimes: null };
  } catch (e) {
    return { quad, crossover: null, early: null, late: null, regimes: `not fitted: ${(e as Error).message}` };
  }
}

export function divergenceAnalysis(frames: ReplicaFrame[], labels: ReplicaLabel[]) {
  const t = Float64Array.from(frames, (f) => f.step);
  const series = labels.map((_, r) => Float64Array.from(frames, (f) => f.distances[r]));
  const replicas = labels.map((label, r) => ({ ...label, ...analyse(t, series[r]) }));
  const groups = [...new Set(labels.map((l) => l.eps))].map((eps) => {
    const members = labels.flatMap((l, r) => (l.eps === eps ? [series[r]] : []));
    const stats = groupMean(members);
    return {
      eps,
      seeds: members.length,
      ...analyse(t, stats.mean),
      band: { lo: Array.from(stats.lo), hi: Array.from(stats.hi), min: Array.from(stats.min), max: Array.from(stats.max), mean: Array.from(stats.mean) },
    };
  });
  return { steps: Array.from(t), replicas, groups };
}
export type DivergenceAnalysis = ReturnType<typeof divergenceAnalysis>;
