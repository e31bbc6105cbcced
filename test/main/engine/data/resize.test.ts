import { describe, expect, it } from 'vitest';
import { bilinearResizer, resizeBilinear } from '../../../../src/main/engine/data/resize';

describe('bilinear resize (F.interpolate, align_corners=False, no antialias)', () => {
  it('4×4 → 2×2 averages 2×2 blocks (scale 2: source coordinate 2d + 0.5)', () => {
    const img = Array.from({ length: 16 }, (_, i) => i);
    expect(Array.from(resizeBilinear(img, 4, 4, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('2×2 → 4×4 clamps at the edges like PyTorch', () => {
    // torch: F.interpolate(torch.arange(4.).view(1,1,2,2), size=4, mode='bilinear', align_corners=False)
    const out = resizeBilinear([0, 1, 2, 3], 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  it('28 → 16 samples at src = 1.75·d + 0.375 (hand-computed weights)', () => {
    const delta = (r: number, c: number) => {
      const img = new Float64Array(28 * 28);
      img[r * 28 + c] = 1;
      return resizeBilinear(img, 28, 28, 16, 16);
    };
    // pixel (0,0) reaches only output (0,0) with weight λ0² = 0.625²; pixel (1,1) with λ1² = 0.375².
    const a = delta(0, 0);
    expect(a[0]).toBe(0.390625);
    expect(a.reduce((s, v) => s + v, 0)).toBe(0.390625);
    expect(delta(1, 1)[0]).toBe(0.140625);
    // output column 1 samples source 2.125: pixels 2 and 3 with weights 0.875 and 0.125.
    expect(delta(0, 2)[1]).toBe(0.625 * 0.875);
    expect(delta(0, 3)[1]).toBe(0.625 * 0.125);
    // output 15 samples 26.625: pixels 26 and 27 with weights 0.375 and 0.625.
    expect(delta(27, 27)[255]).toBe(0.625 * 0.625);
    expect(delta(26, 27)[255]).toBe(0.375 * 0.625);
  });

  it('reproduces an affine image exactly where no clamping occurs', () => {
    const img = Array.from({ length: 28 * 28 }, (_, i) => 3 * Math.floor(i / 28) - 0.5 * (i % 28) + 7);
    const out = resizeBilinear(img, 28, 28, 16, 16);
    for (let r = 0; r < 16; r++) for (let c = 0; c < 16; c++) expect(out[r * 16 + c]).toBeCloseTo(3 * (1.75 * r + 0.375) - 0.5 * (1.75 * c + 0.375) + 7, 12);
  });

  it('handles non-square geometries and writes at offsets', () => {
    // 3×5 → 2×3: rows sample 0.25 and 1.75, columns sample 1/3 and 2 and 11/3.
    const img = Array.from({ length: 15 }, (_, i) => i);
    const dst = new Float64Array(8).fill(-1);
    bilinearResizer(3, 5, 2, 3)(img, 0, dst, 2);
    const f = (r: number, c: number) => 5 * r + c;
    const expected = [0.25, 1.75].flatMap((r) => [1 / 3, 2, 11 / 3].map((c) => f(r, c)));
    expect(dst[0]).toBe(-1);
    expect(dst[1]).toBe(-1);
    for (let k = 0; k < 6; k++) expect(dst[2 + k]).toBeCloseTo(expected[k], 12);
  });

  it('rejects wrong sizes', () => {
    expect(() => resizeBilinear([1, 2, 3], 2, 2, 1, 1)).toThrow(/image has 3 values, expected 2×2 = 4/);
    expect(() => bilinearResizer(0, 2, 1, 1)).toThrow(/inH must be a positive integer, got 0/);
  });
});
