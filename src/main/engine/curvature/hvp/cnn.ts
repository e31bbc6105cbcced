// Exact Hessian-vector products of the paper's CNN by forward-over-reverse, float64, H never formed
// (DESIGN §2). Per sample, with the ReLU masks / sigmoid slopes and the pool argmaxes of the forward pass
// fixed (exact almost everywhere) and v = (V_m, c_m for each conv m; V_f, c_f for the linear layer):
//   forward   Rz_m = c_m + V_m ⋆ in_m + W_m ⋆ Rin_m,  Rout_m = pool(a'(z_m)·Rz_m),  Rin_{m+1} = Rout_m,
//             Rf = V_f feat + W_f Rfeat + c_f,  Rr = (diag p − p pᵀ) Rf / B   (r = (p − y)/B),
//   reverse   R∇W_f = Rr featᵀ + r Rfeatᵀ,  Rv = V_fᵀ r + W_fᵀ Rr,  then per conv from the top:
//             Ru_m = poolᵀ Rv,  Rδ_m = a''(z_m)·Rz_m·u_m + a'(z_m)·Ru_m,
//             R∇W_m = corr(Rδ_m, in_m) + corr(δ_m, Rin_m),  R∇c_m = Σ Rδ_m,
//             Rv ← W_mᵀ ⋆ Rδ_m + V_mᵀ ⋆ δ_m   (u_m, δ_m from the sample's ordinary backprop of r).
import { activation } from '../../models/activation';
import { argmax, backwardSample, checkCnnInputs, cnnNet, forwardSample, poolScatter, softmaxCe } from '../../models/cnn';
import type { SampleBackward, SampleForward } from '../../models/cnn';
import type { ModelSpec } from '../../models/spec';
import { convForward, convInputAdjoint, convWeightGrad } from '../../models/conv3x3';
import type { HessianOperator } from './operator';

interface Sample {
  fw: SampleForward;
  bw: SampleBackward;
  p: Float64Array;
  r: Float64Array;
  /** a'(z_m) and a''(z_m) per conv. */
  d1: Float64Array[];
  d2: Float64Array[];
}

export function cnnHessianOperator(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, B: number): HessianOperator {
  const net = cnnNet(spec);
  checkCnnInputs(spec, theta, x, y, B);
  const act = activation(spec.config.activation);
  const { n, classes: C, linearIn: F, fcW, fcB } = net;
  const grad = new Float64Array(n);
  let loss = 0;
  let correct = 0;
  const samples: Sample[] = [];
  for (let b = 0; b < B; b++) {
    const fw = forwardSample(net, theta, x, b * spec.inputSize);
    const { p, ce } = softmaxCe(fw.logits, y[b]);
    loss += ce / B;
    if (argmax(fw.logits) === y[b]) correct++;
    const r = Float64Array.from(p, (pk, k) => (pk - (k === y[b] ? 1 : 0)) / B);
    const bw = backwardSample(net, theta, fw, r, grad);
    samples.push({ fw, bw, p, r, d1: fw.z.map((z) => z.map(act.d1)), d2: fw.z.map((z) => z.map(act.d2)) });
  }

  const L = net.convs.length;
  const rf = new Float64Array(C);
  const rr = new Float64Array(C);
  const apply = (vectors: Float64Array, k: number): Float64Array => {
    if (vectors.length !== k * n) throw new Error(`Hessian-vector product: ${vectors.length} values for k = ${k} vectors of length n = ${n}`);
    const out = new Float64Array(k * n);
    for (let v = 0; v < k; v++) {
      const vec = vectors.subarray(v * n, (v + 1) * n);
      const oOff = v * n;
      for (const s of samples) {
        const { fw, bw } = s;
        // Forward tangent: Rin[m] is the tangent of conv m's input (zero for the image), Rz[m] of its pre-activation.
        const rin: Float64Array[] = [new Float64Array(fw.input[0].length)];
        const rz: Float64Array[] = [];
        net.convs.forEach((g, m) => {
          const ss = g.side * g.side;
          const z = new Float64Array(g.outC * ss);
          for (let o = 0; o < g.outC; o++) z.fill(vec[g.bOff + o], o * ss, (o + 1) * ss);
          convForward(g.taps, vec, g.wOff, fw.input[m], z, 1);
          if (m > 0) convForward(g.taps, theta, g.wOff, rin[m], z, 1);
          rz.push(z);
          const arg = fw.arg[m];
          const d1 = s.d1[m];
          // Rout_m = pool(a'(z_m)·Rz_m): the tangent at the pool's argmaxes (every feature without a pool).
          const out = new Float64Array(arg ? arg.length : z.length);
          for (let k = 0; k < out.length; k++) {
            const e = arg ? arg[k] : k;
            out[k] = d1[e] * z[e];
          }
          rin.push(out);
        });
        const feat = fw.out[L - 1];
        const rfeat = rin[L];
        let dot = 0;
        for (let c = 0; c < C; c++) {
          let f = vec[fcB + c];
          const wb = fcW + c * F;
          for (let i = 0; i < F; i++) f += vec[wb + i] * feat[i] + theta[wb + i] * rfeat[i];
          rf[c] = f;
          dot += s.p[c] * f;
        }
        for (let c = 0; c < C; c++) rr[c] = (s.p[c] * (rf[c] - dot)) / B;
        let rv = new Float64Array(F);
        for (let c = 0; c < C; c++) {
          const wb = fcW + c * F;
          out[oOff + fcB + c] += rr[c];
          for (let i = 0; i < F; i++) {
            out[oOff + wb + i] += rr[c] * feat[i] + s.r[c] * rfeat[i];
            rv[i] += vec[wb + i] * s.r[c] + theta[wb + i] * rr[c];
          }
        }
        // Reverse tangent, top conv first.
        for (let m = L - 1; m >= 0; m--) {
          const g = net.convs[m];
          const ss = g.side * g.side;
          const ru = new Float64Array(g.outC * ss);
          poolScatter(fw.arg[m], rv, ru);
          const d1 = s.d1[m];
          const d2 = s.d2[m];
          const u = bw.u[m];
          const z = rz[m];
          const rd = new Float64Array(ru.length);
          for (let e = 0; e < rd.length; e++) rd[e] = d2[e] * z[e] * u[e] + d1[e] * ru[e];
          convWeightGrad(g.taps, rd, 1, fw.input[m], 1, out, oOff + g.wOff);
          for (let o = 0; o < g.outC; o++) {
            let sum = 0;
            for (let e = o * ss; e < (o + 1) * ss; e++) sum += rd[e];
            out[oOff + g.bOff + o] += sum;
          }
          if (m === 0) break;
          convWeightGrad(g.taps, bw.delta[m], 1, rin[m], 1, out, oOff + g.wOff);
          rv = new Float64Array(g.inC * ss);
          convInputAdjoint(g.taps, theta, g.wOff, rd, rv, 1);
          convInputAdjoint(g.taps, vec, g.wOff, bw.delta[m], rv, 1);
        }
      }
    }
    return out;
  };
  return { n, loss, correct, grad, apply };
}
