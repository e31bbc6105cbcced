import { describe, expect, it } from 'vitest';
import { LyapunovQR } from '../../../../src/main/engine/chaos/lyapunov';
import { explicitProductExponents } from '../../../helpers/explicit-product';
import type { LinearMap } from '../../../../src/main/engine/linalg/linear-map';
import { eigh, qrThin } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';
import { logAbsDet } from '../../../helpers/matrices';

/** Dense row-major dim×dim matrix as a LinearMap on contiguous vectors. */
function denseMap(m: Float64Array, dim: number): LinearMap {
  return (v, k) => {
    const out = new Float64Array(k * dim);
    for (let j = 0; j < k; j++)
      for (let r = 0; r < dim; r++) {
        let s = 0;
        for (let c = 0; c < dim; c++) s += m[r * dim + c] * v[j * dim + c];
        out[j * dim + r] = s;
      }
    return out;
  };
}

function randomMatrix(dim: number, rng: Rng, scale: number): Float64Array {
  return Float64Array.from({ length: dim * dim }, () => rng.normal() * scale);
}

/** Random orthogonal matrix (row-major; its rows are the QR vectors). */
function randomOrthogonal(dim: number, rng: Rng): Float64Array {
  return qrThin(randomMatrix(dim, rng, 1), dim, dim).q;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

function identityVectors(dim: number, k: number): Float64Array {
  const q = new Float64Array(dim * k);
  for (let j = 0; j < k; j++) q[j * dim + j] = 1;
  return q;
}

describe('LyapunovQR', () => {
  it('sum of exponents equals the mean log|det J_t| (random dense J_t, dim 12, 200 steps)', () => {
    const dim = 12;
    const rng = new Rng(1, 'det');
    const lyap = LyapunovQR.random(dim, dim, new Rng(1, 'q0'));
    let logDet = 0;
    for (let t = 0; t < 200; t++) {
      const j = randomMatrix(dim, rng, 1.3 / Math.sqrt(dim));
      logDet += logAbsDet(j, dim);
      lyap.step(denseMap(j, dim));
    }
    const expected = logDet / 200;
    expect(Math.abs(expected)).toBeGreaterThan(0.1);
    const sum = lyap.exponents().reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - expected) / Math.abs(expected)).toBeLessThan(1e-9);
    expect(lyap.t).toBe(200);
    // Exponents are descending and the vectors stay orthonormal.
    const ex = lyap.exponents();
    for (let i = 1; i < dim; i++) expect(ex[i]).toBeLessThanOrEqual(ex[i - 1]);
    const v = lyap.vectors();
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += v[a * dim + i] * v[b * dim + i];
        expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
  });

  it('a diagonal map gives log|d_i|: exactly from the coordinate axes, to O(1/t) from a random start', () => {
    const d = [0.5, -2.5, 1.0, 1.7, -0.9, 0.2];
    const dim = d.length;
    const m = new Float64Array(dim * dim);
    d.forEach((v, i) => (m[i * dim + i] = v));
    const expected = d.map((v) => Math.log(Math.abs(v))).sort((a, b) => b - a);

    const exact = LyapunovQR.identity(dim, dim);
    expect(exact.getState().q).toEqual(identityVectors(dim, dim));
    for (let t = 0; t < 50; t++) exact.step(denseMap(m, dim));
    exact.exponents().forEach((l, i) => expect(l).toBeCloseTo(expected[i], 14));
    // Top vector is ±e_1 (|d| = 2.5).
    expect(Math.abs(exact.vectors()[1])).toBeCloseTo(1, 14);

    const lyap = LyapunovQR.random(dim, 3, new Rng(2));
    for (let t = 0; t < 4000; t++) lyap.step(denseMap(m, dim));
    lyap.exponents().forEach((l, i) => expect(Math.abs(l - expected[i])).toBeLessThan(2e-3));
    expect(lyap.paperConvention()[0]).toBeCloseTo(Math.exp(2 * lyap.exponents()[0]), 12);
  });

  it('a rotated non-normal map gives the logs of its eigenvalue moduli', () => {
    // T upper triangular with a 2×2 rotation block (eigenvalues 1.2·e^{±0.7i}) and large off-diagonal coupling;
    // J = S T S⁻¹ with S = orthogonal·diag scaling, so J is far from normal.
    const dim = 6;
    const t = new Float64Array(dim * dim);
    const diag = [1.5, 0, 0, 0.8, -0.6, 0.3];
    diag.forEach((v, i) => (t[i * dim + i] = v));
    const r = 1.2;
    const phi = 0.7;
    t[1 * dim + 1] = r * Math.cos(phi);
    t[1 * dim + 2] = -r * Math.sin(phi);
    t[2 * dim + 1] = r * Math.sin(phi);
    t[2 * dim + 2] = r * Math.cos(phi);
    const rng = new Rng(3);
    for (let i = 0; i < dim; i++) for (let j = i + 1; j < dim; j++) if (!(i === 1 && j === 2)) t[i * dim + j] = 3 * rng.normal();
    const o = randomOrthogonal(dim, rng);
    const scale = [1, 3, 0.5, 2, 1, 0.7];
    const s = Float64Array.from(o, (v, idx) => v * scale[idx % dim]);
    const sInv = Float64Array.from(transpose(o, dim), (v, idx) => v / scale[Math.floor(idx / dim)]);
    const j = matmul(matmul(s, t, dim), sInv, dim);
    const expected = [1.5, r, r, 0.8, 0.6, 0.3].map(Math.log).sort((a, b) => b - a);

    const lyap = LyapunovQR.random(dim, dim, new Rng(4));
    const steps = 20000;
    for (let k = 0; k < steps; k++) lyap.step(denseMap(j, dim));
    lyap.exponents().forEach((l, i) => expect(Math.abs(l - expected[i])).toBeLessThan(2e-3));
  });

  it('explicit product: equals QR started on the right singular vectors of Y_t, and sums agree from any start', () => {
    const dim = 8;
    const steps = 10;
    const rng = new Rng(5);
    const js: Float64Array[] = [];
    for (let s = 0; s < steps; s++) {
      // SGD-like symmetric J = I − γH, H = 0.25(G + Gᵀ)/√(2·dim) indefinite with |λ| ≲ 0.5, γ = 0.8: the
      // singular values of Y_t stay within ~[0.6^t, 1.4^t], so eigh of YᵀY keeps ~11 digits of every one.
      const g = randomMatrix(dim, rng, 1);
      const h = g.map((v, idx) => (0.25 * (v + g[(idx % dim) * dim + Math.floor(idx / dim)])) / Math.sqrt(2 * dim));
      js.push(h.map((v, idx) => (idx % (dim + 1) === 0 ? 1 : 0) - 0.8 * v));
    }
    const explicit = explicitProductExponents(js, dim);
    for (let i = 1; i < dim; i++) expect(explicit[i]).toBeLessThanOrEqual(explicit[i - 1]);

    // Y = J_t…J_1; V = eigenvectors of YᵀY, descending. Y V = U Σ has orthogonal columns, so QR of the
    // product has R = Σ, and the stepwise QR's diagonals multiply to it: QR exponents = explicit exactly.
    let y = js[0];
    for (let s = 1; s < steps; s++) y = matmul(js[s], y, dim);
    const { vectors } = eigh(matmul(transpose(y, dim), y, dim), dim);
    const v = new Float64Array(dim * dim);
    for (let c = 0; c < dim; c++) v.set((vectors as Float64Array).subarray((dim - 1 - c) * dim, (dim - c) * dim), c * dim);
    const aligned = new LyapunovQR(dim, dim, v);
    const random = LyapunovQR.random(dim, dim, new Rng(6));
    for (const jt of js) {
      aligned.step(denseMap(jt, dim));
      random.step(denseMap(jt, dim));
    }
    aligned.exponents().forEach((l, i) => expect(Math.abs(l - explicit[i])).toBeLessThan(1e-10));
    const sum = (a: Float64Array) => a.reduce((x, z) => x + z, 0);
    expect(Math.abs(sum(random.exponents()) - sum(explicit))).toBeLessThan(1e-12);
  });

  it('resumes bit for bit from getState/fromState', () => {
    const dim = 10;
    const rng = new Rng(7);
    const maps = Array.from({ length: 20 }, () => denseMap(randomMatrix(dim, rng, 0.5), dim));
    const a = LyapunovQR.random(dim, 4, new Rng(8));
    for (let s = 0; s < 10; s++) a.step(maps[s]);
    const state = a.getState();
    // As a checkpoint would: through plain number arrays.
    const b = LyapunovQR.fromState(dim, 4, { t: state.t, sums: Float64Array.from([...state.sums]), q: Float64Array.from([...state.q]) });
    for (let s = 10; s < 20; s++) {
      a.step(maps[s]);
      b.step(maps[s]);
    }
    expect(b.t).toBe(20);
    expect(Array.from(b.exponents())).toEqual(Array.from(a.exponents()));
    expect(Array.from(b.vectors())).toEqual(Array.from(a.vectors()));
  });

  it('an orthonormal init is kept; bad input is rejected with a clear message', () => {
    const dim = 5;
    const q = randomOrthogonal(dim, new Rng(9)).slice(0, 2 * dim);
    const l = new LyapunovQR(dim, 2, q);
    const back = l.getState().q;
    back.forEach((v, i) => expect(Math.abs(v - q[i])).toBeLessThan(1e-14));
    expect(() => new LyapunovQR(dim, 2, new Float64Array(7))).toThrow(/length 7, expected k·dim = 2·5 = 10/);
    expect(() => new LyapunovQR(dim, 6, new Float64Array(30))).toThrow(/k must be an integer in \[1, dim = 5\], got 6/);
    const dep = new Float64Array(2 * dim);
    dep[0] = 1;
    dep[dim] = 2;
    expect(() => new LyapunovQR(dim, 2, dep)).toThrow(/vector 1 is linearly dependent/);
    expect(() => l.exponents()).toThrow(/before the first step/);
    expect(() => l.step((v) => v.map((x, i) => (i === 3 ? NaN : x)))).toThrow(/step 1: J·Q is not finite \(vector 0, component 3\)/);
    expect(() => l.step(() => new Float64Array(3))).toThrow(/returned 3 values, expected k·dim = 10/);
    expect(() => explicitProductExponents([new Float64Array(4), new Float64Array(3)], 2)).toThrow(/Jacobian 1 has length 3, expected 2×2 = 4/);
  });
});
