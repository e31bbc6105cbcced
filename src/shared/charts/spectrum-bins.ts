// Binning of Hessian spectra on the symlog λ axis, y = sign(λ)·log10(1 + |λ|/C) (scales.ts SYMLOG_C), so that a
// 40,000-step spectrogram is 40,000 small count columns instead of millions of eigenvalues.
import type { SpectrumFrame } from '../frames';
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
  counts: Uint16Array;
  /** Chaotic eigenvalues per bin by the shared rule isChaotic(λ, γ, τ) (every λ < −τ, and λ > 2/γ). */
  chaotic: Uint16Array;
  nullCount: number;
  nullTol: number;
  n: number;
  min: number;
  max: number;
}

/** Counts per bin of a spectrum taken with learning rate `lr` (which eigenvalues are chaotic depends on it). */
export function binSpectrum(f: SpectrumFrame, lr: number): SpectrumColumn {
  const counts = new Uint16Array(BINS);
  const chaotic = new Uint16Array(BINS);
  let min = Infinity;
  let max = -Infinity;
  for (const l of f.eigenvalues) {
    const b = binOf(l);
    counts[b]++;
    if (isChaotic(l, lr, f.nullTol)) chaotic[b]++;
    if (l < min) min = l;
    if (l > max) max = l;
  }
  return { step: f.step, counts, chaotic, nullCount: f.nullCount, nullTol: f.nullTol, n: f.n, min, max };
}

/** Occupied bins of some columns, one spare on each side; at least `around` bins each side of λ = 0. */
export function occupiedBins(columns: SpectrumColumn[], around = 8): [number, number] {
  let lo = BINS;
  let hi = -1;
  for (const c of columns)
    for (let b = 0; b < BINS; b++)
      if (c.counts[b]) {
        if (b < lo) lo = b;
        if (b > hi) hi = b;
      }
  return [Math.max(0, Math.min(lo - 1, BINS / 2 - around)), Math.min(BINS - 1, Math.max(hi + 1, BINS / 2 + around - 1))];
}
