// The paper's CNN in plain float64 TypeScript: forward, loss and gradient, plus the per-sample primitives
// (forward caches, backprop of an arbitrary logit seed) that the exact Hessian reuses.
// Each conv: 3×3, padding 1, PyTorch cross-correlation → activation → optional 2×2 max-pool (stride 2);
// then flatten (channel-major, as PyTorch's reshape) → Linear → logits; loss = mean cross-entropy.
import type { ModelSpec } from './spec';

export interface ConvGeom {
  inC: number;
  outC: number;
  /** Input and pre-activation spatial side. */
  side: number;
  /** Output side (after the pool, or `side`). */
  outSide: number;
  pool: boolean;
  wOff: number;
  bOff: number;
}

export interface CnnNet {
  convs: ConvGeom[];
  fcW: number;
  fcB: number;
  linearIn: number;
  classes: number;
  n: number;
  sigmoid: boolean;
}

/** Per-sample forward caches. For conv m: input[m], z[m] (pre-activation), a[m] = act(z[m]), out[m]. */
export interface SampleForward {
  input: Float64Array[];
  z: Float64Array[];
  a: Float64Array[];
  out: Float64Array[];
  /** For pooled convs: index into a[m] of each pooled output's max (PyTorch: first maximum in scan order). */
  arg: (Int32Array | null)[];
  logits: Float64Array;
}

/** Backprop of a logit seed s: u[m] = ∂(sᵀf)/∂a[m], delta[m] = ∂(sᵀf)/∂z[m]. */
export interface SampleBackward {
  u: Float64Array[];
  delta: Float64Array[];
}

/** Geometry and offsets of a CNN spec, checked against its parameter layout. */
export function cnnNet(spec: ModelSpec): CnnNet {
  if (spec.config.kind !== 'cnn') throw new Error(`model.kind: expected 'cnn', got '${spec.config.kind}'`);
  const L = spec.convs.length;
  if (spec.tensors.length !== 2 * L + 2) throw new Error(`model spec: ${spec.tensors.length} tensors for ${L} convs`);
  const convs = spec.convs.map((c, m): ConvGeom => {
    const w = spec.tensors[2 * m];
    const b = spec.tensors[2 * m + 1];
    if (w.size !== c.outC * c.inC * 9 || b.size !== c.outC) throw new Error(`model spec: ${w.name} does not match conv ${m}`);
    return { inC: c.inC, outC: c.outC, side: c.size, outSide: c.pool ? c.size >> 1 : c.size, pool: c.pool, wOff: w.offset, bOff: b.offset };
  });
  const last = convs[L - 1];
  if (!last || last.outC * last.outSide * last.outSide !== spec.linearIn)
    throw new Error(`model spec: conv output does not flatten to linearIn = ${spec.linearIn}`);
  const fcW = spec.tensors[2 * L];
  const fcB = spec.tensors[2 * L + 1];
  return {
    convs,
    fcW: fcW.offset,
    fcB: fcB.offset,
    linearIn: spec.linearIn,
    classes: spec.classes,
    n: spec.n,
    sigmoid: spec.config.activation === 'sigmoid',
  };
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

/** z[o] += Σ_i W[o,i] ⋆ inp[i] (3×3 cross-correlation, zero padding 1). */
export function convAdd(w: Float64Array, wOff: number, inp: Float64Array, inC: number, outC: number, side: number, z: Float64Array): void {
  const ss = side * side;
  for (let o = 0; o < outC; o++) {
    for (let i = 0; i < inC; i++) {
      for (let ky = 0; ky < 3; ky++) {
        const dy = ky - 1;
        const y0 = dy < 0 ? 1 : 0;
        const y1 = dy > 0 ? side - 1 : side;
        for (let kx = 0; kx < 3; kx++) {
          const wv = w[wOff + ((o * inC + i) * 3 + ky) * 3 + kx];
          if (wv === 0) continue;
          const dx = kx - 1;
          const x0 = dx < 0 ? 1 : 0;
          const x1 = dx > 0 ? side - 1 : side;
          for (let yy = y0; yy < y1; yy++) {
            const zb = o * ss + yy * side;
            const ib = i * ss + (yy + dy) * side + dx;
            for (let xx = x0; xx < x1; xx++) z[zb + xx] += wv * inp[ib + xx];
          }
        }
      }
    }
  }
}

/** gin[i] += Σ_o W[o,i] ⋆ᵀ delta[o] (the adjoint of convAdd). */
export function convTransposeAdd(w: Float64Array, wOff: number, delta: Float64Array, inC: number, outC: number, side: number, gin: Float64Array): void {
  const ss = side * side;
  for (let o = 0; o < outC; o++) {
    for (let i = 0; i < inC; i++) {
      for (let ky = 0; ky < 3; ky++) {
        const dy = ky - 1;
        const y0 = dy < 0 ? 1 : 0;
        const y1 = dy > 0 ? side - 1 : side;
        for (let kx = 0; kx < 3; kx++) {
          const wv = w[wOff + ((o * inC + i) * 3 + ky) * 3 + kx];
          if (wv === 0) continue;
          const dx = kx - 1;
          const x0 = dx < 0 ? 1 : 0;
          const x1 = dx > 0 ? side - 1 : side;
          for (let yy = y0; yy < y1; yy++) {
            const db = o * ss + yy * side;
            const gb = i * ss + (yy + dy) * side + dx;
            for (let xx = x0; xx < x1; xx++) gin[gb + xx] += wv * delta[db + xx];
          }
        }
      }
    }
  }
}

/** g[gOff + (o,i,ky,kx)] += Σ_{y,x} delta[o,y,x]·inp[i,y+ky−1,x+kx−1] (weight gradient). */
export function convWeightGradAdd(delta: Float64Array, inp: Float64Array, inC: number, outC: number, side: number, g: Float64Array, gOff: number): void {
  const ss = side * side;
  for (let o = 0; o < outC; o++) {
    for (let i = 0; i < inC; i++) {
      for (let ky = 0; ky < 3; ky++) {
        const dy = ky - 1;
        const y0 = dy < 0 ? 1 : 0;
        const y1 = dy > 0 ? side - 1 : side;
        for (let kx = 0; kx < 3; kx++) {
          const dx = kx - 1;
          const x0 = dx < 0 ? 1 : 0;
          const x1 = dx > 0 ? side - 1 : side;
          let s = 0;
          for (let yy = y0; yy < y1; yy++) {
            const db = o * ss + yy * side;
            const ib = i * ss + (yy + dy) * side + dx;
            for (let xx = x0; xx < x1; xx++) s += delta[db + xx] * inp[ib + xx];
          }
          g[gOff + ((o * inC + i) * 3 + ky) * 3 + kx] += s;
        }
      }
    }
  }
}

/** act'(z) from the cached activation a (ReLU: 1 if z > 0; sigmoid: a(1−a)). */
function actDeriv(sigmoid: boolean, z: number, a: number): number {
  return sigmoid ? a * (1 - a) : z > 0 ? 1 : 0;
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

/** Forward pass of one sample (x[xOff .. xOff+256)), keeping every intermediate. */
export function forwardSample(net: CnnNet, theta: Float64Array, x: Float64Array, xOff: number): SampleForward {
  const st: SampleForward = { input: [], z: [], a: [], out: [], arg: [], logits: new Float64Array(net.classes) };
  let inp = x.slice(xOff, xOff + net.convs[0].inC * net.convs[0].side * net.convs[0].side);
  for (const g of net.convs) {
    const ss = g.side * g.side;
    const z = new Float64Array(g.outC * ss);
    for (let o = 0; o < g.outC; o++) z.fill(theta[g.bOff + o], o * ss, (o + 1) * ss);
    convAdd(theta, g.wOff, inp, g.inC, g.outC, g.side, z);
    const a = new Float64Array(z.length);
    for (let k = 0; k < z.length; k++) a[k] = net.sigmoid ? 1 / (1 + Math.exp(-z[k])) : z[k] > 0 ? z[k] : 0;
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
    const dm = new Float64Array(um.length);
    const z = st.z[m];
    const a = st.a[m];
    for (let k = 0; k < dm.length; k++) dm[k] = um[k] * actDeriv(net.sigmoid, z[k], a[k]);
    u[m] = um;
    delta[m] = dm;
    if (grad) {
      convWeightGradAdd(dm, st.input[m], g.inC, g.outC, g.side, grad, g.wOff);
      for (let o = 0; o < g.outC; o++) {
        let s = 0;
        for (let k = o * ss; k < (o + 1) * ss; k++) s += dm[k];
        grad[g.bOff + o] += s;
      }
    }
    if (m > 0) {
      vOut = new Float64Array(g.inC * ss);
      convTransposeAdd(theta, g.wOff, dm, g.inC, g.outC, g.side, vOut);
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
