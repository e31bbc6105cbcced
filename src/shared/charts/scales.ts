// Position scales of a panel: linear, log or symlog (sign(v)·log10(1 + |v|/C), for λ that spans zero), built
// from an axis spec and the data extent. Domains are never empty and never contain what the scale cannot show.
import type { ScaleContinuousNumeric } from 'd3-scale';
import { scaleLinear, scaleLog, scaleSymlog } from 'd3-scale';

export type ScaleKind = 'linear' | 'log' | 'symlog';
export type PositionScale = ScaleContinuousNumeric<number, number>;

/** The symlog constant of λ axes: |λ| below ~1e-3 is drawn linearly (the spectra's binning uses the same). */
export const SYMLOG_C = 1e-3;

/** A scale; symlog is linear within ±`symlogConstant` (1 for counts, SYMLOG_C for eigenvalues). */
export function makeScale(kind: ScaleKind, domain: [number, number], range: [number, number], symlogConstant = 1): PositionScale {
  if (kind === 'log') return scaleLog().domain(domain).range(range);
  if (kind === 'symlog') return scaleSymlog().constant(symlogConstant).domain(domain).range(range);
  return scaleLinear().domain(domain).range(range);
}

/** Whether `v` can be placed on a scale of this kind. */
export const showable = (kind: ScaleKind, v: number): boolean => Number.isFinite(v) && (kind !== 'log' || v > 0);

/**
 * A usable domain from a data extent [lo, hi] (±Infinity when empty): widened when flat, a default when empty,
 * rounded outward to nice values on linear axes when `nice`.
 */
export function domainFor(kind: ScaleKind, lo: number, hi: number, nice = true): [number, number] {
  if (!(lo <= hi)) return kind === 'log' ? [0.1, 1] : [0, 1];
  if (hi === lo) {
    if (kind === 'log') return [lo / 2, hi * 2];
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  if (kind === 'linear' && nice) return scaleLinear().domain([lo, hi]).nice().domain() as [number, number];
  return [lo, hi];
}
