// The exact minibatch Hessian as an m×m matrix on a subspace that contains its whole range.
// H = U·Hr·Uᵀ with U (n×m) orthonormal columns; every direction orthogonal to range(U) is an exact
// null direction of H (DESIGN §2). For the MLP, m ≈ B(C−1)+… ≪ n; for the CNN, U is a set of coordinate
// directions (the parameters whose rows of H are not structurally zero).
import { matmul } from '../linalg/eigh';

export interface Basis {
  n: number;
  m: number;
  /** Uᵀv: full parameter space → reduced coordinates, for k vectors stacked (the l-th at l·n, its image at l·m). */
  toReduced(v: Float64Array, k?: number): Float64Array;
  /** Uw: reduced coordinates → full parameter space, for k vectors stacked (the l-th at l·m, its image at l·n). */
  fromReduced(w: Float64Array, k?: number): Float64Array;
  /** Bytes the basis holds (U itself when it is not the identity). */
  bytes: number;
}

export interface ExactStep {
  loss: number;
  correct: number;
  /** Batch gradient, full space (float64). */
  grad: Float64Array;
  /** Hr = UᵀHU, m×m symmetric, row-major. */
  hr: Float64Array;
  basis: Basis;
}

/** U = the columns e_p of the identity for p in keep (ascending, distinct): Uᵀv gathers, Uw scatters. */
export function coordinateBasis(n: number, keep: Int32Array): Basis {
  const m = keep.length;
  return {
    n,
    m,
    toReduced: (v, k = 1) => {
      const r = new Float64Array(k * m);
      for (let l = 0; l < k; l++) for (let a = 0; a < m; a++) r[l * m + a] = v[l * n + keep[a]];
      return r;
    },
    fromReduced: (w, k = 1) => {
      const out = new Float64Array(k * n);
      for (let l = 0; l < k; l++) for (let a = 0; a < m; a++) out[l * n + keep[a]] = w[l * m + a];
      return out;
    },
    bytes: keep.byteLength,
  };
}

/** y = Hr·x for an m×m row-major matrix. */
export function symv(hr: Float64Array, m: number, x: Float64Array): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * m;
    for (let j = 0; j < m; j++) s += hr[row + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** H applied to k vectors (vector j at j*n): U·((UᵀV)·Hr), using Hr's symmetry so rows stay contiguous. */
export function hessianVectors(step: ExactStep, vectors: Float64Array, k: number): Float64Array {
  const { basis, hr } = step;
  const { m } = basis;
  return basis.fromReduced(matmul(basis.toReduced(vectors, k), hr, k, m, m), k);
}

/** Full-space Hessian-vector product Hv = U·Hr·Uᵀv. */
export function hessianVector(step: ExactStep, v: Float64Array): Float64Array {
  const { basis, hr } = step;
  return basis.fromReduced(symv(hr, basis.m, basis.toReduced(v)));
}
