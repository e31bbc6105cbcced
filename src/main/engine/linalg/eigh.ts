// The linear-algebra front the engine uses: LAPACK/OpenBLAS through the native addon when it is
// loaded (see lapack.ts), else portable TypeScript with identical semantics and layouts. Each call sets
// the OpenBLAS thread count it runs with (threadsFor: one thread for small eigenproblems).
import { gramAtAJs, matmulJs } from './blas-js';
import { eighJs } from './eigh-js';
import type { EighResult } from './eigh-js';
import { lapack, threadsFor } from './lapack';
import { qrThinJs } from './qr-js';
import type { QrResult } from './qr-js';

export type { EighResult } from './eigh-js';
export type { QrResult } from './qr-js';

function checkDim(fn: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

function checkBuffer(fn: string, name: string, buf: unknown, len: number, shape: string): asserts buf is Float64Array {
  if (!(buf instanceof Float64Array)) throw new TypeError(`${fn}: ${name} must be a Float64Array`);
  if (buf.length !== len) {
    throw new RangeError(`${fn}: ${name} has length ${buf.length}, expected ${len} (${shape})`);
  }
}

function checkFinite(fn: string, name: string, buf: Float64Array, stride: number, outer: string, inner: string): void {
  for (let i = 0; i < buf.length; i++) {
    if (!Number.isFinite(buf[i])) {
      const where = `${outer} ${Math.floor(i / stride)}, ${inner} ${i % stride}`;
      throw new RangeError(`${fn}: ${name}[${i}] (${where}) is ${buf[i]}; entries must be finite`);
    }
  }
}

/**
 * All eigenvalues (ascending) and, unless opts.vectors is false, orthonormal eigenvectors of the symmetric
 * n×n row-major matrix `a`; only its upper triangle is read and `a` is overwritten. Eigenvector j is
 * vectors.subarray(j*n, (j+1)*n) (LAPACK's column-major Z); the vectors buffer may be `a` itself.
 */
export function eigh(a: Float64Array, n: number, opts: { vectors?: boolean } = {}): EighResult {
  checkDim('eigh', 'n', n, 0);
  checkBuffer('eigh', 'a', a, n * n, `${n}×${n}`);
  checkFinite('eigh', 'a', a, n, 'row', 'column');
  const vectors = opts.vectors ?? true;
  const lib = lapack();
  if (!lib || n === 0) return eighJs(a, n, vectors);
  const values = new Float64Array(n);
  lib.setNumThreads(threadsFor(n));
  lib.dsyevd(a, n, values, vectors);
  return { values, vectors: vectors ? a : null };
}

/**
 * A = V Λ Vᵀ for callers that need every eigenvalue but, of the eigenvectors, mostly products: the
 * coordinates Vᵀx, the combinations Vc, and a few explicit vectors. With LAPACK, V stays factored as V = Q·Z
 * (Q: the Householder reflectors of the tridiagonal reduction, Z: the eigenvectors of the tridiagonal matrix,
 * by divide and conquer): products cost O(n²) and explicit vectors one back-transform per batch, where dsyevd
 * would back-transform all n (O(n³)). The eigenvalues are dsyevd's. Without the addon: eighJs, V explicit.
 * Measured on a reduced CNN Hessian (n = 695, one thread, CPU ms, min of 10): dsytrd 16 + dstedc 14, against
 * dsyevd 50, and dsyevr (MRRR) for the 330 vectors of one end 110 — index ranges make MRRR slower, not faster.
 */
export interface EigenSystem {
  readonly n: number;
  /** All eigenvalues, ascending. */
  readonly values: Float64Array;
  /** c = Vᵀx (c_j = v_jᵀx) for k vectors x stacked (the l-th at l·n), stacked alike. */
  coefficients(x: Float64Array, k?: number): Float64Array;
  /** Vc = Σ_j c_j v_j for k coefficient vectors stacked (the l-th at l·n), stacked alike. */
  combine(c: Float64Array, k?: number): Float64Array;
  /** Bytes the factors hold. */
  readonly bytes: number;
  /** Orthonormal eigenvectors indices[0], indices[1], …, explicit: the j-th at j·n. */
  vectors(indices: ArrayLike<number>): Float64Array;
}

/** The EigenSystem of the symmetric n×n row-major matrix `a` (upper triangle read; `a` is overwritten and kept). */
export function eigenSystem(a: Float64Array, n: number): EigenSystem {
  checkDim('eigenSystem', 'n', n, 0);
  checkBuffer('eigenSystem', 'a', a, n * n, `${n}×${n}`);
  checkFinite('eigenSystem', 'a', a, n, 'row', 'column');
  const lib = lapack();
  if (!lib || n === 0) {
    const { values, vectors } = eighJs(a, n, true);
    return explicitEigen(n, values, vectors!);
  }
  const values = new Float64Array(n);
  const z = new Float64Array(n * n);
  const tau = new Float64Array(n);
  lib.setNumThreads(threadsFor(n));
  lib.eighTridiag(a, n, values, z, tau);
  const applyQ = (c: Float64Array, k: number, transpose: boolean): Float64Array => {
    lib.setNumThreads(threadsFor(undefined, k));
    lib.applyQ(a, n, tau, c, k, transpose);
    return c;
  };
  return {
    n,
    values,
    // Vᵀx = Z(Qᵀx) with Z's rows the tridiagonal eigenvectors: rows of the result are (Qᵀx_l)ᵀZᵀ.
    coefficients: (x, k = 1) => timesTranspose(applyQ(x.slice(), k, true), z, k, n),
    // Vc = Q(Zᵀc): rows c_lᵀZ, then Q.
    combine: (c, k = 1) => applyQ(matmul(c, z, k, n, n), k, false),
    vectors: (indices) => (indices.length ? applyQ(gatherRows(z, n, indices), indices.length, false) : new Float64Array(0)),
    bytes: a.byteLength + z.byteLength + tau.byteLength,
  };
}

function explicitEigen(n: number, values: Float64Array, v: Float64Array): EigenSystem {
  return {
    n,
    values,
    coefficients: (x, k = 1) => (n ? timesTranspose(x, v, k, n) : new Float64Array(0)),
    combine: (c, k = 1) => (n ? matmul(c, v, k, n, n) : new Float64Array(0)),
    vectors: (indices) => gatherRows(v, n, indices),
    bytes: v.byteLength,
  };
}

/** X·Mᵀ for X (k×n) and M (n×n), row-major: row l holds M x_l. */
function timesTranspose(x: Float64Array, m: Float64Array, k: number, n: number): Float64Array {
  if (k === 1) return matmul(m, x, n, n, 1);
  const xt = new Float64Array(n * k);
  for (let l = 0; l < k; l++) for (let i = 0; i < n; i++) xt[i * k + l] = x[l * n + i];
  const y = matmul(m, xt, n, n, k);
  const out = new Float64Array(k * n);
  for (let i = 0; i < n; i++) for (let l = 0; l < k; l++) out[l * n + i] = y[i * k + l];
  return out;
}

/** Rows indices[0], indices[1], … of a row-major matrix with n columns, stacked. */
function gatherRows(m: Float64Array, n: number, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length * n);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i * n >= m.length) throw new RangeError(`eigenvector index ${i} is not in [0, ${m.length / n})`);
    out.set(m.subarray(i * n, (i + 1) * n), j * n);
  }
  return out;
}

/** AᵀA (cols×cols, full symmetric, row-major) of the row-major rows×cols matrix `a`. */
export function gramAtA(a: Float64Array, rows: number, cols: number): Float64Array {
  checkDim('gramAtA', 'rows', rows, 1);
  checkDim('gramAtA', 'cols', cols, 1);
  checkBuffer('gramAtA', 'a', a, rows * cols, `${rows}×${cols}`);
  const lib = lapack();
  if (!lib) return gramAtAJs(a, rows, cols);
  const c = new Float64Array(cols * cols);
  lib.setNumThreads(threadsFor());
  lib.gramAtA(a, rows, cols, c);
  return c;
}

/** A·B, row-major: `a` is m×k, `b` is k×n, the result m×n. */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  checkDim('matmul', 'm', m, 1);
  checkDim('matmul', 'k', k, 1);
  checkDim('matmul', 'n', n, 1);
  checkBuffer('matmul', 'a', a, m * k, `${m}×${k}`);
  checkBuffer('matmul', 'b', b, k * n, `${k}×${n}`);
  const lib = lapack();
  if (!lib) return matmulJs(a, b, m, k, n);
  const c = new Float64Array(m * n);
  lib.setNumThreads(threadsFor(undefined, Math.min(m, n)));
  lib.dgemm(a, b, m, k, n, c);
  return c;
}

/**
 * Thin Householder QR of `cols` column vectors of length `rows` stored contiguously (vector j at
 * a[j*rows ..], the eigenvector layout), rows ≥ cols. `a` is overwritten and returned as q (same layout);
 * rdiag is the signed diagonal of R (LAPACK dgeqrf convention), r the whole R if opts.r is set.
 */
export function qrThin(a: Float64Array, rows: number, cols: number, opts: { r?: boolean } = {}): QrResult {
  checkDim('qrThin', 'cols', cols, 1);
  checkDim('qrThin', 'rows', rows, cols);
  checkBuffer('qrThin', 'a', a, rows * cols, `${cols} vectors of length ${rows}`);
  checkFinite('qrThin', 'a', a, rows, 'vector', 'component');
  const wantR = opts.r ?? false;
  const lib = lapack();
  if (!lib) return qrThinJs(a, rows, cols, wantR);
  const rdiag = new Float64Array(cols);
  const r = wantR ? new Float64Array(cols * cols) : null;
  lib.setNumThreads(threadsFor());
  lib.qrThin(a, rows, cols, rdiag, r);
  return { q: a, rdiag, r };
}
