// The Hessian's spectral density by stochastic Lanczos quadrature (DESIGN §6), with its error.
// For a Rademacher probe z (‖z‖² = n) and v = z/√n, the spectral measure μ_v = Σ_j (vᵀu_j)² δ_{λ_j} has
// E[μ_v] = (1/n) Σ_j δ_{λ_j}, the spectral density. m Lanczos steps from v give μ_v's Gauss quadrature: nodes
// θ_i (eigenvalues of T_m) and weights w_i (squared first components of T_m's eigenvectors), exact for
// polynomials of degree < 2m. Every estimate is a spectral sum tr f(H) = E[zᵀf(H)z], estimated per probe by
// X = n·Σ_i w_i f(θ_i) and averaged over the P probes. Its standard error: for Rademacher z,
// Var(zᵀf(H)z) = 2(‖f(H)‖_F² − Σ_k f(H)_kk²) ≤ 2 tr f(H)², and tr f(H)² is estimated by the same quadrature,
// so SE = √(2·mean_p n·Σ_i w_i f(θ_i)² / P): an upper bound, steadier than the spread of a few heavy-tailed
// samples. The quadrature error is small when f varies on scales the m nodes resolve, hence:
// - the density is smoothed by a Gaussian of width σ (default: the nodes' spread / m), in eigenvalues per unit λ;
// - counts are those of that smoothed density, e.g. N(λ < t) = Σ_j Φ((t − λ_j)/σ), at thresholds ±τ_c with
//   τ_c = max(τ, 4σ): SLQ cannot separate eigenvalues within ~σ of 0 from the null space, whose leak into the
//   counts is then ≤ n·Φ(−4) = 3·10⁻⁵·n.
// The trace comes from Hutch++ (linalg/hutchpp.ts), ‖H‖_F from the quadrature (exact for λ²).
import { lanczosRun, tridiagonalEigen } from '../linalg/lanczos';
import type { LinearMap } from '../linalg/linear-map';
import { hutchpp, type TraceEstimate } from '../linalg/hutchpp';
import { Rng } from '../rng';

export interface SlqOptions {
  /** Rademacher probes P (spectrum.probes), ≥ 2. */
  probes: number;
  /** Lanczos steps per probe m (spectrum.slqSteps). */
  steps: number;
  seed: number;
  /** Learning rate γ for the chaotic count: (1 − γλ)² > 1. */
  lr: number;
  /** τ: |λ| ≤ τ is null (the counts use max(τ, 4σ)). */
  nullTol: number;
  /** Kernel width σ; default: the spread of all nodes / m. */
  sigma?: number;
  /** Grid points of the density, uniform over [min θ − 3σ, max θ + 3σ]; default 256. */
  gridPoints?: number;
}

/** An estimate and its standard error. */
export interface Estimate {
  value: number;
  se: number;
}

export interface SpectralDensity {
  n: number;
  /** Gauss quadrature of each probe: nodes ascending, weights summing to 1. */
  nodes: Float64Array[];
  weights: Float64Array[];
  sigma: number;
  grid: Float64Array;
  /** Eigenvalues per unit λ (integrates to n) and its standard error, on the grid. */
  density: Float64Array;
  densitySe: Float64Array;
  /** τ_c = max(τ, 4σ): the null band of the counts. */
  countTol: number;
  /** Counts of the smoothed density: λ < −τ_c, λ > τ_c, |λ| ≤ τ_c, and the chaotic ones (λ < −τ_c; λ > max(τ_c, 2/γ); both). */
  counts: { negative: Estimate; positive: Estimate; null: Estimate; chaoticNeg: Estimate; chaoticPos: Estimate; chaotic: Estimate };
  trace: TraceEstimate;
  frobenius: Estimate;
  /** Extreme Ritz values over all probes: inside [λ_min, λ_max], converging to them. */
  ritzMin: number;
  ritzMax: number;
  matvecs: number;
}

/** Refuses probe counts and step budgets that give no estimate, naming the config field. */
export function checkSlqOptions(n: number, opts: SlqOptions): void {
  if (!Number.isInteger(opts.probes) || opts.probes < 2 || opts.probes > n)
    throw new Error(`spectrum.probes: must be an integer from 2 to n = ${n} (the error estimate needs two or more), got ${opts.probes}`);
  if (!Number.isInteger(opts.steps) || opts.steps < 1) throw new Error(`spectrum.slqSteps: must be a positive integer, got ${opts.steps}`);
  if (!(opts.lr > 0)) throw new Error(`train.lr: must be > 0, got ${opts.lr}`);
  if (!(opts.nullTol >= 0)) throw new Error(`spectrum.nullTol: must be ≥ 0, got ${opts.nullTol}`);
  if (opts.sigma !== undefined && !(opts.sigma > 0)) throw new Error(`sigma: must be > 0, got ${opts.sigma}`);
  if (opts.gridPoints !== undefined && !(Number.isInteger(opts.gridPoints) && opts.gridPoints >= 2))
    throw new Error(`gridPoints: must be an integer ≥ 2, got ${opts.gridPoints}`);
}

/** Φ, the standard normal CDF, via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** tr f(H) from the probes' quadratures: the mean of X_p = n·Σ_i w_i f(θ_i) and its standard error (see above). */
function spectralSum(nodes: Float64Array[], weights: Float64Array[], n: number, f: (x: number) => number): Estimate {
  let x = 0;
  let x2 = 0;
  nodes.forEach((th, p) => {
    for (let i = 0; i < th.length; i++) {
      const v = f(th[i]);
      x += weights[p][i] * v;
      x2 += weights[p][i] * v * v;
    }
  });
  const P = nodes.length;
  return { value: (n * x) / P, se: Math.sqrt((2 * n * x2) / P / P) };
}

/** Spectral density, counts, trace and Frobenius norm of the symmetric operator `apply` (n×n). */
export function stochasticSpectrum(apply: LinearMap, n: number, opts: SlqOptions): SpectralDensity {
  checkSlqOptions(n, opts);
  const rng = new Rng(opts.seed, 'slq');
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  for (let p = 0; p < opts.probes; p++) {
    const z = Float64Array.from({ length: n }, () => (rng.u32() & 1 ? 1 : -1));
    const t = tridiagonalEigen(lanczosRun(apply, z, { maxSteps: opts.steps, reorthogonalize: 'none' }));
    const m = t.values.length;
    nodes.push(t.values);
    weights.push(Float64Array.from({ length: m }, (_, i) => t.vectors[i * m] ** 2));
  }
  let ritzMin = Infinity;
  let ritzMax = -Infinity;
  for (const v of nodes) {
    ritzMin = Math.min(ritzMin, v[0]);
    ritzMax = Math.max(ritzMax, v[v.length - 1]);
  }
  const sigma = opts.sigma ?? Math.max(ritzMax - ritzMin, Number.MIN_VALUE) / opts.steps;
  const g = opts.gridPoints ?? 256;
  const lo = ritzMin - 3 * sigma;
  const hi = ritzMax + 3 * sigma;
  const grid = Float64Array.from({ length: g }, (_, i) => lo + ((hi - lo) * i) / (g - 1));
  const kernel = 1 / (sigma * Math.sqrt(2 * Math.PI));
  const density = new Float64Array(g);
  const densitySe = new Float64Array(g);
  grid.forEach((t, i) => {
    const e = spectralSum(nodes, weights, n, (x) => kernel * Math.exp(-0.5 * ((t - x) / sigma) ** 2));
    density[i] = e.value;
    densitySe[i] = e.se;
  });
  const tc = Math.max(opts.nullTol, 4 * sigma);
  // Chaotic (DESIGN §2, isChaotic in spectrum.ts): every λ < −τ, and the λ > τ with (1 − γλ)² > 1, i.e. λ > 2/γ.
  const c = Math.max(tc, 2 / opts.lr);
  const below = (t: number) => (x: number) => normalCdf((t - x) / sigma);
  const above = (t: number) => (x: number) => normalCdf((x - t) / sigma);
  const sum = (f: (x: number) => number) => spectralSum(nodes, weights, n, f);
  const fro2 = sum((x) => x * x);
  const trace = hutchpp(apply, n, opts.probes, new Rng(opts.seed, 'hutch++'));
  return {
    n,
    nodes,
    weights,
    sigma,
    grid,
    density,
    densitySe,
    countTol: tc,
    counts: {
      negative: sum(below(-tc)),
      positive: sum(above(tc)),
      null: sum((x) => 1 - below(-tc)(x) - above(tc)(x)),
      chaoticNeg: sum(below(-tc)),
      chaoticPos: sum(above(c)),
      chaotic: sum((x) => below(-tc)(x) + above(c)(x)),
    },
    trace,
    // ‖H‖_F = √tr(H²), its standard error by first-order propagation.
    frobenius: { value: Math.sqrt(fro2.value), se: fro2.se / (2 * Math.sqrt(fro2.value)) },
    ritzMin,
    ritzMax,
    matvecs: nodes.reduce((a, v) => a + v.length, 0) + trace.matvecs,
  };
}
