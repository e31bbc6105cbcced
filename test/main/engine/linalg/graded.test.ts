// Graded products of triangular factors and their SVD: against the plain product and eigh where float64 holds
// them, and against closed forms and exact identities (det, orthogonality) where it does not.
import { describe, expect, it } from 'vitest';
import { GradedProduct, gradedSvd } from '../../../../src/main/engine/linalg/graded';
import { eigh, gramAtA } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';
import { orthoError } from '../../../helpers/matrices';

/** Random upper-triangular b×b factor, column-major (qrThin's R layout), diagonal ±e^{c_i}·(1 ± jitter/2). */
function factor(rng: Rng, b: number, c: number[], off: number, jitter = 1): Float64Array {
  const r = new Float64Array(b * b);
  for (let j = 0; j < b; j++)
    for (let i = 0; i <= j; i++)
      r[j * b + i] = i === j ? Math.exp(c[i]) * (1 + jitter * (rng.uniform() - 0.5)) * (rng.uniform() < 0.5 ? -1 : 1) : off * rng.normal();
  return r;
}

/** Plain row-major product P ← R·P (R column-major). */
function leftMul(r: Float64Array, p: Float64Array, b: number): Float64Array {
  const out = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = i; j < b; j++) for (let l = 0; l < b; l++) out[i * b + l] += r[j * b + i] * p[j * b + l];
  return out;
}

describe('GradedProduct and gradedSvd', () => {
  it('equals the plain product and its SVD (eigh of PᵀP) where float64 holds them: b = 7, 40 factors', () => {
    const b = 7;
    const rng = new Rng(1, 'graded');
    const g = new GradedProduct(b);
    let p: Float64Array = new Float64Array(b * b);
    for (let i = 0; i < b; i++) p[i * b + i] = 1;
    // Singular values within a factor 100 of each other, so that eigh of PᵀP (which squares the spread) is exact
    // to ~1e-13 as a reference.
    const c = [0.03, 0.02, 0, -0.01, -0.02, -0.03, -0.04];
    for (let t = 0; t < 40; t++) {
      const r = factor(rng, b, c, 0.1, 0.1);
      g.leftMultiply(r);
      p = leftMul(r, p, b);
    }
    for (let i = 0; i < b; i++) {
      const rowMax = Math.max(...Array.from(p.subarray(i * b, (i + 1) * b), Math.abs));
      for (let l = 0; l < b; l++) expect(Math.abs(Math.exp(g.rho[i]) * g.p[i * b + l] - p[i * b + l]) / rowMax).toBeLessThan(1e-13);
    }

    const svd = gradedSvd(g);
    const { values, vectors } = eigh(gramAtA(p, b, b), b);
    expect(values[b - 1] / values[0]).toBeGreaterThan(10);
    expect(values[b - 1] / values[0]).toBeLessThan(1e4);
    for (let i = 0; i < b; i++) {
      const sigma = Math.sqrt(values[b - 1 - i]);
      expect(Math.abs(Math.exp(svd.logSigma[i]) - sigma) / sigma).toBeLessThan(1e-12);
      let cos = 0;
      for (let l = 0; l < b; l++) cos += svd.right[i * b + l] * vectors![(b - 1 - i) * b + l];
      expect(1 - Math.abs(cos)).toBeLessThan(1e-12);
      // P·right_i = σ_i·left_i.
      for (let r = 0; r < b; r++) {
        let s = 0;
        for (let l = 0; l < b; l++) s += p[r * b + l] * svd.right[i * b + l];
        expect(Math.abs(s - sigma * svd.left[i * b + r])).toBeLessThan(1e-12 * Math.exp(svd.logSigma[0]));
      }
    }
    expect(orthoError(svd.left, b, b)).toBeLessThan(1e-14);
    expect(orthoError(svd.right, b, b)).toBeLessThan(1e-14);
  });

  it('keeps a product whose rows span e^{±3000} (beyond float64): Σ log σ_i = Σ_t log|det R_t|, orthonormal vectors', () => {
    const b = 6;
    const rng = new Rng(2, 'graded-extreme');
    const g = new GradedProduct(b);
    const c = [6, 3, 0.5, -0.2, -4, -8];
    let logDet = 0;
    for (let t = 0; t < 400; t++) {
      const r = factor(rng, b, c, 2);
      for (let i = 0; i < b; i++) logDet += Math.log(Math.abs(r[i * b + i]));
      g.leftMultiply(r);
    }
    expect(Math.max(...g.rho) - Math.min(...g.rho)).toBeGreaterThan(5000);
    const svd = gradedSvd(g);
    expect(svd.logSigma.every(Number.isFinite)).toBe(true);
    const sum = svd.logSigma.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum - logDet) / Math.abs(logDet)).toBeLessThan(1e-13);
    for (let i = 1; i < b; i++) expect(svd.logSigma[i]).toBeLessThan(svd.logSigma[i - 1]);
    expect(orthoError(svd.left, b, b)).toBeLessThan(1e-14);
    expect(orthoError(svd.right, b, b)).toBeLessThan(1e-14);
  });

  it('2×2 with entries e^{1000}, 0.7·e^{999}, e^{−1000}: the closed-form SVD to round-off', () => {
    const g = new GradedProduct(2);
    // One factor [[a, b], [0, d]] given in log form: first scale, then combine (column-major R).
    g.leftMultiply(Float64Array.from([1, 0, 0.7 * Math.exp(-1), Math.exp(-200)]));
    g.leftMultiply(Float64Array.from([Math.exp(500), 0, 0, Math.exp(-400)]));
    g.leftMultiply(Float64Array.from([Math.exp(500), 0, 0, Math.exp(-400)]));
    // P = [[e^1000, 0.7·e^999], [0, e^{−1000}]]: σ₁ = √(a² + b²)·(1 + O(e^{−4000})), σ₁σ₂ = |ad|,
    // right₁ = (a, b)/σ₁, left₁ = e₁.
    const svd = gradedSvd(g);
    const r = 0.7 * Math.exp(-1);
    const logS1 = 1000 + 0.5 * Math.log(1 + r * r);
    expect(Math.abs(svd.logSigma[0] - logS1)).toBeLessThan(1e-12 * 1000);
    expect(Math.abs(svd.logSigma[1] - (1000 - 1000 - logS1))).toBeLessThan(1e-12 * 1000);
    const u = [1 / Math.sqrt(1 + r * r), r / Math.sqrt(1 + r * r)];
    expect(Math.abs(Math.abs(svd.right[0] * u[0] + svd.right[1] * u[1]) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(Math.abs(svd.left[0]) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(Math.abs(svd.right[2] * -u[1] + svd.right[3] * u[0]) - 1)).toBeLessThan(1e-15);
  });
});
