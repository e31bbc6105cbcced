// Tick values and labels for position axes and colour bars: about one tick per `spacing` user units on linear
// axes (human labels, format.ts), decades on log axes (1-2-5 within a decade when the axis spans less than one),
// 0 and ±10ᵏ on symlog axes thinned so that labels keep apart.
import { ticks as d3ticks, tickStep } from 'd3-array';
import type { Label } from './format';
import { decadeLabels, humanNumber, labelText } from './format';
import type { PositionScale, ScaleKind } from './scales';

export interface Tick {
  value: number;
  label: Label;
}

/**
 * Ticks of `scale` for an axis `length` long: about one per `spacing` units, fewer until labels (`size` = a
 * label's extent along the axis) keep `minGap` apart.
 */
export function axisTicks(
  kind: ScaleKind,
  scale: PositionScale,
  length: number,
  minGap: number,
  size: (l: Label) => number = () => 0,
  spacing = 2 * minGap,
  /** Symlog: the scale's constant (ticks start at the decade of the linear part). */
  constant = 1,
): Tick[] {
  const [a, b] = scale.domain();
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (kind === 'log') return logTicks(scale, lo, hi, length, minGap, size, spacing);
  if (kind === 'symlog') return symlogTicks(scale, lo, hi, minGap, size, constant);
  for (let count = Math.max(2, Math.floor(length / spacing)); count >= 1; count = Math.floor(count * 0.7)) {
    const ticks = linearTicks(lo, hi, count);
    if (count === 1 || fits(scale, ticks, minGap, size)) return ticks;
  }
  return linearTicks(lo, hi, 1);
}

export function linearTicks(lo: number, hi: number, count: number): Tick[] {
  const step = tickStep(lo, hi, count);
  return d3ticks(lo, hi, count).map((value) => ({ value, label: humanNumber(value, Math.abs(step)) }));
}

function fits(scale: PositionScale, ticks: Tick[], minGap: number, size: (l: Label) => number): boolean {
  for (let i = 1; i < ticks.length; i++) {
    const d = Math.abs(scale(ticks[i].value) - scale(ticks[i - 1].value));
    if (d < (size(ticks[i].label) + size(ticks[i - 1].label)) / 2 + minGap) return false;
  }
  return true;
}

function logTicks(scale: PositionScale, lo: number, hi: number, length: number, minGap: number, size: (l: Label) => number, spacing: number): Tick[] {
  const k0 = Math.ceil(Math.log10(lo) - 1e-9);
  const k1 = Math.floor(Math.log10(hi) + 1e-9);
  if (k1 - k0 < 1) {
    // Less than a decade: 1-2-5 (or finer) ticks read as plain numbers.
    for (let count = Math.max(2, Math.floor(length / spacing)); count >= 1; count = Math.floor(count * 0.7)) {
      const ticks = linearTicks(lo, hi, count).filter((t) => t.value > 0);
      if (count === 1 || fits(scale, ticks, minGap, size)) return withLowerSteps(scale, lo, ticks, minGap, size);
    }
  }
  // Every m-th decade so that labels keep apart.
  const decades: number[] = [];
  for (let k = k0; k <= k1; k++) decades.push(k);
  for (let m = 1; ; m++) {
    const values = decades.filter((k) => k % m === 0 || decades.length === 1).map((k) => 10 ** k);
    const labels = decadeLabels(values);
    const ticks = values.map((value, i) => ({ value, label: labels[i] }));
    if (ticks.length <= 2 || fits(scale, ticks, minGap, size)) return ticks;
  }
}

/**
 * Evenly spaced values crowd at the top of a log axis (0.5, 1, 1.5, 2 over 0.12…2.2): below the lowest, the
 * 1-2-5 values 5·10ᵏ, 2·10ᵏ, 10ᵏ, … that keep apart from the tick above them are labelled too.
 */
function withLowerSteps(scale: PositionScale, lo: number, ticks: Tick[], minGap: number, size: (l: Label) => number): Tick[] {
  if (!ticks.length) return ticks;
  const out = [...ticks];
  for (let k = Math.floor(Math.log10(ticks[0].value)); 10 ** (k + 1) > lo; k--)
    for (const m of [5, 2, 1]) {
      const value = m * 10 ** k;
      if (value >= out[0].value || value < lo) continue;
      const t = { value, label: humanNumber(value) };
      if (fits(scale, [t, out[0]], minGap, size)) out.unshift(t);
    }
  return out;
}

/** Unlabelled minor ticks of a log axis: 2…9 × 10ᵏ inside the domain, when the axis spans at least a decade. */
export function logMinorTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (Math.log10(hi / lo) < 1) return out;
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++)
    for (let m = 2; m <= 9; m++) {
      const v = m * 10 ** k;
      if (v >= lo && v <= hi) out.push(v);
    }
  return out;
}

function symlogTicks(scale: PositionScale, lo: number, hi: number, minGap: number, size: (l: Label) => number, constant: number): Tick[] {
  // Decades from the linear part (|v| ≤ constant) outward.
  const candidates = [0];
  for (let k = Math.floor(Math.log10(constant) + 1e-9); k <= 12; k++) candidates.push(10 ** k, -(10 ** k));
  const inside = candidates.filter((t) => t >= lo && t <= hi).sort((a, b) => Math.abs(b) - Math.abs(a) || b - a);
  // Largest magnitudes first (they carry the range), then smaller ones where they fit; 0 always when inside.
  const order = inside.includes(0) ? [0, ...inside.filter((t) => t !== 0)] : inside;
  // Labels are measured as 10ᵏ (the widest form) so that the plain form fits too.
  const kept: number[] = [];
  const size10 = (v: number): number => size(decadeLabels([v, 1e9])[0]);
  for (const value of order) if (kept.every((k) => Math.abs(scale(k) - scale(value)) >= (size10(k) + size10(value)) / 2 + minGap)) kept.push(value);
  kept.sort((a, b) => a - b);
  const labels = decadeLabels(kept);
  return kept.map((value, i) => ({ value, label: labels[i] }));
}

/** Plain text of tick labels (tests, CSV headers, readouts). */
export const tickTexts = (ticks: Tick[]): string[] => ticks.map((t) => labelText(t.label));
