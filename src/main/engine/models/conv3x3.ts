// The 3×3 convolution of the paper's CNN (PyTorch Conv2d: cross-correlation, stride 1, zero padding 1) and its
// derivatives, as kernels in the spirit of TF.js's op/kernel split: the model (cnn.ts) and the exact Hessian
// (curvature/cnn-hessian.ts) call these, and only `stencil` knows which taps fall inside the map.
//
// Maps are channel-major, p = (c·side + y)·side + x as in PyTorch, and K-wide: feature p carries K values at
// p·K … p·K + K − 1, so one call moves K seeds or tangents at once (K = 1: a plain map). A kernel visits the
// taps of a chosen set of output positions (convTaps: all of them in the model, the live ones in the Hessian).
// Weight W[o, i, ky, kx] is w[wOff + ((o·inC + i)·3 + ky)·3 + kx].

export interface ConvShape {
  inC: number;
  outC: number;
  /** Input and output side (stride 1, padding 1). */
  side: number;
}

/**
 * The in-map taps of each spatial position s = y·side + x of a side×side map, in (ky, kx) order: taps
 * start[s] … start[s+1] − 1; tap t reads position s + d[t] with kernel entry k[t] = ky·3 + kx.
 */
interface Stencil {
  start: Int32Array;
  k: Int32Array;
  d: Int32Array;
}

const stencils = new Map<number, Stencil>();
function stencil(side: number): Stencil {
  let st = stencils.get(side);
  if (st) return st;
  const ss = side * side;
  const start = new Int32Array(ss + 1);
  const k: number[] = [];
  const d: number[] = [];
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      for (let ky = 0; ky < 3; ky++)
        for (let kx = 0; kx < 3; kx++) {
          const sy = y + ky - 1;
          const sx = x + kx - 1;
          if (sy < 0 || sy >= side || sx < 0 || sx >= side) continue;
          k.push(ky * 3 + kx);
          d.push((ky - 1) * side + kx - 1);
        }
      start[y * side + x + 1] = k.length;
    }
  st = { start, k: Int32Array.from(k), d: Int32Array.from(d) };
  stencils.set(side, st);
  return st;
}

/**
 * Every (output, weight, input) triple of a conv at the output positions `at` (e = (o·side + y)·side + x) whose
 * input lies inside the map: tap t adds w[wOff + w[t]] · inp[src[t]] to out[out[t]]. Ordered by input channel
 * (channel i's taps are chan[i] … chan[i+1] − 1), then position (in the order of `at`), then (ky, kx), so every
 * output, weight and input entry accumulates its terms in one fixed order.
 */
export interface ConvTaps {
  out: Int32Array;
  w: Int32Array;
  src: Int32Array;
  chan: Int32Array;
}

export function convTaps(c: ConvShape, at: Int32Array): ConvTaps {
  const { inC, side } = c;
  const ss = side * side;
  const st = stencil(side);
  let perChannel = 0;
  for (let j = 0; j < at.length; j++) {
    const s = at[j] % ss;
    perChannel += st.start[s + 1] - st.start[s];
  }
  const n = perChannel * inC;
  const taps: ConvTaps = { out: new Int32Array(n), w: new Int32Array(n), src: new Int32Array(n), chan: new Int32Array(inC + 1) };
  let t = 0;
  for (let i = 0; i < inC; i++) {
    taps.chan[i] = t;
    for (let j = 0; j < at.length; j++) {
      const e = at[j];
      const o = (e / ss) | 0;
      const s = e - o * ss;
      for (let u = st.start[s]; u < st.start[s + 1]; u++, t++) {
        taps.out[t] = e;
        taps.w[t] = (o * inC + i) * 9 + st.k[u];
        taps.src[t] = i * ss + s + st.d[u];
      }
    }
  }
  taps.chan[inC] = t;
  return taps;
}

/** Every output position of a layer, in order. */
export function allPositions(c: ConvShape): Int32Array {
  return Int32Array.from({ length: c.outC * c.side * c.side }, (_, e) => e);
}

/** Forward: out[e·K + q] += Σ_{i ∈ [iLo, iHi), ky, kx} W[o,i,ky,kx] · inp[src·K + q], src = (i, y+ky−1, x+kx−1). */
export function convForward(
  taps: ConvTaps,
  w: Float64Array,
  wOff: number,
  inp: Float64Array,
  out: Float64Array,
  K: number,
  iLo = 0,
  iHi = taps.chan.length - 1,
): void {
  applyTaps(taps, w, wOff, inp, taps.src, out, taps.out, K, taps.chan[iLo], taps.chan[iHi]);
}

/** Input adjoint of convForward: gin[src·K + q] += W[o,i,ky,kx] · delta[e·K + q] (⟨W⋆x, δ⟩ = ⟨x, W⋆ᵀδ⟩). */
export function convInputAdjoint(taps: ConvTaps, w: Float64Array, wOff: number, delta: Float64Array, gin: Float64Array, K: number): void {
  applyTaps(taps, w, wOff, delta, taps.out, gin, taps.src, K, 0, taps.out.length);
}

/** to[toAt[t]·K + q] += w[wOff + w_t] · from[fromAt[t]·K + q] for taps t0 … t1 − 1: the conv, or its adjoint with the ends swapped. */
function applyTaps(
  taps: ConvTaps,
  w: Float64Array,
  wOff: number,
  from: Float64Array,
  fromAt: Int32Array,
  to: Float64Array,
  toAt: Int32Array,
  K: number,
  t0: number,
  t1: number,
): void {
  for (let t = t0; t < t1; t++) {
    const wv = w[wOff + taps.w[t]];
    const fb = fromAt[t] * K;
    const tb = toAt[t] * K;
    for (let q = 0; q < K; q++) to[tb + q] += wv * from[fb + q];
  }
}

/**
 * Weight gradient ∂⟨δ, W⋆x⟩/∂W, K-wide: gw[gwOff + ((o·inC + i)·3 + ky)·3 + kx)·K + q] += δ_q[e] · x_q[src] over
 * the input channels [iLo, iHi), where one factor is K-wide and the other a plain map (deltaK, inpK: one is 1).
 * Taps whose plain δ is 0 add nothing and are skipped.
 */
export function convWeightGrad(
  taps: ConvTaps,
  delta: Float64Array,
  deltaK: number,
  inp: Float64Array,
  inpK: number,
  gw: Float64Array,
  gwOff: number,
  iLo = 0,
  iHi = taps.chan.length - 1,
): void {
  if (deltaK !== 1 && inpK !== 1) throw new RangeError(`convWeightGrad: widths ${deltaK} and ${inpK}, one must be 1`);
  const K = Math.max(deltaK, inpK);
  for (let t = taps.chan[iLo]; t < taps.chan[iHi]; t++) {
    const gb = gwOff + taps.w[t] * K;
    if (deltaK === 1) {
      const d = delta[taps.out[t]];
      if (d === 0) continue;
      const ib = taps.src[t] * K;
      for (let q = 0; q < K; q++) gw[gb + q] += d * inp[ib + q];
    } else {
      const x = inp[taps.src[t]];
      const db = taps.out[t] * K;
      for (let q = 0; q < K; q++) gw[gb + q] += delta[db + q] * x;
    }
  }
}

/** Bias gradient ∂⟨δ, W⋆x + b⟩/∂b at the positions `at`, K-wide: gb[gbOff + o·K + q] += δ[e·K + q]. */
export function convBiasGrad(c: ConvShape, at: Int32Array, delta: Float64Array, gb: Float64Array, gbOff: number, K: number): void {
  const ss = c.side * c.side;
  for (let j = 0; j < at.length; j++) {
    const e = at[j];
    const bb = gbOff + ((e / ss) | 0) * K;
    const db = e * K;
    for (let q = 0; q < K; q++) gb[bb + q] += delta[db + q];
  }
}

/**
 * Tangent of the output at position e with respect to its channel's parameters (the im2col row):
 * t[tOff + (i·3 + ky)·3 + kx] = ∂z[e]/∂W[o,i,ky,kx] = inp[src] (0 in the padding), t[tOff + 9·inC] = ∂z[e]/∂b[o] = 1.
 */
export function convParamTangent(c: ConvShape, inp: Float64Array, e: number, t: Float64Array, tOff: number): void {
  const ss = c.side * c.side;
  const st = stencil(c.side);
  const s = e % ss;
  t.fill(0, tOff, tOff + 9 * c.inC);
  for (let i = 0; i < c.inC; i++) for (let u = st.start[s]; u < st.start[s + 1]; u++) t[tOff + i * 9 + st.k[u]] = inp[i * ss + s + st.d[u]];
  t[tOff + 9 * c.inC] = 1;
}
