// Binning of Hessian spectra on a symlog axis, y = sign(λ)·log10(1 + |λ|/C) (d3.scaleSymlog with constant C),
// so a 40,000-step spectrogram is 40,000 small count columns instead of millions of eigenvalues.
import type { SpectrumFrame } from '../../../shared/frames';

export const SYMLOG_C = 1e-3;
export const BINS = 160;
/** |λ| beyond this is clamped into the outermost bin. */
export const LAMBDA_LIMIT = 1e4;

export const symlog = (x: number): number => Math.sign(x) * Math.log10(1 + Math.abs(x) / SYMLOG_C);
export const symexp = (y: number): number => Math.sign(y) * SYMLOG_C * (10 ** Math.abs(y) - 1);
const Y_MAX = symlog(LAMBDA_LIMIT);

export function binOf(lambda: number): number {
  const t = (symlog(lambda) + Y_MAX) / (2 * Y_MAX);
  return Math.min(BINS - 1, Math.max(0, Math.floor(t * BINS)));
}
/** Eigenvalue range [lo, hi) of a bin. */
export function binRange(b: number): [number, number] {
  const y = (i: number): number => -Y_MAX + (2 * Y_MAX * i) / BINS;
  return [symexp(y(b)), symexp(y(b + 1))];
}

export interface SpectrumColumn {
  step: number;
  counts: Uint16Array;
  nullCount: number;
  nullTol: number;
  n: number;
  min: number;
  max: number;
}

export function binSpectrum(f: SpectrumFrame): SpectrumColumn {
  const counts = new Uint16Array(BINS);
  let min = Infinity;
  let max = -Infinity;
  for (const l of f.eigenvalues) {
    counts[binOf(l)]++;
    if (l < min) min = l;
    if (l > max) max = l;
  }
  return { step: f.step, counts, nullCount: f.nullCount, nullTol: f.nullTol, n: f.n, min, max };
}
