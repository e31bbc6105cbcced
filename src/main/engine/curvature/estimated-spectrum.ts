// The Hessian spectrum of one step estimated from exact Hessian-vector products (spectrum.method 'lanczos',
// DESIGN §6): the top-k and bottom-k eigenpairs by Lanczos with their measured residuals and, with probes, the
// SLQ density with its standard error and the Hutch++ trace. Random starts are seeded from the run's seed and the
// step, so a resumed run draws the same probes.
import type { SpectrumConfig } from '../../../shared/config';
import type { EstimatedSpectrumFrame } from '../../../shared/frames';
import { qrThin } from '../linalg/eigh';
import { lanczosExtremes, type LanczosExtremes } from '../linalg/lanczos';
import type { LinearMap } from '../linalg/linear-map';
import { Rng } from '../rng';
import { stochasticSpectrum, type SpectralDensity } from './slq';

export type LanczosSpectrumConfig = Extract<SpectrumConfig, { method: 'lanczos' }>;

/** Convergence tolerance of the extremes: 'partial' reorthogonalisation gives Ritz vectors to O(√ε) only (linalg/lanczos.ts). */
export const LANCZOS_TOL = { full: 1e-10, partial: 1e-8 } as const;

export interface EstimatedSpectrum {
  n: number;
  extremes: LanczosExtremes;
  density: SpectralDensity | null;
  /** Null tolerance τ: spectrum.nullTol, else n·ε·max|λ| as for the exact spectrum (DESIGN §2). */
  tau: number;
  /** The 2k computed eigenvalues, bottom-k ascending then top-k descending; `vector(i)` is the Ritz vector of value i. */
  values: Float64Array;
  vector(i: number): Float64Array;
}

/** The seed of step `step`'s random starts and probes, from the run's seed. */
export const spectrumSeed = (runSeed: number, step: number): number => new Rng(runSeed, `spectrum@${step}`).u32();

/** The estimate at one step: `density` false skips the SLQ density (a replica's CGD needs only the extremes). */
export function estimateSpectrum(
  apply: LinearMap,
  n: number,
  cfg: LanczosSpectrumConfig,
  o: { lr: number; seed: number; density: boolean },
): EstimatedSpectrum {
  const extremes = lanczosExtremes(apply, n, {
    k: cfg.k,
    steps: cfg.lanczosSteps,
    reorthogonalize: cfg.reorthogonalize,
    tol: LANCZOS_TOL[cfg.reorthogonalize],
    seed: o.seed,
  });
  const tau = cfg.nullTol ?? n * Number.EPSILON * extremes.scale;
  const density =
    o.density && cfg.probes !== null
      ? stochasticSpectrum(apply, n, { probes: cfg.probes, steps: Math.min(cfg.slqSteps, n), seed: o.seed, lr: o.lr, nullTol: tau })
      : null;
  const { top, bottom } = extremes;
  const k = bottom.values.length;
  const values = new Float64Array(k + top.values.length);
  values.set(bottom.values);
  values.set(top.values, k);
  const vector = (i: number): Float64Array => (i < k ? bottom.vectors.subarray(i * n, (i + 1) * n) : top.vectors.subarray((i - k) * n, (i - k + 1) * n));
  return { n, extremes, density, tau, values, vector };
}

/**
 * An orthonormal basis of the span of the chosen Ritz vectors (vector j at j*n): what CGD projects off and the
 * Lyapunov Jacobian holds fixed. 'full' Ritz vectors are orthonormal to working precision already; 'partial' ones
 * only to O(√ε), which the QR repairs, so that the projected gradient is orthogonal to them to round-off.
 */
export function prunedBasis(est: EstimatedSpectrum, pruned: number[]): Float64Array {
  const { n } = est;
  if (pruned.length === 0) return new Float64Array(0);
  const v = new Float64Array(pruned.length * n);
  pruned.forEach((i, j) => v.set(est.vector(i), j * n));
  return qrThin(v, n, pruned.length).q;
}

/** What the store keeps of the estimate at `step`. */
export function estimatedFrame(est: EstimatedSpectrum, step: number): EstimatedSpectrumFrame {
  const { extremes: e, density: d } = est;
  return {
    step,
    n: est.n,
    lanczosSteps: e.steps,
    top: e.top.values,
    topResiduals: e.top.residuals,
    bottom: e.bottom.values,
    bottomResiduals: e.bottom.residuals,
    nullTol: est.tau,
    density: d && {
      probes: d.nodes.length,
      steps: Math.max(...d.nodes.map((v) => v.length)),
      sigma: d.sigma,
      countTol: d.countTol,
      lo: d.grid[0],
      hi: d.grid[d.grid.length - 1],
      values: d.density,
      se: d.densitySe,
    },
  };
}
