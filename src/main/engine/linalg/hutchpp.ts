// Hutch++ (Meyer, Musco, Musco, Woodruff 2021): tr(A) of a symmetric operator from 3s products.
// S, G: n×s Rademacher; Q = orth(A S); tr(A) ≈ tr(QᵀAQ) + (1/s) Σ_i g_iᵀ(I − QQᵀ)A(I − QQᵀ)g_i.
// The first term is exact; the second is Hutchinson's estimator on the deflated A_d = (I − QQᵀ)A(I − QQᵀ), with
// Var(gᵀA_d g) = 2(‖A_d‖_F² − Σ_k (A_d)_kk²) ≤ 2‖A_d‖_F² for Rademacher g, and ‖A_d‖_F² estimated without bias by
// the mean of ‖A_d g_i‖² from the same products: standard error √(2·mean‖A_d g_i‖² / s), an upper bound.
import { matmul, qrThin } from './eigh';
import type { LinearMap } from './linear-map';
import type { Rng } from '../rng';

export interface TraceEstimate {
  value: number;
  /** Standard error (bound, see above); 0 when A has rank < s (then Q spans range(A) and the value is exact). */
  se: number;
  matvecs: number;
}

const rademacher = (rng: Rng, len: number): Float64Array => Float64Array.from({ length: len }, () => (rng.u32() & 1 ? 1 : -1));

/** Σ_i x_iᵀ y_i for i < k (vectors at i*n): the traces of k quadratic forms, one per vector. */
function quadratic(x: Float64Array, y: Float64Array, k: number, n: number): Float64Array {
  return Float64Array.from({ length: k }, (_, i) => {
    let s = 0;
    for (let c = i * n; c < (i + 1) * n; c++) s += x[c] * y[c];
    return s;
  });
}

/** Hutch++ with s = `probes` vectors per set (3s products); refuses s < 2 or s > n naming spectrum.probes. */
export function hutchpp(apply: LinearMap, n: number, probes: number, rng: Rng): TraceEstimate {
  const s = probes;
  if (!Number.isInteger(s) || s < 2 || s > n) throw new Error(`spectrum.probes: must be an integer from 2 to n = ${n}, got ${probes}`);
  const q = qrThin(apply(rademacher(rng, s * n), s), n, s).q;
  const low = quadratic(q, apply(q, s), s, n).reduce((a, b) => a + b, 0);
  const g = deflate(q, rademacher(rng, s * n), s, n);
  const ag = apply(g, s);
  const samples = quadratic(g, ag, s, n);
  const adg = deflate(q, ag, s, n);
  const frob2 = quadratic(adg, adg, s, n).reduce((a, b) => a + b, 0) / s;
  return { value: low + samples.reduce((a, b) => a + b, 0) / s, se: Math.sqrt((2 * frob2) / s), matvecs: 3 * s };
}

/** V ← (I − QQᵀ)V for s vectors (rows) against the s orthonormal rows of Q, twice for working precision. */
function deflate(q: Float64Array, v: Float64Array, s: number, n: number): Float64Array {
  for (let pass = 0; pass < 2; pass++) {
    const qtv = matmul(q, columnsOf(v, s, n), s, n, s); // entry (i, j) = q_iᵀ v_j
    const coeff = new Float64Array(s * s);
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) coeff[j * s + i] = qtv[i * s + j];
    const proj = matmul(coeff, q, s, s, n);
    for (let i = 0; i < v.length; i++) v[i] -= proj[i];
  }
  return v;
}

/** k vectors stored as rows (vector j at j*n) → the n×k row-major matrix with them as columns. */
function columnsOf(rows: Float64Array, k: number, n: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) out[i * k + j] = rows[j * n + i];
  return out;
}
