import { describe, expect, it } from 'vitest';
import { detectCrossover, exponentialRate, fitDivergence, groupMean, powerLaw, studentTCdf, studentTQuantile } from '../../../../src/main/engine/chaos/fit';
import { Rng } from '../../../../src/main/engine/rng';

const range = (from: number, to: number) => Float64Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('fitDivergence: d² = a·t + b·t² + d0²', () => {
  it('recovers exact coefficients from noiseless data', () => {
    const t = range(0, 3000);
    const d = t.map((s) => Math.sqrt(2e-3 * s + 5e-7 * s * s + 0.01));
    const f = fitDivergence(t, d);
    expect(f.a).toBeCloseTo(2e-3, 12);
    expect(f.b / 5e-7).toBeCloseTo(1, 9);
    expect(f.d0sq).toBeCloseTo(0.01, 10);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.n).toBe(3001);
    expect(f.skipped).toBe(0);
  });

  it('recovers known a, b, d0² from noisy data within 3 SE, and the SEs are honest', () => {
    const rng = new Rng(21);
    const t = range(1, 2000);
    const truth = { a: 3e-3, b: 2e-7, d0sq: 0.1 };
    const sigma = 0.01;
    // Noise on d² (the regression's response), then d = √d², plus two unusable points.
    const d = t.map((s) => Math.sqrt(truth.a * s + truth.b * s * s + truth.d0sq + sigma * rng.normal()));
    d[5] = NaN;
    d[17] = Infinity;
    const f = fitDivergence(t, d);
    expect(f.skipped).toBe(2);
    expect(f.n).toBe(1998);
    for (const key of ['a', 'b', 'd0sq'] as const) {
      expect(Math.abs(f[key] - truth[key])).toBeLessThan(3 * f.se[key]);
      expect(f.se[key]).toBeGreaterThan(0);
    }
    // SE(d0²) for n points is of order σ·√(9/n) for this design: the residual variance is the noise variance.
    expect(f.se.d0sq).toBeGreaterThan(sigma / Math.sqrt(2000));
    expect(f.se.d0sq).toBeLessThan((5 * sigma) / Math.sqrt(2000));
  });

  it('errors clearly on too few points or mismatched lengths', () => {
    expect(() => fitDivergence([1, 2, 3], [1, 2, 3])).toThrow(/need more than 3 usable points, got 3/);
    expect(() => fitDivergence([1, 2], [1])).toThrow(/t has length 2 but d has length 1/);
    expect(() => fitDivergence([5, 5, 5, 5], [1, 2, 3, 4])).toThrow(/singular/);
  });
});

describe('exponential rate and power law', () => {
  const t = range(0, 600);
  // ln d: exponential with rate 0.04 up to t = 200, then d ∝ t^0.6 (continuous at 200).
  const tc = 200;
  const d = t.map((s) => (s < tc ? 1e-4 * Math.exp(0.04 * s) : 1e-4 * Math.exp(0.04 * tc) * (s / tc) ** 0.6));

  it('slopes of the clean pieces are exact', () => {
    const e = exponentialRate(t, d, 0, 199);
    expect(e.slope).toBeCloseTo(0.04, 12);
    expect(e.intercept).toBeCloseTo(Math.log(1e-4), 10);
    expect(e.n).toBe(200);
    const p = powerLaw(t, d, 200, 600);
    expect(p.slope).toBeCloseTo(0.6, 12);
    expect(p.n).toBe(401);
  });

  it('noisy slopes within 3 SE; non-positive d and t ≤ 0 (power law) are skipped and counted', () => {
    const rng = new Rng(22);
    const dn = d.map((v) => v * Math.exp(0.05 * rng.normal()));
    dn[10] = 0;
    dn[11] = -1;
    const e = exponentialRate(t, dn, 0, 199);
    expect(e.skipped).toBe(2);
    expect(Math.abs(e.slope - 0.04)).toBeLessThan(3 * e.se.slope);
    const p = powerLaw(t, dn, 0, 150);
    expect(p.skipped).toBe(3); // t = 0 and the two bad d
    const late = powerLaw(t, dn, 250, 600);
    expect(Math.abs(late.slope - 0.6)).toBeLessThan(3 * late.se.slope);
  });

  it('detectCrossover finds the change of regime', () => {
    const clean = detectCrossover(t, d);
    // Both t = 200 and 201 give a zero-residual split of the clean curve (200 lies on both laws).
    expect([200, 201]).toContain(clean.step);
    expect(clean.early.rate).toBeCloseTo(0.04, 8);
    expect(clean.late.exponent).toBeCloseTo(0.6, 8);
    expect(clean.skipped).toBe(1); // t = 0
    expect(clean.sse).toBeLessThan(1e-9); // running-sum round-off only

    const rng = new Rng(23);
    const dn = d.map((v) => v * Math.exp(0.1 * rng.normal()));
    const noisy = detectCrossover(t, dn);
    expect(Math.abs(noisy.step - tc)).toBeLessThanOrEqual(10);
    expect(noisy.early.rate).toBeCloseTo(0.04, 2);
    expect(noisy.late.exponent).toBeCloseTo(0.6, 1);
    expect(noisy.index).toBe(noisy.step); // t[i] = i here
  });

  it('detectCrossover rejects unordered or short input', () => {
    expect(() => detectCrossover([1, 3, 2, 4, 5, 6], [1, 2, 3, 4, 5, 6])).toThrow(/t must increase \(t\[2\] = 2\)/);
    expect(() => detectCrossover([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toThrow(/at least 6 points/);
  });
});

describe('Student t quantile', () => {
  it('matches closed forms and tabulated values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9); // 12.7062
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.975 * 0.025), 10); // 4.3027
    const table: [number, number, number][] = [
      [0.975, 1, 12.706204736],
      [0.975, 3, 3.182446305],
      [0.975, 4, 2.776445105],
      [0.975, 10, 2.228138852],
      [0.975, 30, 2.042272456],
      [0.95, 5, 2.015048373],
      [0.995, 7, 3.499483297],
      [0.975, 1e7, 1.959964222],
    ];
    for (const [p, nu, q] of table) expect(Math.abs(studentTQuantile(p, nu) - q)).toBeLessThan(1e-8);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 8);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14);
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in \(0, 1\), got 1/);
  });
});

describe('groupMean', () => {
  it('per-index mean, 95 % t-interval, min, max over ragged series with gaps', () => {
    const g = groupMean([Float64Array.from([1, 2, 3]), Float64Array.from([2, 4, 6]), Float64Array.from([3, 6, NaN]), Float64Array.from([4, 8])]);
    // Index 0: {1,2,3,4}: mean 2.5, s² = 5/3, half-width = t_{.975,3}·√(5/3)/2 = 3.182446305·0.645497224 = 2.054260...
    expect(g.mean[0]).toBe(2.5);
    expect(g.hi[0] - 2.5).toBeCloseTo(2.0542603, 6);
    expect(g.lo[0] + g.hi[0]).toBeCloseTo(5, 12);
    // Index 1: {2,4,6,8}: mean 5, s² = 20/3, half-width = 3.182446305·√(20/3)/2 = 4.108521...
    expect(g.mean[1]).toBe(5);
    expect(g.hi[1] - 5).toBeCloseTo(4.1085205, 6);
    // Index 2: {3,6}: mean 4.5, s = 3/√2, half-width = 12.706204736·(3/√2)/√2 = 19.059307...
    expect(g.mean[2]).toBe(4.5);
    expect(g.hi[2] - 4.5).toBeCloseTo(19.0593071, 6);
    expect(Array.from(g.count)).toEqual([4, 4, 2]);
    expect(Array.from(g.min)).toEqual([1, 2, 3]);
    expect(Array.from(g.max)).toEqual([4, 8, 6]);
    const single = groupMean([Float64Array.from([7])]);
    expect(single.mean[0]).toBe(7);
    expect(single.lo[0]).toBeNaN();
  });
});
