// Colour scales: value → colour on a sequential map (linear or log over the domain, or discrete steps), and the
// ticks of the colour bar that explains them.
import { sequential } from './palette';
import type { ColorScale } from './spec';
import type { Tick } from './ticks';
import { axisTicks } from './ticks';
import { makeScale } from './scales';

/** Position of `v` on the scale in [0, 1] (NaN: not drawable, e.g. ≤ 0 on a log scale). */
export function colorPosition(s: ColorScale, v: number): number {
  const [lo, hi] = s.domain;
  if (!Number.isFinite(v) || (s.kind === 'log' && v <= 0)) return NaN;
  if (s.steps) return s.steps > 1 ? Math.round(((v - lo) / (hi - lo || 1)) * (s.steps - 1)) / (s.steps - 1) : 0;
  const t = s.kind === 'log' ? (hi > lo ? Math.log(v / lo) / Math.log(hi / lo) : 1) : hi > lo ? (v - lo) / (hi - lo) : 1;
  return Math.min(1, Math.max(0, t));
}

/** The colour of `v`, or null where the scale has none. */
export function colorOf(s: ColorScale, v: number): string | null {
  const t = colorPosition(s, v);
  return Number.isNaN(t) ? null : sequential(s.map, t, s.dark);
}

/** Ticks of a colour bar `length` long (bottom to top = domain lo to hi). */
export function colorBarTicks(s: ColorScale, length: number, minGap: number, size: (t: Tick) => number): Tick[] {
  const scale = makeScale(s.kind, s.domain, [length, 0]);
  const ticks = axisTicks(s.kind, scale, length, minGap, (l) => size({ value: 0, label: l }));
  // Discrete steps are indices: integer ticks only, and both ends always shown (a tick too close to an end goes).
  if (!s.steps) return ticks;
  if (s.domain[0] === s.domain[1]) return [{ value: s.domain[0], label: { text: String(s.domain[0]) } }];
  const ends = s.domain.map((v) => ({ value: v, label: { text: String(v) } }));
  const inner = ticks.filter((t) => Number.isInteger(t.value) && ends.every((e) => Math.abs(scale(e.value) - scale(t.value)) >= minGap + size(t)));
  return [ends[0], ...inner, ends[1]];
}
