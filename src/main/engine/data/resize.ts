// Bilinear resize exactly as torchvision's Resize on tensors with antialias=False, i.e.
// F.interpolate(mode='bilinear', align_corners=False) (PyTorch UpSample.h, area_pixel_compute_source_index):
//   scale = in / out,  src = max((dst + 0.5)·scale − 0.5, 0),  i0 = ⌊src⌋,  i1 = min(i0 + 1, in − 1),
//   λ1 = src − i0,  λ0 = 1 − λ1,
//   out = (x[h0,w0]·λw0 + x[h0,w1]·λw1)·λh0 + (x[h1,w0]·λw0 + x[h1,w1]·λw1)·λh1   (PyTorch's evaluation order).

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  l0: Float64Array;
  l1: Float64Array;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const t: Taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), l0: new Float64Array(outSize), l1: new Float64Array(outSize) };
  for (let d = 0; d < outSize; d++) {
    const src = Math.max((d + 0.5) * scale - 0.5, 0);
    const i0 = Math.floor(src);
    t.i0[d] = i0;
    t.i1[d] = Math.min(i0 + 1, inSize - 1);
    t.l1[d] = src - i0;
    t.l0[d] = 1 - t.l1[d];
  }
  return t;
}

/** A resizer for one (inH × inW) → (outH × outW) geometry; reads `src` at `srcOffset`, writes `dst` at `dstOffset`. */
export function bilinearResizer(inH: number, inW: number, outH: number, outW: number) {
  for (const [name, v] of [
    ['inH', inH],
    ['inW', inW],
    ['outH', outH],
    ['outW', outW],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`bilinear resize: ${name} must be a positive integer, got ${v}`);
  const h = taps(inH, outH);
  const w = taps(inW, outW);
  return (src: ArrayLike<number>, srcOffset: number, dst: Float64Array, dstOffset: number): void => {
    for (let r = 0; r < outH; r++) {
      const row0 = srcOffset + h.i0[r] * inW;
      const row1 = srcOffset + h.i1[r] * inW;
      const lh0 = h.l0[r];
      const lh1 = h.l1[r];
      for (let c = 0; c < outW; c++) {
        const c0 = w.i0[c];
        const c1 = w.i1[c];
        const lw0 = w.l0[c];
        const lw1 = w.l1[c];
        dst[dstOffset + r * outW + c] = (src[row0 + c0] * lw0 + src[row0 + c1] * lw1) * lh0 + (src[row1 + c0] * lw0 + src[row1 + c1] * lw1) * lh1;
      }
    }
  };
}

/** Resize one row-major image; returns a new outH × outW array. */
export function resizeBilinear(src: ArrayLike<number>, inH: number, inW: number, outH: number, outW: number): Float64Array {
  if (src.length !== inH * inW) throw new Error(`bilinear resize: image has ${src.length} values, expected ${inH}×${inW} = ${inH * inW}`);
  const out = new Float64Array(outH * outW);
  bilinearResizer(inH, inW, outH, outW)(src, 0, out, 0);
  return out;
}
