// Products of many b×b upper-triangular factors, and their SVD, without overflow (DESIGN §7,
// initial-frame vectors). A sweep that re-orthonormalises k vectors at every step of a product Y = J_T⋯J_1 gets
// Y·Q = X·P with P = R_T⋯R_1; the rows of P grow like e^{T·λ_i}, so for long runs their scales differ by far
// more than float64 can hold. Both classes keep every row (or column) as a log-scale times a normalised vector.

/** P = diag(e^ρ)·P̃ with every row of P̃ of max-norm 1 (or 0); starts as the identity. */
export class GradedProduct {
  /** Log row scales ρ. */
  readonly rho: Float64Array;
  /** P̃, b×b row-major. */
  readonly p: Float64Array;
  private readonly row: Float64Array;

  constructor(readonly b: number) {
    this.rho = new Float64Array(b);
    this.p = new Float64Array(b * b);
    for (let i = 0; i < b; i++) this.p[i * b + i] = 1;
    this.row = new Float64Array(b);
  }

  /** P ← R·P for an upper-triangular R in qrThin's layout (column-major: R_ij at r[j·b + i]). */
  leftMultiply(r: Float64Array): void {
    const { b, rho, p, row } = this;
    // Row i of R·P mixes rows j ≥ i of P; ascending i leaves those rows untouched until they are used.
    for (let i = 0; i < b; i++) {
      let top = -Infinity;
      for (let j = i; j < b; j++) {
        const v = r[j * b + i];
        if (v !== 0 && rho[j] > -Infinity) top = Math.max(top, Math.log(Math.abs(v)) + rho[j]);
      }
      row.fill(0);
      if (top > -Infinity)
        for (let j = i; j < b; j++) {
          const v = r[j * b + i];
          if (v === 0 || rho[j] === -Infinity) continue;
          // |coefficient| ≤ 1 by the choice of `top`: no overflow, and underflow only of negligible terms.
          const c = Math.sign(v) * Math.exp(Math.log(Math.abs(v)) + rho[j] - top);
          for (let l = j; l < b; l++) row[l] += c * p[j * b + l];
        }
      let max = 0;
      for (let l = i; l < b; l++) max = Math.max(max, Math.abs(row[l]));
      if (max === 0) {
        rho[i] = -Infinity;
        p.fill(0, i * b, (i + 1) * b);
        continue;
      }
      for (let l = 0; l < b; l++) p[i * b + l] = row[l] / max;
      rho[i] = top + Math.log(max);
    }
  }
}

export interface GradedSvd {
  /** log σ_i, descending. */
  logSigma: Float64Array;
  /** Left singular vectors of P (vector i at i·b). */
  left: Float64Array;
  /** Right singular vectors of P (vector i at i·b): P·right_i = σ_i·left_i. */
  right: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * SVD of P = diag(e^ρ)·P̃ by one-sided (Hestenes) Jacobi on the columns of G = Pᵀ, each held as e^{s_j}·ĝ_j with
 * ‖ĝ_j‖ = 1: a rotation of two columns whose scales differ by e^d is written with e^{−d} and e^{−2d} only, so
 * it never overflows, and column scaling leaves one-sided Jacobi's relative accuracy intact (Demmel–Veselić).
 * G·Z = U·Σ gives P = Z·Σ·Uᵀ: left = Z, right = U.
 */
export function gradedSvd(prod: GradedProduct, opts: { tol?: number; maxSweeps?: number } = {}): GradedSvd {
  const { b } = prod;
  const tol = opts.tol ?? b * Number.EPSILON;
  const maxSweeps = opts.maxSweeps ?? 60;
  const g = Float64Array.from(prod.p);
  const s = Float64Array.from(prod.rho);
  const z = new Float64Array(b * b);
  for (let i = 0; i < b; i++) z[i * b + i] = 1;
  const normalise = (j: number): void => {
    let ss = 0;
    for (let l = 0; l < b; l++) ss += g[j * b + l] * g[j * b + l];
    if (ss === 0) {
      s[j] = -Infinity;
      return;
    }
    const nrm = Math.sqrt(ss);
    for (let l = 0; l < b; l++) g[j * b + l] /= nrm;
    s[j] += Math.log(nrm);
  };
  for (let j = 0; j < b; j++) normalise(j);
  let sweeps = 0;
  for (let rotated = true; rotated && sweeps < maxSweeps; sweeps++) {
    rotated = false;
    for (let p = 0; p < b - 1; p++)
      for (let q = p + 1; q < b; q++) {
        if (s[p] === -Infinity || s[q] === -Infinity) continue;
        let c = 0;
        for (let l = 0; l < b; l++) c += g[p * b + l] * g[q * b + l];
        if (!(Math.abs(c) > tol)) continue;
        rotated = true;
        // Big column P, small column Q (s_P ≥ s_Q), d = s_P − s_Q. The 2×2 Gram matrix has ζ = −sinh(d)/c; with
        // h = (1 − e^{−2d})/2 the Jacobi tangent is t = τ·e^{−d}, τ = sign(ζ)·|c| / (h + √(c²e^{−2d} + h²)).
        const [P, Q] = s[p] >= s[q] ? [p, q] : [q, p];
        const d = s[P] - s[Q];
        const e1 = Math.exp(-d);
        const e2 = e1 * e1;
        const h = (1 - e2) / 2;
        const sign = d > 0 ? -Math.sign(c) : 1;
        const tau = (sign * Math.abs(c)) / (h + Math.sqrt(c * c * e2 + h * h));
        const cs = 1 / Math.sqrt(1 + tau * tau * e2);
        const sn = cs * tau * e1;
        // G's columns: g_P' = cs·g_P − sn·g_Q = e^{s_P}·cs·(ĝ_P − τe^{−2d}ĝ_Q),  g_Q' = sn·g_P + cs·g_Q = e^{s_Q}·cs·(τĝ_P + ĝ_Q).
        for (let l = 0; l < b; l++) {
          const gp = g[P * b + l];
          const gq = g[Q * b + l];
          g[P * b + l] = cs * (gp - tau * e2 * gq);
          g[Q * b + l] = cs * (tau * gp + gq);
          const zp = z[P * b + l];
          const zq = z[Q * b + l];
          z[P * b + l] = cs * zp - sn * zq;
          z[Q * b + l] = sn * zp + cs * zq;
        }
        normalise(P);
        normalise(Q);
      }
  }
  const order = Array.from({ length: b }, (_, i) => i).sort((a, c) => s[c] - s[a]);
  const logSigma = Float64Array.from(order, (j) => s[j]);
  const left = new Float64Array(b * b);
  const right = new Float64Array(b * b);
  order.forEach((j, i) => {
    left.set(z.subarray(j * b, (j + 1) * b), i * b);
    right.set(g.subarray(j * b, (j + 1) * b), i * b);
  });
  return { logSigma, left, right, sweeps };
}
