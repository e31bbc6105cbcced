// Portable thin Householder QR with LAPACK's conventions (dgeqr2 + dlarfg + dorg2r), so Q and the
// signs of diag(R) match the addon: H_j = I − τ v vᵀ with v_j = 1, β = −sign(α)·‖x‖, and τ = 0
// (H_j = I, R_jj = α unchanged) when the part of column j below the diagonal is already zero.

export interface QrResult {
  /** Thin Q, rows×cols, column j at q[j*rows .. (j+1)*rows); it is the input buffer, overwritten. */
  q: Float64Array;
  /** Diagonal of R, signed. */
  rdiag: Float64Array;
  /** Upper-triangular R (cols×cols, column-major: R_ij at r[j*cols + i]) when requested. */
  r: Float64Array | null;
}

/** QR of the column-major rows×cols matrix in `a` (rows ≥ cols); `a` is overwritten by Q. */
export function qrThinJs(a: Float64Array, rows: number, cols: number, wantR: boolean): QrResult {
  const tau = new Float64Array(cols);
  const rdiag = new Float64Array(cols);
  // Factor: column j of a keeps R(0..j, j) above the diagonal and v_j (without its unit head) below.
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    let xnorm2 = 0;
    for (let i = j + 1; i < rows; i++) xnorm2 += a[cj + i] * a[cj + i];
    const alpha = a[cj + j];
    if (xnorm2 === 0) {
      tau[j] = 0;
      rdiag[j] = alpha;
      continue;
    }
    const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, Math.sqrt(xnorm2));
    tau[j] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < rows; i++) a[cj + i] *= scale;
    a[cj + j] = beta;
    rdiag[j] = beta;
    // Apply H_j to the remaining columns: x ← x − τ v (vᵀx).
    for (let l = j + 1; l < cols; l++) {
      const cl = l * rows;
      let s = a[cl + j];
      for (let i = j + 1; i < rows; i++) s += a[cj + i] * a[cl + i];
      s *= tau[j];
      a[cl + j] -= s;
      for (let i = j + 1; i < rows; i++) a[cl + i] -= s * a[cj + i];
    }
  }
  let r: Float64Array | null = null;
  if (wantR) {
    r = new Float64Array(cols * cols);
    for (let j = 0; j < cols; j++) for (let i = 0; i <= j; i++) r[j * cols + i] = a[j * rows + i];
  }
  // Form Q = H_0 H_1 … H_{cols−1} I[:, :cols] backwards, in place (dorg2r).
  for (let j = cols - 1; j >= 0; j--) {
    const cj = j * rows;
    const t = tau[j];
    // Columns l > j hold (H_{j+1} … ) e_l, zero in rows < j+1; apply H_j to them.
    for (let l = j + 1; l < cols; l++) {
      const cl = l * rows;
      let s = a[cl + j];
      for (let i = j + 1; i < rows; i++) s += a[cj + i] * a[cl + i];
      s *= t;
      a[cl + j] -= s;
      for (let i = j + 1; i < rows; i++) a[cl + i] -= s * a[cj + i];
    }
    // Column j becomes H_j e_j = e_j − τ v.
    for (let i = 0; i < j; i++) a[cj + i] = 0;
    a[cj + j] = 1 - t;
    for (let i = j + 1; i < rows; i++) a[cj + i] *= -t;
  }
  return { q: a, rdiag, r };
}
