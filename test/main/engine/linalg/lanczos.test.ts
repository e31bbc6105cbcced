// Lanczos (linalg/lanczos.ts) on dense symmetric matrices with known spectra: extremes with clustered,
// repeated and null eigenvalues (full and partial reorthogonalisation), Gauss quadrature exactness of the
// plain recurrence, breakdown on an invariant Krylov space, refusals naming the config field.
// Tolerances: eigenvalues 1e-10·‖A‖; measured residuals ≤ tol·‖A‖ with tol = 1e-10 (full) / 1e-8 (partial:
// the components removed at each reorthogonalisation, up to √ε, are missing from T, so Ritz vectors are good to
// O(√ε‖A‖) while Ritz values stay at O(ε‖A‖)); orthonormality of the Ritz vectors 1e-12 (full) / 1e-8
// (partial); quadrature moments 1e-10 relative.
import { describe, expect, it } from 'vitest';
import { matmul } from '../../../../src/main/engine/linalg/eigh';
import { lanczosExtremes, lanczosRun, tridiagonalEigen } from '../../../../src/main/engine/linalg/lanczos';
import type { LinearMap } from '../../../../src/main/engine/linalg/linear-map';
import { Rng } from '../../../../src/main/engine/rng';
import { gaussian, orthoError, withSpectrum } from '../../../helpers/matrices';

/** v ↦ Av for k row-vectors: (V A)ᵀ = A Vᵀ since A is symmetric. */
const dense =
  (a: Float64Array, n: number): LinearMap =>
  (v, k) =>
    matmul(v, a, k, n, n);

/** ‖Av − λv‖ with plain loops. */
function residual(a: Float64Array, n: number, lambda: number, v: Float64Array): number {
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
    s2 += (s - lambda * v[i]) ** 2;
  }
  return Math.sqrt(s2);
}

// 400×400: a top cluster with a triple eigenvalue and a close pair, a bulk, a null space of 80 and a close
// pair at the bottom — the shapes a minibatch Hessian has.
const rng = new Rng(11, 'spectrum');
const lambda = [10, 9.5, 9.5, 9.5, 9, 8.99, ...Array.from({ length: 312 }, () => -3 + 8 * rng.uniform()), ...new Array(80).fill(0), -6, -5.999];
const N = lambda.length;
const A = withSpectrum(new Rng(12, 'basis'), lambda);
const sorted = [...lambda].sort((x, y) => x - y);
const SCALE = 10;
const TOL = { full: 1e-10, partial: 1e-8 };

describe('lanczosExtremes on a known spectrum', () => {
  it.each(['full', 'partial'] as const)('%s reorthogonalisation: top-6 and bottom-6 eigenpairs, triple and close pairs included', (mode) => {
    const r = lanczosExtremes(dense(A, N), N, { k: 6, steps: 400, reorthogonalize: mode, tol: TOL[mode], seed: 3 });
    expect(r.converged).toBe(true);
    expect(r.steps).toBeLessThan(N);
    for (let i = 0; i < 6; i++) {
      expect(Math.abs(r.top.values[i] - sorted[N - 1 - i])).toBeLessThan(1e-10 * SCALE);
      expect(Math.abs(r.bottom.values[i] - sorted[i])).toBeLessThan(1e-10 * SCALE);
    }
    for (const e of [r.top, r.bottom]) {
      for (let i = 0; i < 6; i++) {
        const v = e.vectors.subarray(i * N, (i + 1) * N);
        const measured = residual(A, N, e.values[i], v);
        expect(measured).toBeLessThanOrEqual(r.tol * r.scale);
        expect(Math.abs(e.residuals[i] - measured)).toBeLessThan(1e-13 * SCALE);
      }
      expect(orthoError(e.vectors, N, 6)).toBeLessThan(mode === 'full' ? 1e-12 : 1e-8);
    }
    if (mode === 'full') expect(r.reorthogonalizations).toBe(r.steps);
    else expect(r.reorthogonalizations).toBeLessThan(r.steps / 2);
  });

  it('finds the null space with its multiplicity when k reaches into it', () => {
    // 3 negative eigenvalues, then zeros: the bottom 8 are 3 negatives and 5 zeros.
    const lam = [-2, -1.5, -0.5, ...new Array(150).fill(0), ...Array.from({ length: 47 }, (_, i) => 0.1 + i / 10)];
    const n = lam.length;
    const a = withSpectrum(new Rng(5, 'null'), lam);
    for (const mode of ['full', 'partial'] as const) {
      const r = lanczosExtremes(dense(a, n), n, { k: 8, steps: n, reorthogonalize: mode, tol: TOL[mode], seed: 1 });
      const want = [...lam].sort((x, y) => x - y).slice(0, 8);
      for (let i = 0; i < 8; i++) expect(Math.abs(r.bottom.values[i] - want[i])).toBeLessThan(1e-10 * 5);
      expect(orthoError(r.bottom.vectors, n, 8)).toBeLessThan(mode === 'full' ? 1e-12 : 1e-8);
      expect(r.converged).toBe(true);
    }
  });

  it('is deterministic for a seed; another seed gives the same eigenvalues', () => {
    const a = lanczosExtremes(dense(A, N), N, { k: 4, steps: 300, which: 'top', seed: 9 });
    const b = lanczosExtremes(dense(A, N), N, { k: 4, steps: 300, which: 'top', seed: 9 });
    const c = lanczosExtremes(dense(A, N), N, { k: 4, steps: 300, which: 'top', seed: 10 });
    expect(a.top.values).toEqual(b.top.values);
    expect(a.top.vectors).toEqual(b.top.vectors);
    expect(a.bottom.values.length).toBe(0);
    for (let i = 0; i < 4; i++) expect(Math.abs(a.top.values[i] - c.top.values[i])).toBeLessThan(1e-10 * SCALE);
  });

  it('reports an unconverged run honestly when the step budget is too small', () => {
    const r = lanczosExtremes(dense(A, N), N, { k: 6, steps: 14, seed: 3 });
    expect(r.steps).toBe(14);
    expect(r.converged).toBe(false);
    expect(Math.max(...r.top.residuals, ...r.bottom.residuals)).toBeGreaterThan(r.tol * r.scale);
  });

  it('refuses k and step budgets naming the field; refuses non-finite products', () => {
    const op = dense(A, N);
    expect(() => lanczosExtremes(op, N, { k: 0, steps: 10 })).toThrow(/^spectrum\.k: must be an integer from 1 to n = 400 \(the number of parameters\), got 0/);
    expect(() => lanczosExtremes(op, N, { k: 401, steps: 1000 })).toThrow(/^spectrum\.k: .* got 401/);
    expect(() => lanczosExtremes(op, N, { k: 2.5, steps: 10 })).toThrow(/^spectrum\.k/);
    expect(() => lanczosExtremes(op, N, { k: 20, steps: 39 })).toThrow(
      /^spectrum\.lanczosSteps: must be an integer ≥ 40 \(2·spectrum\.k, the top and bottom k\), got 39/,
    );
    expect(() => lanczosExtremes(op, N, { k: 20, steps: 19, which: 'top' })).toThrow(/^spectrum\.lanczosSteps: must be an integer ≥ 20 \(spectrum\.k\)/);
    const bad: LinearMap = (v) => v.map(() => NaN);
    expect(() => lanczosExtremes(bad, N, { k: 2, steps: 10 })).toThrow(/Lanczos step 1: the operator returned non-finite values/);
  });
});

describe('lanczosRun without reorthogonalisation (quadrature)', () => {
  it('gives the Gauss quadrature of vᵀA^p v: exact for p < 2m', () => {
    const a = withSpectrum(
      new Rng(2, 'q'),
      Array.from({ length: 200 }, (_, i) => Math.cos(i)),
    );
    const n = 200;
    const v = gaussian(new Rng(3, 'v'), n);
    const m = 8;
    const run = lanczosRun(dense(a, n), v, { maxSteps: m, reorthogonalize: 'none' });
    expect(run.basis).toBeNull();
    const { values, vectors } = tridiagonalEigen(run);
    const vn = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    let av: Float64Array = v.map((x) => x / vn);
    const u = av.slice();
    for (let p = 0; p < 2 * m; p++) {
      const exact = u.reduce((s, x, i) => s + x * av[i], 0);
      const quad = values.reduce((s, th, i) => s + vectors[i * m] ** 2 * th ** p, 0);
      expect(Math.abs(quad - exact)).toBeLessThan(1e-10 * Math.max(1, Math.abs(exact)));
      av = matmul(av, a, 1, n, n);
    }
  });

  it('stops at an invariant Krylov space: 4 distinct eigenvalues, 4 steps, exact nodes', () => {
    const lam = Array.from({ length: 120 }, (_, i) => [-1, 0.5, 2, 3][i % 4]);
    const a = withSpectrum(new Rng(4, 'inv'), lam);
    const run = lanczosRun(dense(a, 120), gaussian(new Rng(5, 's'), 120), { maxSteps: 50, reorthogonalize: 'none' });
    expect(run.steps).toBe(4);
    const { values } = tridiagonalEigen(run);
    [-1, 0.5, 2, 3].forEach((l, i) => expect(Math.abs(values[i] - l)).toBeLessThan(1e-12));
  });

  it('refuses a zero start vector', () => {
    expect(() => lanczosRun(dense(A, N), new Float64Array(N), { maxSteps: 5, reorthogonalize: 'none' })).toThrow(/start vector must be nonzero and finite/);
  });
});
