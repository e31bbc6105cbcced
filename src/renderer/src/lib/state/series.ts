// Append-only numeric series in growable typed arrays: 40,000 points cost 640 kB, not 40,000 objects.
import type { XY } from '../../../../shared/charts/spec';

export class GrowSeries {
  steps: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  static from(steps: ArrayLike<number>, values: ArrayLike<number>): GrowSeries {
    const s = new GrowSeries(Math.max(1024, steps.length * 2));
    for (let i = 0; i < steps.length; i++) s.push(steps[i], values[i]);
    return s;
  }

  /** The series as the chart core's points (x = step). */
  get xy(): XY {
    return { x: this.steps, y: this.values, length: this.length };
  }

  get lastStep(): number {
    return this.length ? this.steps[this.length - 1] : -Infinity;
  }

  /** Appends (step, value); steps at or before the last one are ignored (frames replayed after a reload). */
  push(step: number, value: number): void {
    if (step <= this.lastStep) return;
    if (this.length === this.steps.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.steps = grow(this.steps);
      this.values = grow(this.values);
    }
    this.steps[this.length] = step;
    this.values[this.length] = value;
    this.length++;
  }

  /** First index with steps[i] ≥ x (steps ascend). */
  lowerBound(x: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.steps[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
