// Test matrices and naive reference checks for the linalg tests (plain loops, no library code).
import { Rng } from '../../src/main/engine/rng';
import { qrThinJs } from '../../src/main/engine/linalg/qr-js';
import type { LinearMap } from '../../src/main/engine/linalg/linear-map';

/** Runs fn with CHAOSLAB_LINALG set to `backend`, restoring the previous value afterwards. */
export function withBackend<T>(backend: 'js' | 'lapack', fn: () => T): T {
  const prev = process.env.CHAOSLAB_LINALG;
  process.env.CHAOSLAB_LINALG = backend;
  try {
    return fn();
  } finally {
    if (prev === undefined) delete process.env.CHAOSLAB_LINALG;
    else process.env.CHAOSLAB_LINALG = prev;
  }
}

export function gaussian(rng: Rng, len: number): Float64Array {
  return Float64Array.from({ length: len }, () => rng.normal());
}

/** Symmetric n×n with N(0,1) entries (GOE-like), row-major. */
export function randomSymmetric(rng: Rng, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

/** Q diag(λ) Qᵀ for a random orthogonal Q (Householder QR of a Gaussian matrix): known spectrum. */
export function withSpectrum(rng: Rng, lambda: number[]): Float64Array {
  const n = lambda.length;
  const q = qrThinJs(gaussian(rng, n * n), n, n, false).q;
  const a = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const l = lambda[j];
    if (l === 0) continue;
    const qj = j * n;
    for (let i = 0; i < n; i++) {
      const li = l * q[qj + i];
      for (let k = 0; k < n; k++) a[i * n + k] += li * q[qj + k];
    }
  }
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) a[i * n + k] = a[k * n + i];
  return a;
}

/**
 * Rank-deficient n×n matrix like an exact minibatch Hessian: BᵀB with B (r×n) whose columns outside a
 * random `active` subset are exactly zero, so whole rows/columns of the result are exact zeros.
 */
export function rankDeficient(rng: Rng, n: number, r: number, active: number): Float64Array {
  const cols = rng.sample(n, active);
  const b = new Float64Array(r * n);
  for (let k = 0; k < r; k++) for (const c of cols) b[k * n + c] = rng.normal();
  const a = new Float64Array(n * n);
  for (let k = 0; k < r; k++) {
    for (const i of cols) {
      const bi = b[k * n + i];
      for (const j of cols) a[i * n + j] += bi * b[k * n + j];
    }
  }
  return a;
}

/** max_j ‖A v_j − λ_j v_j‖₂ with v_j = vectors[j*n ..], A row-major. */
export function maxResidual(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < n; j++) {
    const vj = j * n;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * vectors[vj + k];
      const d = s - values[j] * vectors[vj + i];
      s2 += d * d;
    }
    worst = Math.max(worst, Math.sqrt(s2));
  }
  return worst;
}

/** max |VᵀV − I| over all entries, vectors stored as count contiguous vectors of length len. */
export function orthoError(v: Float64Array, len: number, count: number): number {
  let worst = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i; j < count; j++) {
      let s = 0;
      for (let k = 0; k < len; k++) s += v[i * len + k] * v[j * len + k];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** log|det M| by Gaussian elimination with partial pivoting (independent of QR). */
export function logAbsDet(m: Float64Array, n: number): number {
  const a = Float64Array.from(m);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
    s += Math.log(Math.abs(a[c * n + c]));
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
    }
  }
  return s;
}

/** The matrix of a LinearMap on dim-vectors: its images of e_0 … e_{dim−1}, i.e. column c at c·dim (column-major). */
export function denseColumns(map: LinearMap, dim: number): Float64Array {
  const e = new Float64Array(dim * dim);
  for (let j = 0; j < dim; j++) e[j * dim + j] = 1;
  return map(e, dim);
}
