// Binning of Hessian spectra on the symlog λ axis, y = sign(λ)·log10(1 + |λ|/C) (scales.ts SYMLOG_C), so that a
// 40,000-step spectrogram is 40,000 small count columns instead of millions of eigenvalues. Exact spectra give
// counts; estimated ones (SLQ, DESIGN §6) the density's expected count per bin with its standard error.
import type { EstimatedSpectrumFrame, SpectralDensityFrame, SpectrumFrame } from '../frames';
import { isChaotic } from '../math/chaos';
import { SYMLOG_C } from './scales';

export const BINS = 160;
/** |λ| beyond this is clamped into the outermost bin. */
export const LAMBDA_LIMIT = 1e4;

export const symlog = (x: number): number => Math.sign(x) * Math.log10(1 + Math.abs(x) / SYMLOG_C);
export const symexp = (y: number): number => Math.sign(y) * SYMLOG_C * (10 ** Math.abs(y) - 1);
const Y_MAX = symlog(LAMBDA_LIMIT);
const edge = (i: number): number => symexp(-Y_MAX + (2 * Y_MAX * i) / BINS);

export function binOf(lambda: number): number {
  const t = (symlog(lambda) + Y_MAX) / (2 * Y_MAX);
  return Math.min(BINS - 1, Math.max(0, Math.floor(t * BINS)));
}
/** Eigenvalue range [lo, hi) of a bin. */
export function binRange(b: number): [number, number] {
  return [edge(b), edge(b + 1)];
}
/** Bins below the centre hold λ < 0 (λ = 0 is the edge between bins BINS/2 − 1 and BINS/2, up to round-off). */
export const isNegativeBin = (b: number): boolean => b < BINS / 2;
/** The bin's centre on the symlog axis. */
export const binCentre = (b: number): number => symexp(-Y_MAX + (2 * Y_MAX * (b + 0.5)) / BINS);

export interface SpectrumColumn {
  step: number;
  /** Eigenvalues per bin, the null ones (|λ| ≤ nullTol) left out: counted, or expected under an estimate. */
  counts: Float32Array;
  /** Chaotic eigenvalues per bin (expected ones under an estimate) by the shared rule isChaotic(λ, γ, τ): every λ < −τ, and λ > 2/γ. */
  chaotic: Float32Array;
  nullCount: number;
  nullTol: number;
  n: number;
  min: number;
  max: number;
  /** Set when the column is an estimate (spectrum.method 'lanczos'); then nullTol is the counts' null band τ_c. */
  estimate: ColumnEstimate | null;
}

export interface ColumnEstimate {
  /** Standard error of each bin's count (an upper bound: the integral of the density's SE over the bin). */
  se: Float32Array;
  nullSe: number;
  /** SLQ probes and Lanczos steps per probe; 0 when only the extremes were computed. */
  probes: number;
  steps: number;
  /** The Lanczos extremes: bottom-k ascending, then top-k descending. */
  ritz: Float64Array;
}

/** How an estimated column is labelled wherever it is drawn. */
export const estimateLabel = (e: ColumnEstimate): string =>
  e.probes ? `estimate (SLQ, ${e.probes} probes × ${e.steps} steps)` : 'estimate (Lanczos extremes only, no SLQ probes)';

/** Counts per bin of a spectrum taken with learning rate `lr` (which eigenvalues are chaotic depends on it). */
export function binSpectrum(f: SpectrumFrame, lr: number): SpectrumColumn {
  const counts = new Float32Array(BINS);
  const chaotic = new Float32Array(BINS);
  let min = Infinity;
  let max = -Infinity;
  for (const l of f.eigenvalues) {
    const b = binOf(l);
    counts[b]++;
    if (isChaotic(l, lr, f.nullTol)) chaotic[b]++;
    if (l < min) min = l;
    if (l > max) max = l;
  }
  return { step: f.step, counts, chaotic, nullCount: f.nullCount, nullTol: f.nullTol, n: f.n, min, max, estimate: null };
}

/** ∫ of a piecewise-linear function on the uniform grid lo … hi from lo to x (0 before lo, the total after hi). */
function integral(d: SpectralDensityFrame, v: Float64Array): (x: number) => number {
  const g = v.length;
  const h = (d.hi - d.lo) / (g - 1);
  const cum = new Float64Array(g);
  for (let i = 1; i < g; i++) cum[i] = cum[i - 1] + (h * (v[i - 1] + v[i])) / 2;
  return (x) => {
    const u = (x - d.lo) / h;
    if (!(u > 0)) return 0;
    if (u >= g - 1) return cum[g - 1];
    const i = Math.floor(u);
    const t = u - i;
    return cum[i] + h * (v[i] * t + ((v[i + 1] - v[i]) * t * t) / 2);
  };
}

/**
 * An estimated spectrum as a column: the SLQ density's mass in each bin outside the null band |λ| ≤ τ_c (whose
 * mass is the estimated null count, as the counts of DESIGN §6), each with its standard error. Without a density
 * (extremes only) the bins are empty.
 */
export function binDensity(f: EstimatedSpectrumFrame, lr: number): SpectrumColumn {
  const counts = new Float32Array(BINS);
  const chaotic = new Float32Array(BINS);
  const se = new Float32Array(BINS);
  const d = f.density;
  let nullCount = 0;
  let nullSe = 0;
  if (d) {
    const mass = integral(d, d.values);
    const err = integral(d, d.se);
    const tc = d.countTol;
    for (let b = 0; b < BINS; b++) {
      const [lo, hi] = binRange(b);
      // The parts of [lo, hi) outside [−τ_c, τ_c].
      for (const [a, z] of [
        [lo, Math.min(hi, -tc)],
        [Math.max(lo, tc), hi],
      ])
        if (z > a) {
          counts[b] += mass(z) - mass(a);
          // Chaotic: all of it below −τ_c, and what lies beyond 2/γ above it.
          chaotic[b] += a < 0 ? mass(z) - mass(a) : Math.max(0, mass(z) - mass(Math.max(a, 2 / lr)));
          se[b] += err(z) - err(a);
        }
    }
    nullCount = mass(tc) - mass(-tc);
    nullSe = err(tc) - err(-tc);
  }
  const ritz = new Float64Array(f.bottom.length + f.top.length);
  ritz.set(f.bottom);
  ritz.set(f.top, f.bottom.length);
  return {
    step: f.step,
    counts,
    chaotic,
    nullCount,
    nullTol: d ? d.countTol : f.nullTol,
    n: f.n,
    min: f.bottom[0],
    max: f.top[0],
    estimate: { se, nullSe, probes: d?.probes ?? 0, steps: d?.steps ?? 0, ritz },
  };
}

/** Bins with fewer eigenvalues than this (an estimate's far tails) count as empty. */
export const MIN_SHOWN = 0.01;

/** Occupied bins of some columns (and their extreme eigenvalues), one spare on each side; at least `around` bins each side of λ = 0. */
export function occupiedBins(columns: SpectrumColumn[], around = 8): [number, number] {
  let lo = BINS;
  let hi = -1;
  for (const c of columns) {
    for (let b = 0; b < BINS; b++)
      if (c.counts[b] >= MIN_SHOWN) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
    if (c.estimate) [lo, hi] = [Math.min(lo, binOf(c.min)), Math.max(hi, binOf(c.max))];
  }
  return [Math.max(0, Math.min(lo - 1, BINS / 2 - around)), Math.min(BINS - 1, Math.max(hi + 1, BINS / 2 + around - 1))];
}
