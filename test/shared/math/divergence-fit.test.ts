// The divergence fits every view, the CLI and reports use (DESIGN §2): d² = a·t + b·t² + d₀² with a, b ≥ 0 and d₀
// measured, the early exponential rate, the late power law and the crossover.
import { describe, expect, it } from 'vitest';
import { detectCrossover, exponentialRate, fitDivergence, fittedDistance, powerLaw } from '../../../src/shared/math/divergence-fit';
import { leastSquares } from '../../../src/shared/math/least-squares';
import { Rng } from '../../../src/main/engine/rng';

const range = (from: number, to: number) => Float64Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('fitDivergence: d² = a·t + b·t² + d₀², a, b ≥ 0, d₀ measured', () => {
  it('recovers exact coefficients from noiseless data, d₀ from the first point', () => {
    const t = range(0, 3000);
    const d = t.map((s) => Math.sqrt(2e-3 * s + 5e-7 * s * s + 0.01));
    const f = fitDivergence(t, d);
    expect(f.a).toBeCloseTo(2e-3, 12);
    expect(f.b / 5e-7).toBeCloseTo(1, 9);
    expect(f.d0sq).toBe(d[0] * d[0]);
    expect(f.se.d0sq).toBe(0);
    expect(f.atBound).toEqual([]);
    expect(f.r2).toBeCloseTo(1, 12);
    expect([f.n, f.skipped, f.t0]).toEqual([3001, 0, 0]);
    expect(fittedDistance(f, 1234)).toBeCloseTo(d[1234], 10);
  });

  it('recovers known a, b from noisy data within 3 SE; unusable points are skipped and counted', () => {
    const rng = new Rng(21);
    const t = range(0, 2000);
    const truth = { a: 3e-3, b: 2e-7, d0sq: 0.01 };
    const sigma = 0.01;
    const d = t.map((s) => Math.sqrt(truth.a * s + truth.b * s * s + truth.d0sq + (s === 0 ? 0 : sigma * rng.normal())));
    d[5] = NaN;
    d[17] = Infinity;
    const f = fitDivergence(t, d);
    expect([f.skipped, f.n]).toEqual([2, 1999]);
    for (const key of ['a', 'b'] as const) {
      expect(Math.abs(f[key] - truth[key])).toBeLessThan(3 * f.se[key]);
      expect(f.se[key]).toBeGreaterThan(0);
    }
  });

  it('holds b at 0 where unconstrained least squares would make it negative (a concave d², as in a saturating curve)', () => {
    const t = range(0, 500);
    const d = t.map((s) => Math.sqrt(0.01 + 4e-3 * s - 4e-6 * s * s));
    // The unconstrained fit really is infeasible here: b < 0.
    const s = Float64Array.from(t);
    const free = leastSquares(
      [s, s.map((v) => v * v)],
      Float64Array.from(d, (v) => v * v - 0.01),
      'check',
    );
    expect(free.beta[1]).toBeLessThan(0);
    const f = fitDivergence(t, d);
    expect(f.b).toBe(0);
    expect(f.a).toBeGreaterThan(0);
    expect(f.atBound).toEqual(['b']);
    expect(f.se.b).toBeNaN();
    // KKT: with b = 0, a is the one-coefficient least-squares slope.
    const y = Float64Array.from(d, (v) => v * v - 0.01);
    const aStar = s.reduce((acc, v, i) => acc + v * y[i], 0) / s.reduce((acc, v) => acc + v * v, 0);
    expect(f.a).toBeCloseTo(aStar, 14);
  });

  it('holds both at 0 for a shrinking curve, never a negative d₀²', () => {
    const t = range(0, 100);
    const d = t.map((s) => 0.1 * Math.exp(-s / 50));
    const f = fitDivergence(t, d);
    expect([f.a, f.b]).toEqual([0, 0]);
    expect(f.atBound).toEqual(['a', 'b']);
    expect(f.d0sq).toBeCloseTo(0.01, 15);
  });

  it('errors clearly on too few points or mismatched lengths', () => {
    expect(() => fitDivergence([1, 2, 3], [1, 2, 3])).toThrow(/need at least 4 usable points, got 3/);
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
