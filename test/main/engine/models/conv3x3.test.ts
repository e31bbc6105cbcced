// The conv kernels against an explicit loop over the padded image, against central finite differences of the
// forward map, and against each other (adjointness ⟨W⋆x, δ⟩ = ⟨x, W⋆ᵀδ⟩), for plain (K = 1) and K-wide maps,
// all positions and position subsets, and input-channel ranges; the tap lists against a direct enumeration.
import { describe, expect, it } from 'vitest';
import {
  allPositions,
  convBiasGrad,
  convForward,
  convInputAdjoint,
  convParamTangent,
  convTaps,
  convWeightGrad,
  type ConvShape,
} from '../../../../src/main/engine/models/conv3x3';
import { Rng } from '../../../../src/main/engine/rng';

const SHAPES: ConvShape[] = [
  { inC: 1, outC: 1, side: 1 },
  { inC: 1, outC: 2, side: 2 },
  { inC: 2, outC: 3, side: 3 },
  { inC: 3, outC: 2, side: 5 },
  { inC: 4, outC: 4, side: 8 },
];
/** Round-off bound for sums of O(100) products of O(1) numbers. */
const TOL = 1e-13;

const gaussian = (rng: Rng, len: number): Float64Array => Float64Array.from({ length: len }, () => rng.normal());
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The conv as written in the definition: z[o,y,x] = Σ_{i,ky,kx} W[o,i,ky,kx]·x[i, y+ky−1, x+kx−1], 0 outside. */
function naiveConv(c: ConvShape, w: Float64Array, x: Float64Array, iLo = 0, iHi = c.inC): Float64Array {
  const { inC, outC, side } = c;
  const z = new Float64Array(outC * side * side);
  const at = (i: number, yy: number, xx: number): number => (yy < 0 || yy >= side || xx < 0 || xx >= side ? 0 : x[(i * side + yy) * side + xx]);
  for (let o = 0; o < outC; o++)
    for (let yy = 0; yy < side; yy++)
      for (let xx = 0; xx < side; xx++)
        for (let i = iLo; i < iHi; i++)
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) z[(o * side + yy) * side + xx] += w[((o * inC + i) * 3 + ky) * 3 + kx] * at(i, yy + ky - 1, xx + kx - 1);
  return z;
}

/** Slice q of a K-wide map. */
const slice = (v: Float64Array, K: number, q: number): Float64Array => Float64Array.from({ length: v.length / K }, (_, p) => v[p * K + q]);

/** A random subset of the output positions (about half), in order. */
function subset(c: ConvShape, rng: Rng): Int32Array {
  return allPositions(c).filter(() => rng.uniform() < 0.5);
}

describe('conv3x3 kernels', () => {
  for (const c of SHAPES) {
    const label = `inC ${c.inC}, outC ${c.outC}, side ${c.side}`;
    const nIn = c.inC * c.side * c.side;
    const nOut = c.outC * c.side * c.side;
    const nW = c.outC * c.inC * 9;

    it(`${label}: forward equals the explicit loop, K-wide and on position subsets and channel ranges`, () => {
      const rng = new Rng(1, label);
      const w = gaussian(rng, nW + 3).subarray(3); // a nonzero weight offset
      const K = 3;
      const x = gaussian(rng, nIn * K);
      const out = new Float64Array(nOut * K);
      convForward(convTaps(c, allPositions(c)), w, 0, x, out, K);
      for (let q = 0; q < K; q++) expect(maxDiff(slice(out, K, q), naiveConv(c, w, slice(x, K, q)))).toBeLessThan(TOL);
      // Offsets, subsets and channel ranges: only the listed outputs change, by the listed channels' share.
      const wBuf = new Float64Array(5 + nW);
      wBuf.set(w, 5);
      const at = subset(c, rng);
      const iLo = c.inC > 1 ? 1 : 0;
      const base = gaussian(rng, nOut);
      const part = base.slice();
      convForward(convTaps(c, at), wBuf, 5, slice(x, K, 0), part, 1, iLo, c.inC);
      const ref = naiveConv(c, w, slice(x, K, 0), iLo, c.inC);
      const listed = new Set(at);
      for (let e = 0; e < nOut; e++) expect(Math.abs(part[e] - (listed.has(e) ? base[e] + ref[e] : base[e]))).toBeLessThan(TOL);
    });

    it(`${label}: input adjoint satisfies ⟨W⋆x, δ⟩ = ⟨x, W⋆ᵀδ⟩ to round-off, and is the gradient in x`, () => {
      const rng = new Rng(2, label);
      const w = gaussian(rng, nW);
      for (const at of [allPositions(c), subset(c, rng)]) {
        const taps = convTaps(c, at);
        for (const K of [1, 4]) {
          const x = gaussian(rng, nIn * K);
          const d = gaussian(rng, nOut * K);
          const ax = new Float64Array(nOut * K);
          convForward(taps, w, 0, x, ax, K);
          const atd = new Float64Array(nIn * K);
          convInputAdjoint(taps, w, 0, d, atd, K);
          const lhs = dot(ax, d);
          expect(Math.abs(lhs - dot(x, atd))).toBeLessThan(TOL * (1 + Math.abs(lhs)));
        }
      }
      // Central differences of f(x) = ⟨δ, W⋆x⟩ (linear: exact up to round-off).
      const x = gaussian(rng, nIn);
      const d = gaussian(rng, nOut);
      const g = new Float64Array(nIn);
      convInputAdjoint(convTaps(c, allPositions(c)), w, 0, d, g, 1);
      const f = (v: Float64Array): number => dot(d, naiveConv(c, w, v));
      const h = 1e-3;
      for (let p = 0; p < nIn; p++) {
        const xp = x.slice();
        xp[p] += h;
        const xm = x.slice();
        xm[p] -= h;
        expect(Math.abs((f(xp) - f(xm)) / (2 * h) - g[p])).toBeLessThan(1e-10);
      }
    });

    it(`${label}: weight and bias gradients equal central differences of ⟨δ, W⋆x + b⟩, in both K-wide forms`, () => {
      const rng = new Rng(3, label);
      const w = gaussian(rng, nW);
      const x = gaussian(rng, nIn);
      const d = gaussian(rng, nOut);
      d[0] = 0; // a skipped position
      const at = allPositions(c);
      const gw = new Float64Array(nW);
      convWeightGrad(convTaps(c, at), d, 1, x, 1, gw, 0);
      const gb = new Float64Array(c.outC);
      convBiasGrad(c, at, d, gb, 0, 1);
      const h = 1e-3;
      const f = (wv: Float64Array): number => dot(d, naiveConv(c, wv, x));
      for (let k = 0; k < nW; k++) {
        const wp = w.slice();
        wp[k] += h;
        const wm = w.slice();
        wm[k] -= h;
        expect(Math.abs((f(wp) - f(wm)) / (2 * h) - gw[k])).toBeLessThan(1e-10);
      }
      const ss = c.side * c.side;
      for (let o = 0; o < c.outC; o++) expect(Math.abs(gb[o] - d.subarray(o * ss, (o + 1) * ss).reduce((s, v) => s + v, 0))).toBeLessThan(TOL);

      // K-wide δ with a plain input, and a plain δ with a K-wide input: slice q equals the plain kernel on slice q.
      const K = 3;
      const sub = subset(c, rng);
      const taps = convTaps(c, sub);
      const iLo = c.inC > 1 ? 1 : 0;
      const dK = gaussian(rng, nOut * K);
      if (sub.length) dK[sub[0]] = 0; // only a plain δ of 0 skips a position
      const xK = gaussian(rng, nIn * K);
      const wideD = new Float64Array(nW * K);
      convWeightGrad(taps, dK, K, x, 1, wideD, 0);
      const wideX = new Float64Array(nW * K);
      convWeightGrad(taps, d, 1, xK, K, wideX, 0, iLo, c.inC);
      const wideB = new Float64Array(c.outC * K);
      convBiasGrad(c, sub, dK, wideB, 0, K);
      for (let q = 0; q < K; q++) {
        const plainD = new Float64Array(nW);
        convWeightGrad(taps, slice(dK, K, q), 1, x, 1, plainD, 0);
        const plainX = new Float64Array(nW);
        convWeightGrad(taps, d, 1, slice(xK, K, q), 1, plainX, 0);
        const plainB = new Float64Array(c.outC);
        convBiasGrad(c, sub, slice(dK, K, q), plainB, 0, 1);
        // The channel range keeps exactly the weights of input channels ≥ iLo.
        plainX.forEach((v, k) => (plainX[k] = Math.floor(k / 9) % c.inC >= iLo ? v : 0));
        expect(maxDiff(slice(wideD, K, q), plainD)).toBeLessThan(TOL);
        expect(maxDiff(slice(wideX, K, q), plainX)).toBeLessThan(TOL);
        expect(maxDiff(slice(wideB, K, q), plainB)).toBeLessThan(TOL);
      }
      expect(() => convWeightGrad(taps, dK, K, xK, 2, wideD, 0)).toThrow(/convWeightGrad: widths 3 and 2/);
    });

    it(`${label}: the taps are exactly the in-map (output, weight, input) triples, by channel, position, (ky, kx)`, () => {
      const at = subset(c, new Rng(5, label));
      const taps = convTaps(c, at);
      const { inC, side } = c;
      const want: number[][] = [];
      const chan: number[] = [];
      for (let i = 0; i < inC; i++) {
        chan.push(want.length);
        for (const e of at) {
          const o = Math.floor(e / (side * side));
          const y = Math.floor(e / side) % side;
          const x = e % side;
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const sy = y + ky - 1;
              const sx = x + kx - 1;
              if (sy >= 0 && sy < side && sx >= 0 && sx < side) want.push([e, ((o * inC + i) * 3 + ky) * 3 + kx, (i * side + sy) * side + sx]);
            }
        }
      }
      chan.push(want.length);
      expect(Array.from(taps.chan)).toEqual(chan);
      expect(Array.from(taps.out)).toEqual(want.map((t) => t[0]));
      expect(Array.from(taps.w)).toEqual(want.map((t) => t[1]));
      expect(Array.from(taps.src)).toEqual(want.map((t) => t[2]));
    });

    it(`${label}: the parameter tangent is ∂z[e]/∂(W[o], b[o]) (central differences) and the padded patch`, () => {
      const rng = new Rng(4, label);
      const w = gaussian(rng, nW);
      const x = gaussian(rng, nIn);
      const Q = 9 * c.inC + 1;
      const ss = c.side * c.side;
      const h = 1e-3;
      for (let e = 0; e < nOut; e++) {
        const t = new Float64Array(Q + 2).fill(7);
        convParamTangent(c, x, e, t, 1);
        expect(t[0]).toBe(7);
        expect(t[Q + 1]).toBe(7);
        const o = Math.floor(e / ss);
        for (let q = 0; q < Q - 1; q++) {
          const k = o * c.inC * 9 + q;
          const wp = w.slice();
          wp[k] += h;
          const wm = w.slice();
          wm[k] -= h;
          const fd = (naiveConv(c, wp, x)[e] - naiveConv(c, wm, x)[e]) / (2 * h);
          expect(Math.abs(fd - t[1 + q])).toBeLessThan(1e-10);
        }
        expect(t[Q]).toBe(1);
      }
      // The corner tap of the first position lies in the padding: exactly 0.
      const t = new Float64Array(Q);
      convParamTangent(c, x, 0, t, 0);
      expect(t[0]).toBe(0);
    });
  }
});
