// Exact minibatch Hessian of the MLP, restricted to a subspace that contains its range (DESIGN §2).
//
// H = (1/B)Σ_b J_bᵀ A_b J_b + (1/B)Σ_b Σ_k r_bk ∇²f_bk,  A_b = diag p_b − p_b p_bᵀ,  r_b = p_b − y_b.
// Every term touching fc1 row j of sample b carries a factor a'(z_bj) or a''(z_bj), in the direction
// e_j ⊗ x̃_b with x̃_b = [x_b; 1] (weight row and bias together). So range(H) lies in
//   ⊕_j (e_j ⊗ span{x̃_b : b ∈ S_j})  ⊕  fc2 columns of live units  ⊕  fc2.bias,
// S_j = samples where unit j has a nonzero derivative (ReLU: z_bj > 0; sigmoid: all). With an orthonormal
// basis Q_j of each span, U = blockdiag(Q_j, I) and Hr = UᵀHU is m×m with m ≤ hB + 10(h+1) ≪ n = 5350.
// The n − m directions orthogonal to U are exact null directions of H.
import type { ModelSpec } from '../models/spec';
import { mlpPass } from '../models/mlp';
import { gramAtA } from '../linalg/eigh';
import type { Basis, ExactStep } from './reduced';

/** Relative tolerance below which a new x̃_b adds no dimension to span{x̃_b} (Gram–Schmidt residual). */
const SPAN_TOL = 1e-10;

interface MlpBasis extends Basis {
  /** Offset of unit j's block in reduced coordinates, its size r_j, and its basis Q_j (r_j × (D+1)). */
  blockOff: Int32Array;
  blockSize: Int32Array;
  q: Float64Array[];
  /** Offset of fc2[:, j] (10 coordinates, k-major) in reduced coordinates, −1 for units dead on the batch. */
  w2Off: Int32Array;
  b2Off: number;
}

function norm2(w: Float64Array, len: number): number {
  let ss = 0;
  for (let i = 0; i < len; i++) ss += w[i] * w[i];
  return Math.sqrt(ss);
}

/** Orthonormal basis (modified Gram–Schmidt, twice) of the given vectors of length len. */
function orthonormalBasis(vectors: Float64Array[], len: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const v of vectors) {
    const w = v.slice();
    const norm0 = norm2(w, len);
    for (let pass = 0; pass < 2; pass++)
      for (const q of out) {
        let d = 0;
        for (let i = 0; i < len; i++) d += q[i] * w[i];
        for (let i = 0; i < len; i++) w[i] -= d * q[i];
      }
    const norm = norm2(w, len);
    if (norm <= SPAN_TOL * norm0) continue;
    for (let i = 0; i < len; i++) w[i] /= norm;
    out.push(w);
  }
  return out;
}

function makeBasis(spec: ModelSpec, active: boolean[][], x: Float64Array, B: number): MlpBasis {
  const Hd = active.length;
  const D = spec.inputSize;
  const L = D + 1;
  const C = spec.classes;
  const [w1, b1, w2, b2] = spec.tensors.map((t) => t.offset);
  const blockOff = new Int32Array(Hd);
  const blockSize = new Int32Array(Hd);
  const w2Off = new Int32Array(Hd).fill(-1);
  const q: Float64Array[] = [];
  let m = 0;
  for (let j = 0; j < Hd; j++) {
    const vs: Float64Array[] = [];
    for (let b = 0; b < B; b++) {
      if (!active[j][b]) continue;
      const v = new Float64Array(L);
      v.set(x.subarray(b * D, b * D + D));
      v[D] = 1;
      vs.push(v);
    }
    const basis = orthonormalBasis(vs, L);
    const flat = new Float64Array(basis.length * L);
    basis.forEach((v, c) => flat.set(v, c * L));
    q.push(flat);
    blockOff[j] = m;
    blockSize[j] = basis.length;
    m += basis.length;
  }
  for (let j = 0; j < Hd; j++)
    if (blockSize[j] > 0) {
      w2Off[j] = m;
      m += C;
    }
  const b2Off = m;
  m += C;
  const n = spec.n;

  // Per vector and coordinate the same sums in the same order as one vector at a time (the bits of stored runs).
  const toReduced = (v: Float64Array, k = 1): Float64Array => {
    const w = new Float64Array(k * m);
    for (let j = 0; j < Hd; j++) {
      const Q = q[j];
      for (let c = 0; c < blockSize[j]; c++) {
        const qo = c * L;
        const out = blockOff[j] + c;
        for (let l = 0; l < k; l++) {
          const vo = l * n + w1 + j * D;
          let s = Q[qo + D] * v[l * n + b1 + j];
          for (let i = 0; i < D; i++) s += Q[qo + i] * v[vo + i];
          w[l * m + out] = s;
        }
      }
      if (w2Off[j] >= 0) for (let l = 0; l < k; l++) for (let c = 0; c < C; c++) w[l * m + w2Off[j] + c] = v[l * n + w2 + c * Hd + j];
    }
    for (let l = 0; l < k; l++) for (let c = 0; c < C; c++) w[l * m + b2Off + c] = v[l * n + b2 + c];
    return w;
  };
  const fromReduced = (w: Float64Array, k = 1): Float64Array => {
    const v = new Float64Array(k * n);
    for (let l = 0; l < k; l++) {
      const vo = l * n;
      const wo = l * m;
      for (let j = 0; j < Hd; j++) {
        const Q = q[j];
        const row = vo + w1 + j * D;
        for (let c = 0; c < blockSize[j]; c++) {
          const s = w[wo + blockOff[j] + c];
          if (s === 0) continue;
          const qo = c * L;
          for (let i = 0; i < D; i++) v[row + i] += s * Q[qo + i];
          v[vo + b1 + j] += s * Q[qo + D];
        }
        if (w2Off[j] >= 0) for (let c = 0; c < C; c++) v[vo + w2 + c * Hd + j] = w[wo + w2Off[j] + c];
      }
      for (let c = 0; c < C; c++) v[vo + b2 + c] = w[wo + b2Off + c];
    }
    return v;
  };
  const bytes = q.reduce((acc, a) => acc + a.byteLength, 0) + blockOff.byteLength + blockSize.byteLength + w2Off.byteLength;
  return { n, m, toReduced, fromReduced, bytes, blockOff, blockSize, q, w2Off, b2Off };
}

/** Loss, gradient and the reduced exact Hessian of the MLP on one batch. */
export function mlpHessian(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, B: number): ExactStep {
  const pass = mlpPass(spec, theta, x, y, B);
  const { z, h, p, act } = pass;
  const Hd = pass.hidden;
  const D = spec.inputSize;
  const L = D + 1;
  const C = spec.classes;
  const w2 = spec.tensors[2].offset;
  const active = Array.from({ length: Hd }, (_, j) => Array.from({ length: B }, (_, b) => act.d1(z[b * Hd + j]) !== 0 || act.d2(z[b * Hd + j]) !== 0));
  const basis = makeBasis(spec, active, x, B);
  const { m, blockOff, blockSize, q, w2Off, b2Off } = basis;

  // c_bj = Q_jᵀ x̃_b: sample b's fc1 direction for unit j in reduced coordinates.
  const coords = (j: number, b: number): Float64Array => {
    const Q = q[j];
    const c = new Float64Array(blockSize[j]);
    for (let a = 0; a < blockSize[j]; a++) {
      let s = Q[a * L + D];
      for (let i = 0; i < D; i++) s += Q[a * L + i] * x[b * D + i];
      c[a] = s;
    }
    return c;
  };

  // GGN = (1/B)Σ_b (P_b D_b J_b)ᵀ(P_b D_b J_b) with D = diag √p, P = I − √p√pᵀ, since A_b = D P D = (PD)ᵀ(PD).
  // Row k of P_b D_b J_b is √p_k (J_b[k] − Σ_k' p_k' J_b[k']) (reduced J_b: 10×m).
  const jhat = new Float64Array(B * C * m);
  const hr = new Float64Array(m * m);
  const jb = new Float64Array(C * m);
  const mean = new Float64Array(m);
  for (let b = 0; b < B; b++) {
    jb.fill(0);
    const pb = p.subarray(b * C, b * C + C);
    for (let j = 0; j < Hd; j++) {
      const zj = z[b * Hd + j];
      const d1 = act.d1(zj);
      if (blockSize[j] > 0 && d1 !== 0) {
        const c = coords(j, b);
        for (let k = 0; k < C; k++) {
          const s = theta[w2 + k * Hd + j] * d1;
          const row = k * m + blockOff[j];
          for (let a = 0; a < c.length; a++) jb[row + a] = s * c[a];
        }
      }
      if (w2Off[j] >= 0) for (let k = 0; k < C; k++) jb[k * m + w2Off[j] + k] = h[b * Hd + j];
    }
    for (let k = 0; k < C; k++) jb[k * m + b2Off + k] = 1;
    mean.fill(0);
    for (let k = 0; k < C; k++) for (let i = 0; i < m; i++) mean[i] += pb[k] * jb[k * m + i];
    for (let k = 0; k < C; k++) {
      const s = Math.sqrt(pb[k] / B);
      const row = (b * C + k) * m;
      for (let i = 0; i < m; i++) jhat[row + i] = s * (jb[k * m + i] - mean[i]);
    }

    // Second-order term (1/B)Σ_k r_bk ∇²f_bk: fc2[k,j] × fc1 row j: r_bk a'(z_bj) x̃_b;
    // fc1 row j × fc1 row j: (Σ_k r_bk W2[k,j]) a''(z_bj) x̃_b x̃_bᵀ (zero for ReLU).
    for (let j = 0; j < Hd; j++) {
      if (blockSize[j] === 0) continue;
      const zj = z[b * Hd + j];
      const d1 = act.d1(zj);
      const d2 = act.d2(zj);
      if (d1 === 0 && d2 === 0) continue;
      const c = coords(j, b);
      const o = blockOff[j];
      let rw = 0;
      for (let k = 0; k < C; k++) {
        const r = pb[k] - (y[b] === k ? 1 : 0);
        rw += r * theta[w2 + k * Hd + j];
        const s = (r * d1) / B;
        const row = (w2Off[j] + k) * m;
        for (let a = 0; a < c.length; a++) {
          hr[row + o + a] += s * c[a];
          hr[(o + a) * m + w2Off[j] + k] += s * c[a];
        }
      }
      if (d2 !== 0) {
        const s = (rw * d2) / B;
        for (let a = 0; a < c.length; a++) for (let e = 0; e < c.length; e++) hr[(o + a) * m + o + e] += s * c[a] * c[e];
      }
    }
  }
  const ggn = gramAtA(jhat, B * C, m);
  for (let i = 0; i < m * m; i++) hr[i] += ggn[i];
  return { loss: pass.loss, correct: pass.correct, grad: pass.grad, hr, basis };
}
