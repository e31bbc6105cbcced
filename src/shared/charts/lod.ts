// Level of detail for dense lines: per pixel column keep the first, min, max and last sample, so a 40,000-point
// series draws as at most 4 points per column and looks identical to the full polyline (on canvas and in SVG).
import type { XY } from './spec';

/** First index i < length with x[i] ≥ v (x ascending). */
export function lowerBound(x: ArrayLike<number>, length: number, v: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [from, to) of the samples with x in [x0, x1] plus one neighbour on each side. */
export function visibleRange(x: ArrayLike<number>, length: number, x0: number, x1: number): [number, number] {
  return [Math.max(0, lowerBound(x, length, x0) - 1), Math.min(length, lowerBound(x, length, x1) + 1)];
}

/**
 * Decimated polyline in pixel coordinates (x, y pairs) for the samples with x in [x0, x1] plus a neighbour on
 * each side; `px`/`py` map data to pixels. A sample with a non-finite pixel y (log of ≤ 0, NaN) breaks the line
 * and is emitted as (x, NaN).
 */
export function decimate(d: XY, x0: number, x1: number, px: (v: number) => number, py: (v: number) => number, columns = 1): Float64Array {
  const [from, to] = visibleRange(d.x, d.length, x0, x1);
  const out: number[] = [];
  let col = NaN;
  let first = 0;
  let last = 0;
  let minY = 0;
  let maxY = 0;
  const flush = (): void => {
    if (Number.isNaN(col)) return;
    out.push(col, first);
    if (minY !== first && minY !== last) out.push(col, minY);
    if (maxY !== first && maxY !== last && maxY !== minY) out.push(col, maxY);
    if (last !== first) out.push(col, last);
  };
  for (let i = from; i < to; i++) {
    const y = py(d.y[i]);
    const c = Math.round(px(d.x[i]) * columns) / columns;
    if (!Number.isFinite(y) || !Number.isFinite(c)) {
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
