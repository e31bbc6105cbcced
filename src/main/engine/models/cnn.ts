// The paper's CNN in plain float64 TypeScript: forward, loss and gradient, plus the per-sample primitives
// (forward caches with the live features, backprop of an arbitrary logit seed) that the exact Hessian reuses.
// Each conv: 3×3, padding 1, PyTorch cross-correlation (conv3x3.ts) → activation → optional 2×2 max-pool
// (stride 2); then flatten (channel-major, as PyTorch's reshape) → Linear → logits; loss = mean cross-entropy.
import { activation, type ActivationFns } from './activation';
import { allPositions, convBiasGrad, convForward, convInputAdjoint, convTaps, convWeightGrad, type ConvShape, type ConvTaps } from './conv3x3';
import type { ModelSpec } from './spec';

export interface ConvGeom extends ConvShape {
  /** Output side (after the pool, or `side`). */
  outSide: number;
  pool: boolean;
  wOff: number;
  bOff: number;
  /** The conv's taps at every position. */
  taps: ConvTaps;
}

export interface CnnNet {
  convs: ConvGeom[];
  fcW: number;
  fcB: number;
  linearIn: number;
  classes: number;
  n: number;
  act: ActivationFns;
}

/**
 * The live features of one conv layer of one sample: the pre-activations through which a derivative passes —
 * pool argmaxes (every feature without a pool) with act'(z) ≠ 0; δ and every tangent vanish elsewhere.
 * Feature j is pre-activation e[j], feeding output k[j], with act'(z) = d[j]; output channel c's are
 * start[c] … start[c+1] − 1; taps are the conv's taps at e.
 */
export interface Live {
  e: Int32Array;
  k: Int32Array;
  d: Float64Array;
  start: Int32Array;
  taps: ConvTaps;
}

/** Per-sample forward caches. For conv m: input[m], z[m] (pre-activation), a[m] = act(z[m]), out[m], live[m]. */
export interface SampleForward {
  input: Float64Array[];
  z: Float64Array[];
  a: Float64Array[];
  out: Float64Array[];
  /** For pooled convs: index into a[m] of each pooled output's max (PyTorch: first maximum in scan order). */
  arg: (Int32Array | null)[];
  live: Live[];
  logits: Float64Array;
}

/** Backprop of a logit seed s: u[m] = ∂(sᵀf)/∂a[m], delta[m] = ∂(sᵀf)/∂z[m]. */
export interface SampleBackward {
  u: Float64Array[];
  delta: Float64Array[];
}

const nets = new WeakMap<ModelSpec, CnnNet>();

/** Geometry and offsets of a CNN spec, checked against its parameter layout (built once per spec). */
export function cnnNet(spec: ModelSpec): CnnNet {
  const known = nets.get(spec);
  if (known) return known;
  if (spec.config.kind !== 'cnn') throw new Error(`model.kind: expected 'cnn', got '${spec.config.kind}'`);
  const L = spec.convs.length;
  if (spec.tensors.length !== 2 * L + 2) throw new Error(`model spec: ${spec.tensors.length} tensors for ${L} convs`);
  const convs = spec.convs.map((c, m): ConvGeom => {
    const w = spec.tensors[2 * m];
    const b = spec.tensors[2 * m + 1];
    if (w.size !== c.outC * c.inC * 9 || b.size !== c.outC) throw new Error(`model spec: ${w.name} does not match conv ${m}`);
    const shape = { inC: c.inC, outC: c.outC, side: c.size };
    const taps = convTaps(shape, allPositions(shape));
    return { ...shape, outSide: c.pool ? c.size >> 1 : c.size, pool: c.pool, wOff: w.offset, bOff: b.offset, taps };
  });
  const last = convs[L - 1];
  if (!last || last.outC * last.outSide * last.outSide !== spec.linearIn)
    throw new Error(`model spec: conv output does not flatten to linearIn = ${spec.linearIn}`);
  const fcW = spec.tensors[2 * L];
  const fcB = spec.tensors[2 * L + 1];
  const net: CnnNet = {
    convs,
    fcW: fcW.offset,
    fcB: fcB.offset,
    linearIn: spec.linearIn,
    classes: spec.classes,
    n: spec.n,
    act: activation(spec.config.activation),
  };
  nets.set(spec, net);
  return net;
}

/** Checks the arguments shared by the CNN entry points; errors name the argument. */
export function checkCnnInputs(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number): void {
  if (theta.length !== spec.n) throw new Error(`theta: has ${theta.length} entries, the model has ${spec.n}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`size: must be a positive integer, got ${size}`);
  if (x.length !== size * spec.inputSize) throw new Error(`x: has ${x.length} entries, expected size·${spec.inputSize} = ${size * spec.inputSize}`);
  if (y.length < size) throw new Error(`y: has ${y.length} labels, expected ${size}`);
  for (let b = 0; b < size; b++) if (y[b] >= spec.classes) throw new Error(`y[${b}]: label ${y[b]} is not below ${spec.classes}`);
  for (let i = 0; i < theta.length; i++) if (!Number.isFinite(theta[i])) throw new Error(`theta[${i}]: is ${theta[i]}, parameters must be finite`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]))
      throw new Error(`x[${i}] (sample ${Math.floor(i / spec.inputSize)}, pixel ${i % spec.inputSize}): is ${x[i]}, inputs must be finite`);
  }
}

/** The adjoint of the pool (out[k] = a[arg[k]]): u = 0, u[arg[k]] += v[k]; a copy without a pool. */
export function poolScatter(arg: Int32Array | null, v: Float64Array, u: Float64Array): void {
  if (!arg) {
    u.set(v);
    return;
  }
  u.fill(0);
  for (let k = 0; k < arg.length; k++) u[arg[k]] += v[k];
}

/** The live features (see Live) of layer g from its pre-activations z and pool argmaxes. */
function liveFeatures(net: CnnNet, g: ConvGeom, z: Float64Array, arg: Int32Array | null): Live {
  const outs = g.outC * g.outSide * g.outSide;
  const e = new Int32Array(outs);
  const k = new Int32Array(outs);
  const d = new Float64Array(outs);
  const start = new Int32Array(g.outC + 1);
  let n = 0;
  for (let o = 0; o < outs; o++) {
    const pre = arg ? arg[o] : o;
    const slope = net.act.d1(z[pre]);
    if (slope === 0) continue;
    e[n] = pre;
    k[n] = o;
    d[n++] = slope;
    start[Math.floor(o / (g.outSide * g.outSide)) + 1]++;
  }
  for (let c = 0; c < g.outC; c++) start[c + 1] += start[c];
  const live = e.subarray(0, n);
  return { e: live, k: k.subarray(0, n), d: d.subarray(0, n), start, taps: convTaps(g, live) };
}

/** Forward pass of one sample (x[xOff .. xOff+256)), keeping every intermediate. */
export function forwardSample(net: CnnNet, theta: Float64Array, x: Float64Array, xOff: number): SampleForward {
  const st: SampleForward = { input: [], z: [], a: [], out: [], arg: [], live: [], logits: new Float64Array(net.classes) };
  let inp = x.slice(xOff, xOff + net.convs[0].inC * net.convs[0].side * net.convs[0].side);
  for (const g of net.convs) {
    const ss = g.side * g.side;
    const z = new Float64Array(g.outC * ss);
    for (let o = 0; o < g.outC; o++) z.fill(theta[g.bOff + o], o * ss, (o + 1) * ss);
    convForward(g.taps, theta, g.wOff, inp, z, 1);
    const a = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) a[k] = net.act.f(z[k]);
    let out = a;
    let arg: Int32Array | null = null;
    if (g.pool) {
      const os = g.outSide;
      out = new Float64Array(g.outC * os * os);
      arg = new Int32Array(out.length);
      for (let c = 0; c < g.outC; c++) {
        for (let Y = 0; Y < os; Y++) {
          for (let X = 0; X < os; X++) {
            const base = c * ss + 2 * Y * g.side + 2 * X;
            let best = base;
            if (a[base + 1] > a[best]) best = base + 1;
            if (a[base + g.side] > a[best]) best = base + g.side;
            if (a[base + g.side + 1] > a[best]) best = base + g.side + 1;
            const k = (c * os + Y) * os + X;
            arg[k] = best;
            out[k] = a[best];
          }
        }
      }
    }
    st.input.push(inp);
    st.z.push(z);
    st.a.push(a);
    st.out.push(out);
    st.arg.push(arg);
    st.live.push(liveFeatures(net, g, z, arg));
    inp = out;
  }
  const feat = st.out[st.out.length - 1];
  for (let k = 0; k < net.classes; k++) {
    let s = theta[net.fcB + k];
    const wb = net.fcW + k * net.linearIn;
    for (let j = 0; j < net.linearIn; j++) s += theta[wb + j] * feat[j];
    st.logits[k] = s;
  }
  return st;
}

/**
 * Backprop of the logit seed s through one sample: adds ∂(sᵀf)/∂θ to grad (when given) and returns the
 * per-layer u = ∂(sᵀf)/∂a and delta = ∂(sᵀf)/∂z.
 */
export function backwardSample(net: CnnNet, theta: Float64Array, st: SampleForward, seed: Float64Array, grad: Float64Array | null): SampleBackward {
  const L = net.convs.length;
  const feat = st.out[L - 1];
  const C = net.classes;
  const v = new Float64Array(net.linearIn);
  for (let k = 0; k < C; k++) {
    const s = seed[k];
    const wb = net.fcW + k * net.linearIn;
    for (let j = 0; j < net.linearIn; j++) v[j] += theta[wb + j] * s;
    if (grad) {
      for (let j = 0; j < net.linearIn; j++) grad[wb + j] += s * feat[j];
      grad[net.fcB + k] += s;
    }
  }
  const u: Float64Array[] = new Array(L);
  const delta: Float64Array[] = new Array(L);
  let vOut = v;
  for (let m = L - 1; m >= 0; m--) {
    const g = net.convs[m];
    const ss = g.side * g.side;
    const um = new Float64Array(g.outC * ss);
    poolScatter(st.arg[m], vOut, um);
    const lm = st.live[m];
    const dm = new Float64Array(um.length);
    for (let j = 0; j < lm.e.length; j++) dm[lm.e[j]] = um[lm.e[j]] * lm.d[j];
    u[m] = um;
    delta[m] = dm;
    if (grad) {
      convWeightGrad(lm.taps, dm, 1, st.input[m], 1, grad, g.wOff);
      convBiasGrad(g, lm.e, dm, grad, g.bOff, 1);
    }
    if (m > 0) {
      vOut = new Float64Array(g.inC * ss);
      convInputAdjoint(lm.taps, theta, g.wOff, dm, vOut, 1);
    }
  }
  return { u, delta };
}

/** Softmax of the logits, and the sample's cross-entropy −log p_y. */
export function softmaxCe(logits: Float64Array, label: number): { p: Float64Array; ce: number } {
  let mx = -Infinity;
  for (const v of logits) if (v > mx) mx = v;
  const p = new Float64Array(logits.length);
  let s = 0;
  for (let k = 0; k < logits.length; k++) s += p[k] = Math.exp(logits[k] - mx);
  for (let k = 0; k < logits.length; k++) p[k] /= s;
  return { p, ce: Math.log(s) + mx - logits[label] };
}

/** Index of the largest logit (first on ties, like torch.argmax). */
export function argmax(v: Float64Array): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}

/**
 * Mean cross-entropy loss, number of correct predictions, gradient and logits (size×classes row-major)
 * of the CNN on a batch: x is size×256 row-major, y the labels.
 */
export function cnnLossGrad(
  spec: ModelSpec,
  theta: Float64Array,
  x: Float64Array,
  y: Uint8Array,
  size: number,
): { loss: number; correct: number; grad: Float64Array; logits: Float64Array } {
  const net = cnnNet(spec);
  checkCnnInputs(spec, theta, x, y, size);
  const C = net.classes;
  const grad = new Float64Array(spec.n);
  const logits = new Float64Array(size * C);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < size; b++) {
    const st = forwardSample(net, theta, x, b * spec.inputSize);
    logits.set(st.logits, b * C);
    const { p, ce } = softmaxCe(st.logits, y[b]);
    loss += ce / size;
    if (argmax(st.logits) === y[b]) correct++;
    // ∂ℓ/∂f_b = (p_b − e_y)/B.
    const r = new Float64Array(C);
    for (let k = 0; k < C; k++) r[k] = (p[k] - (k === y[b] ? 1 : 0)) / size;
    backwardSample(net, theta, st, r, grad);
  }
  return { loss, correct, grad, logits };
}
