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
// carried together as the last, contiguous axis of Q-wide buffers ([feature][q]). Only "live" pre-activation
// features matter — pool argmaxes (every feature without a pool) with act' ≠ 0 — because only they feed the
// next layer, and δ_m, u_m vanish elsewhere; every kernel loops over them alone. Only row-layer ≤
// column-layer entries are formed, summed over the batch, and added to the GGN symmetrically.
import type { ModelSpec } from '../models/spec';
import { argmax, backwardSample, checkCnnInputs, cnnNet, forwardSample, softmaxCe } from '../models/cnn';
import type { CnnNet, SampleBackward, SampleForward } from '../models/cnn';
import { gramAtA } from '../linalg/eigh';

export function cnnHessian(
  spec: ModelSpec,
  theta: Float64Array,
  x: Float64Array,
  y: Uint8Array,
  size: number,
): { h: Float64Array; loss: number; correct: number; grad: Float64Array } {
  const net = cnnNet(spec);
  checkCnnInputs(spec, theta, x, y, size);
  const n = spec.n;
  const C = net.classes;
  const jhat = new Float64Array(size * C * n);
  const grad = new Float64Array(n);
  // Seeds of the rows of P_b D_b J_b/√B, stored [logit j][row k]; jt = their backprops, [parameter][row k].
  const seeds = new Float64Array(C * C);
  const jt = new Float64Array(n * C);
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
    const live = liveFeatures(net, fw);
    samples.push({ fw, bw: backwardSample(net, theta, fw, r, grad), r, live });
    for (let k = 0; k < C; k++) {
      const s = Math.sqrt(p[k] / size);
      for (let j = 0; j < C; j++) seeds[j * C + k] = s * ((j === k ? 1 : 0) - p[j]);
    }
    jacobianRows(net, theta, fw, live, seeds, jt);
    for (let q = 0; q < n; q++) for (let k = 0; k < C; k++) jhat[(b * C + k) * n + q] = jt[q * C + k];
  }
  const h = gramAtA(jhat, size * C, n);
  addSecondOrder(net, theta, samples, h);
  return { h, loss, correct, grad };
}

/** Live features of one conv layer: pre-activation index e, output index k it feeds, act'(z_e). */
interface Live {
  e: Int32Array;
  k: Int32Array;
  d: Float64Array;
  /** Entries of output channel c are [start[c], start[c+1]). */
  start: Int32Array;
}

/** One sample's forward caches, its backprop of r (δ_m, u_m, with the 1/B inside r), r, and live features. */
interface Sample {
  fw: SampleForward;
  bw: SampleBackward;
  r: Float64Array;
  live: Live[];
}

/** Per conv layer, the features through which tangents and δ pass: pool argmaxes (all without a pool) with act' ≠ 0. */
function liveFeatures(net: CnnNet, fw: SampleForward): Live[] {
  return net.convs.map((g, m) => {
    const z = fw.z[m];
    const a = fw.a[m];
    const arg = fw.arg[m];
    const outs = g.outC * g.outSide * g.outSide;
    const es: number[] = [];
    const ks: number[] = [];
    const ds: number[] = [];
    const start = new Int32Array(g.outC + 1);
    for (let k = 0; k < outs; k++) {
      const e = arg ? arg[k] : k;
      const d = net.sigmoid ? a[e] * (1 - a[e]) : z[e] > 0 ? 1 : 0;
      if (d === 0) continue;
      es.push(e);
      ks.push(k);
      ds.push(d);
      start[Math.floor(k / (g.outSide * g.outSide)) + 1]++;
    }
    for (let c = 0; c < g.outC; c++) start[c + 1] += start[c];
    return { e: Int32Array.from(es), k: Int32Array.from(ks), d: Float64Array.from(ds), start };
  });
}

/**
 * Backprop of the C seeds seeds[j·C + k] (logit j, seed k) through one sample, restricted to its live
 * features (δ vanishes elsewhere): jt[p·C + k] = ∂(seed_kᵀ f)/∂θ_p.
 */
function jacobianRows(net: CnnNet, theta: Float64Array, fw: SampleForward, live: Live[], seeds: Float64Array, jt: Float64Array): void {
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
  const delta = new Float64Array(C);
  for (let m = L - 1; m >= 0; m--) {
    const gm = net.convs[m];
    const sd = gm.side;
    const ssm = sd * sd;
    const lm = live[m];
    const inp = fw.input[m];
    const vPrev = m > 0 ? new Float64Array(gm.inC * ssm * C) : null;
    for (let j = 0; j < lm.e.length; j++) {
      const e = lm.e[j];
      const d = lm.d[j];
      const vb = lm.k[j] * C;
      for (let k = 0; k < C; k++) delta[k] = d * v[vb + k];
      const oc = Math.floor(e / ssm);
      const yy = Math.floor((e - oc * ssm) / sd);
      const xx = e - oc * ssm - yy * sd;
      for (let i = 0; i < gm.inC; i++) {
        for (let ky = 0; ky < 3; ky++) {
          const sy = yy + ky - 1;
          if (sy < 0 || sy >= sd) continue;
          for (let kx = 0; kx < 3; kx++) {
            const sx = xx + kx - 1;
            if (sx < 0 || sx >= sd) continue;
            const widx = ((oc * gm.inC + i) * 3 + ky) * 3 + kx;
            const src = i * ssm + sy * sd + sx;
            const x = inp[src];
            const pb = (gm.wOff + widx) * C;
            for (let k = 0; k < C; k++) jt[pb + k] += x * delta[k];
            if (vPrev) {
              const w = theta[gm.wOff + widx];
              const gb = src * C;
              for (let k = 0; k < C; k++) vPrev[gb + k] += w * delta[k];
            }
          }
        }
      }
      const bb = (gm.bOff + oc) * C;
      for (let k = 0; k < C; k++) jt[bb + k] += delta[k];
    }
    if (vPrev) v = vPrev;
  }
}

/** Q-wide tangent buffers per conv layer: dz (∂z at live features), dout (∂out), dd (∂δ), dv (∂ of ∂Φ/∂out). */
interface Tangents {
  dz: Float64Array[];
  dout: Float64Array[];
  dd: Float64Array[];
  dv: Float64Array[];
}

/** Adds ∇²Φ to h: rows of layer l with columns of layers > l (sigmoid: ≥ l), and their mirror images. */
function addSecondOrder(net: CnnNet, theta: Float64Array, samples: Sample[], h: Float64Array): void {
  const n = net.n;
  const L = net.convs.length;
  for (let l = 0; l < L; l++) {
    const gl = net.convs[l];
    const Q = gl.inC * 9 + 1;
    const colStart = net.sigmoid ? gl.wOff : l + 1 < L ? net.convs[l + 1].wOff : net.fcW;
    // Sigmoid: layer l's own (diagonal) block is gathered apart and symmetrised at the end, exactly.
    const own = net.sigmoid ? gl.bOff + gl.outC - gl.wOff : 0;
    const ownBlock = new Float64Array(own * own);
    const cols = n - colStart;
    const acc = new Float64Array(cols * Q);
    // Buffers for layers ≥ l only; the reverse-tangent ones for sigmoid only.
    const full = (keep: boolean): Float64Array[] => net.convs.map((g, m) => new Float64Array(keep && m >= l ? g.outC * g.side * g.side * Q : 0));
    const pooled = (keep: boolean): Float64Array[] => net.convs.map((g, m) => new Float64Array(keep && m >= l ? g.outC * g.outSide * g.outSide * Q : 0));
    const t: Tangents = { dz: full(true), dout: pooled(true), dd: full(net.sigmoid), dv: pooled(net.sigmoid) };
    for (let o = 0; o < gl.outC; o++) {
      acc.fill(0);
      for (const s of samples) channelTangents(net, theta, s, l, o, Q, t, acc, colStart);
      const rows = Array.from({ length: Q }, (_, q) => (q < Q - 1 ? gl.wOff + o * (Q - 1) + q : gl.bOff + o));
      for (let q = 0; q < Q; q++) {
        const rb = rows[q] * n + colStart;
        for (let c = 0; c < own; c++) ownBlock[(rows[q] - gl.wOff) * own + c] = acc[c * Q + q];
        for (let c = own; c < cols; c++) h[rb + c] += acc[c * Q + q];
      }
      // The mirror image column by column: the weight rows of channel o are consecutive parameters.
      for (let c = own; c < cols; c++) {
        const cb = (colStart + c) * n;
        for (let q = 0; q < Q; q++) h[cb + rows[q]] += acc[c * Q + q];
      }
    }
    for (let i = 0; i < own; i++) {
      const ri = (gl.wOff + i) * n + gl.wOff;
      h[ri + i] += ownBlock[i * own + i];
      for (let j = i + 1; j < own; j++) {
        const v = 0.5 * (ownBlock[i * own + j] + ownBlock[j * own + i]);
        h[ri + j] += v;
        h[(gl.wOff + j) * n + gl.wOff + i] += v;
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
  const { fw, bw, live } = s;
  const gl = net.convs[l];
  const side = gl.side;
  const ss = side * side;
  const inL = fw.input[l];
  const ll = live[l];
  const os2l = gl.outSide * gl.outSide;
  // ∂z_l[o,y,x]/∂W[o,i,ky,kx] = in_l[i, y+ky−1, x+kx−1] (0 in the padding), ∂z_l[o,y,x]/∂b[o] = 1.
  const dzl = t.dz[l];
  const doutl = t.dout[l];
  doutl.fill(0, o * os2l * Q, (o + 1) * os2l * Q);
  for (let j = ll.start[o]; j < ll.start[o + 1]; j++) {
    const e = ll.e[j];
    const yy = Math.floor((e - o * ss) / side);
    const xx = e - o * ss - yy * side;
    const row = e * Q;
    for (let i = 0; i < gl.inC; i++) {
      for (let ky = 0; ky < 3; ky++) {
        const sy = yy + ky - 1;
        for (let kx = 0; kx < 3; kx++) {
          const sx = xx + kx - 1;
          dzl[row + i * 9 + ky * 3 + kx] = sy >= 0 && sy < side && sx >= 0 && sx < side ? inL[i * ss + sy * side + sx] : 0;
        }
      }
    }
    dzl[row + Q - 1] = 1;
    const d = ll.d[j];
    const kb = ll.k[j] * Q;
    for (let q = 0; q < Q; q++) doutl[kb + q] = d * dzl[row + q];
  }
  // Forward tangent; at layer l (and so in the input of layer l+1) only channel o is nonzero.
  let cLo = o;
  let cHi = o + 1;
  for (let m = l + 1; m < L; m++) {
    const gm = net.convs[m];
    const sd = gm.side;
    const ssm = sd * sd;
    const lm = live[m];
    const din = t.dout[m - 1];
    const dz = t.dz[m];
    const dout = t.dout[m];
    const delta = bw.delta[m];
    const accOff = (gm.wOff - colStart) * Q;
    dout.fill(0);
    for (let j = 0; j < lm.e.length; j++) {
      const e = lm.e[j];
      const oc = Math.floor(e / ssm);
      const yy = Math.floor((e - oc * ssm) / sd);
      const xx = e - oc * ssm - yy * sd;
      const row = e * Q;
      dz.fill(0, row, row + Q);
      // dz_m[e] = Σ W[oc,i,ky,kx]·din[i,y+ky−1,x+kx−1];  the row's weight entries += δ_m[e]·din[…] (corr(δ_m, ∂in_m)).
      const de = delta[e];
      for (let i = cLo; i < cHi; i++) {
        for (let ky = 0; ky < 3; ky++) {
          const sy = yy + ky - 1;
          if (sy < 0 || sy >= sd) continue;
          for (let kx = 0; kx < 3; kx++) {
            const sx = xx + kx - 1;
            if (sx < 0 || sx >= sd) continue;
            const widx = ((oc * gm.inC + i) * 3 + ky) * 3 + kx;
            const w = theta[gm.wOff + widx];
            const src = (i * ssm + sy * sd + sx) * Q;
            for (let q = 0; q < Q; q++) dz[row + q] += w * din[src + q];
            if (de !== 0) {
              const cb = accOff + widx * Q;
              for (let q = 0; q < Q; q++) acc[cb + q] += de * din[src + q];
            }
          }
        }
      }
      const d = lm.d[j];
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
  if (net.sigmoid) reverseTangents(net, theta, s, l, o, Q, t, acc, colStart);
}

/**
 * Sigmoid only: the reverse tangent ∂δ_m = σ''(z_m)·∂z_m·u_m + σ'(z_m)·∂u_m for m = L−1 … l and its
 * weight/bias-gradient entries corr(∂δ_m, in_m), Σ ∂δ_m. At the top ∂u = 0: r is fixed and the linear
 * layer's weights are not perturbed. u_m, ∂u_m and so ∂δ_m vanish off the live features.
 */
function reverseTangents(net: CnnNet, theta: Float64Array, s: Sample, l: number, o: number, Q: number, t: Tangents, acc: Float64Array, colStart: number): void {
  const L = net.convs.length;
  const { fw, bw, live } = s;
  for (let m = L - 1; m >= l; m--) {
    const gm = net.convs[m];
    const sd = gm.side;
    const ssm = sd * sd;
    const lm = live[m];
    const top = m === L - 1;
    const dv = t.dv[m];
    const dd = t.dd[m];
    const dz = t.dz[m];
    const a = fw.a[m];
    const u = bw.u[m];
    const inp = fw.input[m];
    const dvPrev = m > l ? t.dv[m - 1] : null;
    if (dvPrev) dvPrev.fill(0);
    const accOff = (gm.wOff - colStart) * Q;
    for (let j = 0; j < lm.e.length; j++) {
      const e = lm.e[j];
      const oc = Math.floor(e / ssm);
      // ∂z_m is nonzero in channel o only at m = l.
      const c1 = m > l || oc === o ? lm.d[j] * (1 - 2 * a[e]) * u[e] : 0;
      const c2 = top ? 0 : lm.d[j];
      const row = e * Q;
      const vb = lm.k[j] * Q;
      for (let q = 0; q < Q; q++) dd[row + q] = (c1 === 0 ? 0 : c1 * dz[row + q]) + (c2 === 0 ? 0 : c2 * dv[vb + q]);
      const yy = Math.floor((e - oc * ssm) / sd);
      const xx = e - oc * ssm - yy * sd;
      for (let i = 0; i < gm.inC; i++) {
        for (let ky = 0; ky < 3; ky++) {
          const sy = yy + ky - 1;
          if (sy < 0 || sy >= sd) continue;
          for (let kx = 0; kx < 3; kx++) {
            const sx = xx + kx - 1;
            if (sx < 0 || sx >= sd) continue;
            const widx = ((oc * gm.inC + i) * 3 + ky) * 3 + kx;
            const src = i * ssm + sy * sd + sx;
            const v = inp[src];
            const cb = accOff + widx * Q;
            for (let q = 0; q < Q; q++) acc[cb + q] += v * dd[row + q];
            if (dvPrev) {
              const w = theta[gm.wOff + widx];
              const pb = src * Q;
              for (let q = 0; q < Q; q++) dvPrev[pb + q] += w * dd[row + q];
            }
          }
        }
      }
      const bb = (gm.bOff - colStart + oc) * Q;
      for (let q = 0; q < Q; q++) acc[bb + q] += dd[row + q];
    }
  }
}
