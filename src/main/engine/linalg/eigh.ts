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
  lib.setNumThreads(threadsFor());
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
