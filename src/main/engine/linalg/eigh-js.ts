// Portable symmetric eigensolver, float64: Householder tridiagonalisation followed by the implicit QL
// algorithm with Wilkinson-type shifts (EISPACK tred2/tql2, as transcribed in JAMA).
//
// Layout trick: JAMA works on V (row-major, lower triangle) and walks its columns in every inner loop.
// We store W = Vᵀ instead, so all inner loops run over contiguous memory, and at the end row j of W is
// eigenvector j — exactly the LAPACK column-major Z layout (eigenvector j at w[j*n .. (j+1)*n)).
// For a row-major symmetric input, W = Vᵀ means only the upper triangle of `a` is read.

/** Convergence guard for the QL sweeps: at most this many iterations per eigenvalue. */
const MAX_SWEEPS = 60;
const EPS = 2 ** -52;

export interface EighResult {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvector j at vectors.subarray(j*n, (j+1)*n), orthonormal; null when not requested. */
  vectors: Float64Array | null;
}

/**
 * All eigenvalues (ascending) and optionally eigenvectors of the symmetric n×n row-major matrix `a`.
 * Reads the upper triangle only; `a` is overwritten and, with vectors, returned as the vectors buffer.
 */
export function eighJs(a: Float64Array, n: number, vectors: boolean): EighResult {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: vectors ? a : null };
  tred2(a, n, d, e, vectors);
  tql2(a, n, d, e, vectors);
  sortAscending(a, n, d, vectors);
  return { values: d, vectors: vectors ? a : null };
}

/** Householder reduction to tridiagonal form: diagonal → d, subdiagonal → e[1..n-1]; W holds Qᵀ. */
function tred2(w: Float64Array, n: number, d: Float64Array, e: Float64Array, vectors: boolean): void {
  // JAMA's V[r][c] is w[c*n + r] throughout.
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // Householder vector u = d[0..i-1] (scaled), H = I − u uᵀ / h.
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // p = A u (A symmetric, lower triangle of V = contiguous rows of W).
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        w[i * n + j] = f;
        g = e[j] + w[wj + j] * f;
        for (let k = j + 1; k < i; k++) {
          const v = w[wj + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      // q = p/h − (uᵀp / 2h²) u, then A ← A − u qᵀ − q uᵀ.
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        const wj = j * n;
        f = d[j];
        g = e[j];
        for (let k = j; k < i; k++) w[wj + k] -= f * e[k] + g * d[k];
        d[j] = w[wj + i - 1];
        w[wj + i] = 0;
      }
    }
    d[i] = h;
  }

  if (!vectors) {
    for (let j = 0; j < n; j++) d[j] = w[j * n + j];
    e[0] = 0;
    return;
  }
  // Accumulate the Householder transformations into W.
  for (let i = 0; i < n - 1; i++) {
    const wi = i * n;
    const wi1 = (i + 1) * n;
    w[wi + n - 1] = w[wi + i];
    w[wi + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[wi1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const wj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[wi1 + k] * w[wj + k];
        for (let k = 0; k <= i; k++) w[wj + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[wi1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[n * n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e); rotations are applied to pairs of contiguous rows of W. */
function tql2(w: Float64Array, n: number, d: Float64Array, e: Float64Array, vectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Deflate at the first negligible subdiagonal element (relative to the largest |d|+|e| so far).
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > MAX_SWEEPS) {
          throw new Error(`eigh (js): QL iteration did not converge for eigenvalue ${l} of ${n}`);
        }
        // Shift from the eigenvalue of the leading 2×2 block closest to d[l].
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL sweep from m−1 down to l (Givens rotations).
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vectors) {
            const wi = i * n;
            const wi1 = wi + n;
            for (let k = 0; k < n; k++) {
              const x = w[wi1 + k];
              const y = w[wi + k];
              w[wi1 + k] = s * y + c * x;
              w[wi + k] = c * y - s * x;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Sorts d ascending and permutes the rows of W (the eigenvectors) alongside. */
function sortAscending(w: Float64Array, n: number, d: Float64Array, vectors: boolean): void {
  if (!vectors) {
    d.sort();
    return;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (i) => d[i]);
  const sorted = new Float64Array(n * n);
  for (let j = 0; j < n; j++) sorted.set(w.subarray(order[j] * n, order[j] * n + n), j * n);
  d.set(values);
  w.set(sorted);
}
