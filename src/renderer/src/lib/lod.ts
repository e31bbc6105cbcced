// Level of detail for line charts: per pixel column keep the first, min, max and last sample, so a 40,000-point
// series draws as at most 4 points per pixel column and looks identical to the full polyline.
import type { GrowSeries } from './series';

/**
 * Decimated polyline in pixel coordinates for samples with step in [x0, x1] (plus one neighbour each side).
 * `px` and `py` map data to pixels; non-finite y (log of ≤ 0, NaN) breaks the line.
 */
export function decimate(s: GrowSeries, x0: number, x1: number, px: (x: number) => number, py: (y: number) => number): Float64Array {
  const from = Math.max(0, s.lowerBound(x0) - 1);
  const to = Math.min(s.length, s.lowerBound(x1) + 1);
  const out: number[] = [];
  let col = NaN;
  let first = 0,
    last = 0,
    minY = 0,
    maxY = 0;
  const flush = (): void => {
    if (Number.isNaN(col)) return;
    out.push(col, first);
    if (minY !== first && minY !== last) out.push(col, minY);
    if (maxY !== first && maxY !== last && maxY !== minY) out.push(col, maxY);
    if (last !== first) out.push(col, last);
  };
  for (let i = from; i < to; i++) {
    const y = py(s.values[i]);
    const c = Math.round(px(s.steps[i]));
    if (!Number.isFinite(y)) {
      flush();
      out.push(c, NaN);
      col = NaN;
      continue;
    }
    if (c !== col) {
      flush();
      col = c;
      first = last = minY = maxY = y;
    } else {
      last = y;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  flush();
  return Float64Array.from(out);
}
