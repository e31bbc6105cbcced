// The MLP D-h-10 (D = imageSide², 256 for the paper) in float64: forward pass, mean cross-entropy, gradient (flat PyTorch layout).
// Layout: fc1.weight [h,D], fc1.bias [h], fc2.weight [10,h], fc2.bias [10].
import type { ModelSpec } from './spec';
import { activation, type ActivationFns } from './activation';

/** Everything the Hessian needs from one forward/backward pass over a batch. */
export interface MlpPass {
  B: number;
  hidden: number;
  /** Pre-activations z (B×h), activations a(z) (B×h), softmax p (B×10). */
  z: Float64Array;
  h: Float64Array;
  p: Float64Array;
  loss: number;
  correct: number;
  grad: Float64Array;
  act: ActivationFns;
}

export function mlpPass(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, B: number): MlpPass {
  if (spec.config.kind !== 'mlp') throw new Error('mlpPass needs an MLP spec');
  const H = spec.config.hidden;
  const D = spec.inputSize;
  const C = spec.classes;
  const act = activation(spec.config.activation);
  const [w1, b1, w2, b2] = spec.tensors.map((t) => t.offset);
  const z = new Float64Array(B * H);
  const h = new Float64Array(B * H);
  const p = new Float64Array(B * C);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    const xb = b * D;
    for (let j = 0; j < H; j++) {
      let s = theta[b1 + j];
      const wr = w1 + j * D;
      for (let i = 0; i < D; i++) s += theta[wr + i] * x[xb + i];
      z[b * H + j] = s;
      h[b * H + j] = act.f(s);
    }
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < C; k++) {
      let s = theta[b2 + k];
      for (let j = 0; j < H; j++) s += theta[w2 + k * H + j] * h[b * H + j];
      p[b * C + k] = s;
      if (s > max) {
        max = s;
        arg = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < C; k++) sum += Math.exp(p[b * C + k] - max);
    const lse = max + Math.log(sum);
    loss += lse - p[b * C + y[b]];
    for (let k = 0; k < C; k++) p[b * C + k] = Math.exp(p[b * C + k] - lse);
    if (arg === y[b]) correct++;
  }
  loss /= B;

  // Backward: r_b = (p_b − y_b)/B; δz_bj = a'(z_bj) Σ_k W2[k,j] r_bk.
  const grad = new Float64Array(spec.n);
  const r = new Float64Array(C);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < C; k++) r[k] = (p[b * C + k] - (y[b] === k ? 1 : 0)) / B;
    for (let k = 0; k < C; k++) {
      grad[b2 + k] += r[k];
      for (let j = 0; j < H; j++) grad[w2 + k * H + j] += r[k] * h[b * H + j];
    }
    for (let j = 0; j < H; j++) {
      const d1 = act.d1(z[b * H + j]);
      if (d1 === 0) continue;
      let s = 0;
      for (let k = 0; k < C; k++) s += theta[w2 + k * H + j] * r[k];
      const dz = s * d1;
      grad[b1 + j] += dz;
      const gr = w1 + j * D;
      const xb = b * D;
      for (let i = 0; i < D; i++) grad[gr + i] += dz * x[xb + i];
    }
  }
  return { B, hidden: H, z, h, p, loss, correct, grad, act };
}
