// Small dense least-squares fits with textbook OLS standard errors (independent residuals).

/**
 * Ordinary least squares y ≈ X·β for p columns (each column given as an array). Columns are scaled to unit
 * max-abs before forming XᵀX so that t, t² and 1 stay well conditioned; β and its covariance are scaled back.
 * cov(β) = σ²(XᵀX)⁻¹ with σ² = SSE/(n − p).
 */
export function leastSquares(cols: Float64Array[], y: Float64Array, what: string): { beta: number[]; se: number[]; r2: number; sse: number } {
  const p = cols.length;
  const n = y.length;
  if (n <= p) throw new Error(`${what}: need more than ${p} usable points, got ${n}`);
  const scale = cols.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1);
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = cols[a][i] / scale[a];
      xty[a] += xa * y[i];
      for (let b = 0; b <= a; b++) xtx[a * p + b] += xa * (cols[b][i] / scale[b]);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b];
  const inv = invert(xtx, p, what);
  const betaScaled = Array.from({ length: p }, (_, a) => {
    let s = 0;
    for (let b = 0; b < p; b++) s += inv[a * p + b] * xty[b];
    return s;
  });
  let sse = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += (betaScaled[a] * cols[a][i]) / scale[a];
    sse += (y[i] - f) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  const sigma2 = sse / (n - p);
  return {
    beta: betaScaled.map((b, a) => b / scale[a]),
    se: betaScaled.map((_, a) => Math.sqrt(sigma2 * inv[a * p + a]) / scale[a]),
    r2: sst > 0 ? 1 - sse / sst : NaN,
    sse,
  };
}

/** Inverse of a small dense p×p matrix by Gauss–Jordan elimination with partial pivoting. */
function invert(m: Float64Array, p: number, what: string): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) inv[i * p + i] = 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r * p + c]) > Math.abs(a[piv * p + c])) piv = r;
    if (!(Math.abs(a[piv * p + c]) > 1e-13)) throw new Error(`${what}: the design is singular (too few distinct t values)`);
    for (let j = 0; j < p; j++) {
      [a[c * p + j], a[piv * p + j]] = [a[piv * p + j], a[c * p + j]];
      [inv[c * p + j], inv[piv * p + j]] = [inv[piv * p + j], inv[c * p + j]];
    }
    const d = a[c * p + c];
    for (let j = 0; j < p; j++) {
      a[c * p + j] /= d;
      inv[c * p + j] /= d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r * p + c];
      if (f === 0) continue;
      for (let j = 0; j < p; j++) {
        a[r * p + j] -= f * a[c * p + j];
        inv[r * p + j] -= f * inv[c * p + j];
      }
    }
  }
  return inv;
}
