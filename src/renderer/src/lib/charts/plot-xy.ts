// What a line chart plots for one series: its values against step or against another logged scalar of the
// same run (joined on step), optionally EMA-smoothed. Points keep their step and their index in the source
// series, so readouts, bands and CSV export refer back to the stored values.
import { ema } from '../../../../shared/math/ema';
import { GrowSeries } from '../state/series';

export interface PlotXY {
  /** x in `steps`, y in `values`, sorted by x (ties keep step order). */
  xy: GrowSeries;
  /** Step of each point. */
  step: ArrayLike<number>;
  /** Index of each point in the source series. */
  idx: ArrayLike<number> | null;
  /** x is not monotonic in step: drawn as dots, not joined. */
  scatter: boolean;
  /** EMA of the y values in step order (null: no smoothing), indexed like `xy`. */
  smooth: Float64Array | null;
}

function wrap(steps: Float64Array, values: Float64Array, length: number): GrowSeries {
  const g = new GrowSeries(0);
  g.steps = steps;
  g.values = values;
  g.length = length;
  return g;
}

/** `data` against `xs` (null: against step), smoothed with factor `alpha` (0: none). */
export function plotXY(data: GrowSeries, xs: GrowSeries | null, alpha: number): PlotXY {
  if (!xs) return { xy: data, step: data.steps, idx: null, scatter: false, smooth: alpha > 0 ? ema(data.values, data.length, alpha) : null };
  const n = data.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const step = new Float64Array(n);
  const idx = new Int32Array(n);
  let k = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const s = data.steps[i];
    while (j < xs.length && xs.steps[j] < s) j++;
    if (j < xs.length && xs.steps[j] === s && Number.isFinite(xs.values[j])) {
      x[k] = xs.values[j];
      y[k] = data.values[i];
      step[k] = s;
      idx[k] = i;
      k++;
    }
  }
  const smoothInStepOrder = alpha > 0 ? ema(y, k, alpha) : null;
  let monotonic = true;
  for (let i = 1; i < k && monotonic; i++) monotonic = x[i] >= x[i - 1];
  if (monotonic) return { xy: wrap(x, y, k), step: step.subarray(0, k), idx: idx.subarray(0, k), scatter: false, smooth: smoothInStepOrder };
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
  const pick = <T extends Float64Array | Int32Array>(a: T, out: T): T => {
    order.forEach((o, i) => (out[i] = a[o]));
    return out;
  };
  return {
    xy: wrap(pick(x, new Float64Array(k)), pick(y, new Float64Array(k)), k),
    step: pick(step, new Float64Array(k)),
    idx: pick(idx, new Int32Array(k)),
    scatter: true,
    smooth: smoothInStepOrder ? pick(smoothInStepOrder, new Float64Array(k)) : null,
  };
}
