// Exact Hessian-vector products of the MLP D-h-10 by forward-over-reverse (Pearlmutter's R-operator),
// float64, without forming H (DESIGN §2). With R{·} = d/dε (·)(θ + εv) at ε = 0 and v = (V1, c1, V2, c2):
//   forward  Rz = V1 x + c1,  Rh = a'(z)·Rz,  Rf = V2 h + W2 Rh + c2,
//   loss     r = (p − y)/B,   Rr = (diag p − p pᵀ) Rf / B,
//   reverse  R∇W2 = Rr hᵀ + r Rhᵀ,  R∇b2 = Rr,  Rs = V2ᵀ r + W2ᵀ Rr  (s = W2ᵀ r),
//            Rδ = a''(z)·Rz·s + a'(z)·Rs,  R∇W1 = Rδ xᵀ,  R∇b1 = Rδ.
// The two D-wide products per vector (V1·Xᵀ: H·B dot products of length D; Rδ·X: H·B axpys of length D) are
// plain loops: with B = 8 they are too thin for BLAS, whose threads only add synchronisation (measured 0.4–18 ms
// per vector with OpenBLAS on 2 threads under load vs ~1–2 ms here).
import { mlpPass } from '../../models/mlp';
import type { ModelSpec } from '../../models/spec';
import type { HessianOperator } from './operator';

export function mlpHessianOperator(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, B: number): HessianOperator {
  const pass = mlpPass(spec, theta, x, y, B);
  const { z, h, p, act } = pass;
  const H = pass.hidden;
  const D = spec.inputSize;
  const C = spec.classes;
  const n = spec.n;
  const [w1, b1, w2, b2] = spec.tensors.map((t) => t.offset);
  // Per (sample, unit), hidden-major (j·B + b): a'(z), a''(z), s = W2ᵀ r. Per (sample, class): r.
  const d1 = new Float64Array(H * B);
  const d2 = new Float64Array(H * B);
  const s = new Float64Array(H * B);
  const r = new Float64Array(B * C);
  for (let b = 0; b < B; b++) for (let k = 0; k < C; k++) r[b * C + k] = (p[b * C + k] - (y[b] === k ? 1 : 0)) / B;
  for (let j = 0; j < H; j++) {
    for (let b = 0; b < B; b++) {
      const zj = z[b * H + j];
      d1[j * B + b] = act.d1(zj);
      d2[j * B + b] = act.d2(zj);
      let sj = 0;
      for (let k = 0; k < C; k++) sj += theta[w2 + k * H + j] * r[b * C + k];
      s[j * B + b] = sj;
    }
  }

  const rz = new Float64Array(H * B);
  const rh = new Float64Array(H * B);
  const rf = new Float64Array(B * C);
  const rr = new Float64Array(B * C);
  const apply = (vectors: Float64Array, k: number): Float64Array => {
    if (vectors.length !== k * n) throw new Error(`Hessian-vector product: ${vectors.length} values for k = ${k} vectors of length n = ${n}`);
    const out = new Float64Array(k * n);
    for (let v = 0; v < k; v++) {
      const vo = v * n;
      const vec = vectors.subarray(vo, vo + n);
      const o = out.subarray(vo, vo + n);
      for (let j = 0; j < H; j++) {
        const row = w1 + j * D;
        for (let b = 0; b < B; b++) {
          const t = j * B + b;
          // Rz enters only through a'(z) and a''(z): nothing to compute for a ReLU unit that is off.
          if (d1[t] === 0 && d2[t] === 0) {
            rz[t] = rh[t] = 0;
            continue;
          }
          let acc = vec[b1 + j];
          const xo = b * D;
          for (let i = 0; i < D; i++) acc += vec[row + i] * x[xo + i];
          rz[t] = acc;
          rh[t] = d1[t] * acc;
        }
      }
      for (let b = 0; b < B; b++) {
        let dot = 0;
        for (let c = 0; c < C; c++) {
          let f = vec[b2 + c];
          for (let j = 0; j < H; j++) f += vec[w2 + c * H + j] * h[b * H + j] + theta[w2 + c * H + j] * rh[j * B + b];
          rf[b * C + c] = f;
          dot += p[b * C + c] * f;
        }
        for (let c = 0; c < C; c++) rr[b * C + c] = (p[b * C + c] * (rf[b * C + c] - dot)) / B;
      }
      for (let c = 0; c < C; c++) {
        let gb = 0;
        for (let b = 0; b < B; b++) gb += rr[b * C + c];
        o[b2 + c] = gb;
        for (let j = 0; j < H; j++) {
          let g = 0;
          for (let b = 0; b < B; b++) g += rr[b * C + c] * h[b * H + j] + r[b * C + c] * rh[j * B + b];
          o[w2 + c * H + j] = g;
        }
      }
      for (let j = 0; j < H; j++) {
        let gb = 0;
        const row = w1 + j * D;
        for (let b = 0; b < B; b++) {
          const t = j * B + b;
          let rs = 0;
          for (let c = 0; c < C; c++) rs += vec[w2 + c * H + j] * r[b * C + c] + theta[w2 + c * H + j] * rr[b * C + c];
          const rd = d2[t] * rz[t] * s[t] + d1[t] * rs;
          gb += rd;
          if (rd === 0) continue;
          const xo = b * D;
          for (let i = 0; i < D; i++) o[row + i] += rd * x[xo + i];
        }
        o[b1 + j] = gb;
      }
    }
    return out;
  };
  return { n, loss: pass.loss, correct: pass.correct, grad: pass.grad, apply };
}
