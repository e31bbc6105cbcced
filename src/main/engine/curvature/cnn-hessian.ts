// Exact float64 minibatch Hessian of the paper's CNN (DESIGN §2):
//   H = (1/B) Σ_b J_bᵀ A_b J_b + ∇²Φ,   A_b = diag p_b − p_b p_bᵀ,   Φ(θ) = (1/B) Σ_b r_bᵀ f_b(θ), r_b = p_b − y_b fixed.
// GGN term: A = (P D)ᵀ(P D) with D = diag √p, P = I − √p √pᵀ (a projector, since Σp = 1), so it is ĴᵀĴ with
// Ĵ the rows P_b D_b J_b /√B; row k of P D J is the backprop of the seed √p_k (e_k − p), all C at once.
// Second-order term: forward-over-reverse per parameter q of conv layer l. The forward tangent ∂z/∂θ_q starts
// in one output channel of layer l and runs up the network with the ReLU masks / pool argmaxes fixed; the
// entries of row q for a higher layer m are ∂g_m/∂θ_q = corr(δ_m, ∂in_m/∂θ_q) + corr(∂δ_m/∂θ_q, in_m).
// For ReLU ∂δ_m/∂θ_q = 0 for m ≥ l (δ_m depends on the layers above m only): logits are multilinear in
// the layers' (weight, bias) groups and the diagonal blocks vanish. For sigmoid the reverse tangent
// ∂δ_m = σ''(z_m)·∂z_m·u_m + σ'(z_m)·∂u_m is propagated down to layer l as well (diagonal blocks included).
// The tangents of all parameters of one output channel o of layer l (its inC·9 weights and its bias) are
// carried together as the last, contiguous axis of Q-wide buffers ([feature][q]), the K-wide maps of the conv
// kernels (models/conv3x3.ts). Only "live" pre-activation features matter — pool argmaxes (every feature
// without a pool) with act' ≠ 0 — because only they feed the next layer, and δ_m, u_m vanish elsewhere; every
// kernel visits them alone. Only row-layer ≤ column-layer entries are formed, summed over the batch, and
// added to the GGN symmetrically.
import type { ModelSpec } from '../models/spec';
import { argmax, backwardSample, checkCnnInputs, cnnNet, forwardSample, softmaxCe } from '../models/cnn';
import type { CnnNet, SampleBackward, SampleForward } from '../models/cnn';
import { convBiasGrad, convForward, convInputAdjoint, convParamTangent, convWeightGrad } from '../models/conv3x3';
import { gramAtA } from '../linalg/eigh';
import { coordinateBasis, type ExactStep } from './reduced';

/**
 * Loss, gradient and the exact Hessian of the CNN on a batch, as Hr = H restricted to the parameters whose
 * rows are not structurally zero (liveParameters; U = those coordinates), or with opts.dense all of H (U = I).
 */
export function cnnHessian(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number, opts: { dense?: boolean } = {}): ExactStep {
  const net = cnnNet(spec);
  checkCnnInputs(spec, theta, x, y, size);
  const n = spec.n;
  const C = net.classes;
  const grad = new Float64Array(n);
  const samples: Sample[] = [];
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < size; b++) {
    const fw = forwardSample(net, theta, x, b * spec.inputSize);
    const { p, ce } = softmaxCe(fw.logits, y[b]);
    loss += ce / size;
    if (argmax(fw.logits) === y[b]) correct++;
    const r = new Float64Array(C);
    for (let k = 0; k < C; k++) r[k] = (p[k] - (k === y[b] ? 1 : 0)) / size;
    samples.push({ fw, bw: backwardSample(net, theta, fw, r, grad), p, r });
  }
  const keep = opts.dense ? Int32Array.from({ length: n }, (_, i) => i) : liveParameters(net, samples);
  const m = keep.length;
  // Seeds of the rows of P_b D_b J_b/√B, stored [logit j][row k]; jt = their backprops, [parameter][row k].
  const jhat = new Float64Array(size * C * m);
  const seeds = new Float64Array(C * C);
  const jt = new Float64Array(n * C);
  samples.forEach(({ fw, p }, b) => {
    for (let k = 0; k < C; k++) {
      const s = Math.sqrt(p[k] / size);
      for (let j = 0; j < C; j++) seeds[j * C + k] = s * ((j === k ? 1 : 0) - p[j]);
    }
    jacobianRows(net, theta, fw, seeds, jt);
    for (let a = 0; a < m; a++) for (let k = 0; k < C; k++) jhat[(b * C + k) * m + a] = jt[keep[a] * C + k];
  });
  const hr = gramAtA(jhat, size * C, m);
  const red = new Int32Array(n).fill(-1);
  keep.forEach((p, a) => (red[p] = a));
  addSecondOrder(net, theta, samples, hr, red, m);
  return { loss, correct, grad, hr, basis: coordinateBasis(n, keep) };
}

/** One sample's forward caches (with its live features), its backprop of r (δ_m, u_m, with the 1/B inside r), p and r. */
interface Sample {
  fw: SampleForward;
  bw: SampleBackward;
  p: Float64Array;
  r: Float64Array;
}

/**
 * The parameters whose Hessian rows are not structurally zero, ascending. Every term of the assembly that
 * touches a parameter, as row or as column, carries a factor that is exactly 0.0 unless, in some sample: for a
 * conv weight, one of its taps at a live feature reads a nonzero input (the GGN row, the forward tangent and the
 * sigmoid reverse term carry the input, the mixed terms its tangent, which vanishes off the live outputs of the
 * layer below — and a live ReLU or sigmoid output is never 0); for a conv bias, its channel has a live feature;
 * for a linear weight, its feature is nonzero. So in the dense assembly the rows and columns of all other
 * parameters are exactly 0.0 — exact zero eigenvalues, counted as null (DESIGN §2) — and Hr = H on the rest.
 */
function liveParameters(net: CnnNet, samples: Sample[]): Int32Array {
  const used = new Uint8Array(net.n);
  for (const { fw } of samples) {
    net.convs.forEach((g, m) => {
      const { taps, start } = fw.live[m];
      const inp = fw.input[m];
      for (let t = 0; t < taps.w.length; t++) if (inp[taps.src[t]] !== 0) used[g.wOff + taps.w[t]] = 1;
      for (let o = 0; o < g.outC; o++) if (start[o + 1] > start[o]) used[g.bOff + o] = 1;
    });
    const feat = fw.out[net.convs.length - 1];
    for (let j = 0; j < net.linearIn; j++) if (feat[j] !== 0) for (let c = 0; c < net.classes; c++) used[net.fcW + c * net.linearIn + j] = 1;
  }
  used.fill(1, net.fcB, net.fcB + net.classes);
  const keep: number[] = [];
  used.forEach((u, i) => u && keep.push(i));
  return Int32Array.from(keep);
}

/**
 * Backprop of the C seeds seeds[j·C + k] (logit j, seed k) through one sample, restricted to its live
 * features (δ vanishes elsewhere): jt[p·C + k] = ∂(seed_kᵀ f)/∂θ_p.
 */
function jacobianRows(net: CnnNet, theta: Float64Array, fw: SampleForward, seeds: Float64Array, jt: Float64Array): void {
  const C = net.classes;
  const L = net.convs.length;
  const feat = fw.out[L - 1];
  jt.fill(0);
  // Linear layer: ∂/∂W[j,i] = seed_j·feat_i, ∂/∂b[j] = seed_j; v = Wᵀ seed is the gradient at feat.
  let v = new Float64Array(net.linearIn * C);
  for (let j = 0; j < C; j++) {
    const sb = j * C;
    for (let i = 0; i < net.linearIn; i++) {
      const w = theta[net.fcW + j * net.linearIn + i];
      const pb = (net.fcW + j * net.linearIn + i) * C;
      for (let k = 0; k < C; k++) {
        jt[pb + k] = seeds[sb + k] * feat[i];
        v[i * C + k] += w * seeds[sb + k];
      }
    }
    for (let k = 0; k < C; k++) jt[(net.fcB + j) * C + k] = seeds[sb + k];
  }
  for (let m = L - 1; m >= 0; m--) {
    const gm = net.convs[m];
    const lm = fw.live[m];
    // δ_m = act'(z)·(backprop at the pool output), C-wide, at the live features only.
    const delta = new Float64Array(gm.outC * gm.side * gm.side * C);
    for (let j = 0; j < lm.e.length; j++) {
      const db = lm.e[j] * C;
      const vb = lm.k[j] * C;
      for (let k = 0; k < C; k++) delta[db + k] = lm.d[j] * v[vb + k];
    }
    convWeightGrad(lm.taps, delta, C, fw.input[m], 1, jt, gm.wOff * C);
    convBiasGrad(gm, lm.e, delta, jt, gm.bOff * C, C);
    if (m > 0) {
      v = new Float64Array(gm.inC * gm.side * gm.side * C);
      convInputAdjoint(lm.taps, theta, gm.wOff, delta, v, C);
    }
  }
}

/** Q-wide tangent buffers per conv layer: dz (∂z at live features), dout (∂out), dd (∂δ), dv (∂ of ∂Φ/∂out). */
interface Tangents {
  dz: Float64Array[];
  dout: Float64Array[];
  dd: Float64Array[];
  dv: Float64Array[];
}

/**
 * Adds ∇²Φ to hr (m×m): rows of layer l with columns of layers > l (sigmoid: ≥ l), and their mirror images;
 * parameter p is reduced coordinate red[p], or dropped (−1; its row is structurally zero, see liveParameters).
 */
function addSecondOrder(net: CnnNet, theta: Float64Array, samples: Sample[], hr: Float64Array, red: Int32Array, m: number): void {
  const n = net.n;
  const L = net.convs.length;
  for (let l = 0; l < L; l++) {
    const gl = net.convs[l];
    const Q = gl.inC * 9 + 1;
    const curved = !net.act.piecewiseLinear;
    const colStart = curved ? gl.wOff : l + 1 < L ? net.convs[l + 1].wOff : net.fcW;
    // Sigmoid: layer l's own (diagonal) block is gathered apart and symmetrised at the end, exactly.
    const own = curved ? gl.bOff + gl.outC - gl.wOff : 0;
    const ownBlock = new Float64Array(own * own);
    const cols = n - colStart;
    const acc = new Float64Array(cols * Q);
    // Buffers for layers ≥ l only; the reverse-tangent ones for sigmoid only.
    const full = (keep: boolean): Float64Array[] => net.convs.map((g, j) => new Float64Array(keep && j >= l ? g.outC * g.side * g.side * Q : 0));
    const pooled = (keep: boolean): Float64Array[] => net.convs.map((g, j) => new Float64Array(keep && j >= l ? g.outC * g.outSide * g.outSide * Q : 0));
    const t: Tangents = { dz: full(true), dout: pooled(true), dd: full(curved), dv: pooled(curved) };
    const rc = red.subarray(colStart);
    for (let o = 0; o < gl.outC; o++) {
      const rows = Array.from({ length: Q }, (_, q) => (q < Q - 1 ? gl.wOff + o * (Q - 1) + q : gl.bOff + o));
      const rr = rows.map((p) => red[p]);
      if (rr.every((r) => r < 0)) continue;
      acc.fill(0);
      for (const s of samples) channelTangents(net, theta, s, l, o, Q, t, acc, colStart);
      for (let q = 0; q < Q; q++) {
        for (let c = 0; c < own; c++) ownBlock[(rows[q] - gl.wOff) * own + c] = acc[c * Q + q];
        if (rr[q] < 0) continue;
        const rb = rr[q] * m;
        for (let c = own; c < cols; c++) if (rc[c] >= 0) hr[rb + rc[c]] += acc[c * Q + q];
      }
      // The mirror image column by column: the weight rows of channel o are consecutive parameters.
      for (let c = own; c < cols; c++) {
        if (rc[c] < 0) continue;
        const cb = rc[c] * m;
        for (let q = 0; q < Q; q++) if (rr[q] >= 0) hr[cb + rr[q]] += acc[c * Q + q];
      }
    }
    for (let i = 0; i < own; i++) {
      const ri = red[gl.wOff + i];
      if (ri < 0) continue;
      hr[ri * m + ri] += ownBlock[i * own + i];
      for (let j = i + 1; j < own; j++) {
        const rj = red[gl.wOff + j];
        if (rj < 0) continue;
        const v = 0.5 * (ownBlock[i * own + j] + ownBlock[j * own + i]);
        hr[ri * m + rj] += v;
        hr[rj * m + ri] += v;
      }
    }
  }
}

/**
 * Adds one sample's Hessian rows of the Q parameters of output channel o of layer l (weights (o,i,ky,kx)
 * at q = i·9 + ky·3 + kx, the bias at q = Q − 1) to acc[(column − colStart)·Q + q].
 */
function channelTangents(net: CnnNet, theta: Float64Array, s: Sample, l: number, o: number, Q: number, t: Tangents, acc: Float64Array, colStart: number): void {
  const L = net.convs.length;
  const { fw, bw } = s;
  const live = fw.live;
  const gl = net.convs[l];
  const ll = live[l];
  const os2l = gl.outSide * gl.outSide;
  // ∂z_l[o,y,x]/∂W[o,i,ky,kx] = in_l[i, y+ky−1, x+kx−1] (0 in the padding), ∂z_l[o,y,x]/∂b[o] = 1.
  const dzl = t.dz[l];
  const doutl = t.dout[l];
  doutl.fill(0, o * os2l * Q, (o + 1) * os2l * Q);
  for (let j = ll.start[o]; j < ll.start[o + 1]; j++) {
    const row = ll.e[j] * Q;
    convParamTangent(gl, fw.input[l], ll.e[j], dzl, row);
    const d = ll.d[j];
    const kb = ll.k[j] * Q;
    for (let q = 0; q < Q; q++) doutl[kb + q] = d * dzl[row + q];
  }
  // Forward tangent; at layer l (and so in the input of layer l+1) only channel o is nonzero.
  let cLo = o;
  let cHi = o + 1;
  for (let m = l + 1; m < L; m++) {
    const gm = net.convs[m];
    const lm = live[m];
    const din = t.dout[m - 1];
    const dz = t.dz[m];
    const dout = t.dout[m];
    // dz_m = W_m ⋆ ∂in_m; the weight entries of the row += corr(δ_m, ∂in_m).
    for (let j = 0; j < lm.e.length; j++) dz.fill(0, lm.e[j] * Q, (lm.e[j] + 1) * Q);
    convForward(lm.taps, theta, gm.wOff, din, dz, Q, cLo, cHi);
    convWeightGrad(lm.taps, bw.delta[m], 1, din, Q, acc, (gm.wOff - colStart) * Q, cLo, cHi);
    dout.fill(0);
    for (let j = 0; j < lm.e.length; j++) {
      const d = lm.d[j];
      const row = lm.e[j] * Q;
      const kb = lm.k[j] * Q;
      for (let q = 0; q < Q; q++) dout[kb + q] = d * dz[row + q];
    }
    cLo = 0;
    cHi = gm.outC;
  }
  // Linear layer: ∂(r ⊗ feat)/∂θ_q = r ⊗ ∂feat/∂θ_q (only the channels the tangent reached).
  const last = net.convs[L - 1];
  const os2 = last.outSide * last.outSide;
  const dfeat = t.dout[L - 1];
  for (let k = 0; k < net.classes; k++) {
    const rk = s.r[k];
    for (let j = cLo * os2; j < cHi * os2; j++) {
      const cb = (net.fcW - colStart + k * net.linearIn + j) * Q;
      const fb = j * Q;
      for (let q = 0; q < Q; q++) acc[cb + q] += rk * dfeat[fb + q];
    }
  }
  if (!net.act.piecewiseLinear) reverseTangents(net, theta, s, l, o, Q, t, acc, colStart);
}

/**
 * Sigmoid only: the reverse tangent ∂δ_m = σ''(z_m)·∂z_m·u_m + σ'(z_m)·∂u_m for m = L−1 … l and its
 * weight/bias-gradient entries corr(∂δ_m, in_m), Σ ∂δ_m. At the top ∂u = 0: r is fixed and the linear
 * layer's weights are not perturbed. u_m, ∂u_m and so ∂δ_m vanish off the live features.
 */
function reverseTangents(net: CnnNet, theta: Float64Array, s: Sample, l: number, o: number, Q: number, t: Tangents, acc: Float64Array, colStart: number): void {
  const L = net.convs.length;
  const { fw, bw } = s;
  const live = fw.live;
  for (let m = L - 1; m >= l; m--) {
    const gm = net.convs[m];
    const ssm = gm.side * gm.side;
    const lm = live[m];
    const top = m === L - 1;
    const dv = t.dv[m];
    const dd = t.dd[m];
    const dz = t.dz[m];
    const z = fw.z[m];
    const u = bw.u[m];
    for (let j = 0; j < lm.e.length; j++) {
      const e = lm.e[j];
      // ∂z_m is nonzero in channel o only at m = l.
      const c1 = m > l || Math.floor(e / ssm) === o ? net.act.d2(z[e]) * u[e] : 0;
      const c2 = top ? 0 : lm.d[j];
      const row = e * Q;
      const vb = lm.k[j] * Q;
      for (let q = 0; q < Q; q++) dd[row + q] = (c1 === 0 ? 0 : c1 * dz[row + q]) + (c2 === 0 ? 0 : c2 * dv[vb + q]);
    }
    convWeightGrad(lm.taps, dd, Q, fw.input[m], 1, acc, (gm.wOff - colStart) * Q);
    convBiasGrad(gm, lm.e, dd, acc, (gm.bOff - colStart) * Q, Q);
    if (m > l) {
      t.dv[m - 1].fill(0);
      convInputAdjoint(lm.taps, theta, gm.wOff, dd, t.dv[m - 1], Q);
    }
  }
}
