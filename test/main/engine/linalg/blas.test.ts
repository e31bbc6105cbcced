// gramAtA and matmul against naive triple loops, both backends.
// Tolerance: max |C − C_naive| ≤ 1e-13 · max|C_naive| · √k (k = inner dimension).
import { describe, expect, it } from 'vitest';
import { gramAtA, matmul } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';
import { gaussian, maxAbs, maxAbsDiff, withBackend } from '../../../helpers/matrices';

function naiveMatmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

function naiveGram(a: Float64Array, rows: number, cols: number): Float64Array {
  const c = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += a[r * cols + i] * a[r * cols + j];
      c[i * cols + j] = s;
    }
  return c;
}

function expectClose(c: Float64Array, ref: Float64Array, k: number) {
  expect(c.length).toBe(ref.length);
  expect(maxAbsDiff(c, ref)).toBeLessThanOrEqual(1e-13 * maxAbs(ref) * Math.sqrt(k));
}

for (const backend of ['lapack', 'js'] as const) {
  describe(`dense products (${backend})`, () => {
    it('gramAtA matches the naive AᵀA, full and exactly symmetric', () => {
      const rng = new Rng(21, 'gram');
      for (const [rows, cols] of [
        [1, 1],
        [37, 23],
        [8, 300],
        [400, 370],
      ]) {
        const a = gaussian(rng, rows * cols);
        const c = withBackend(backend, () => gramAtA(a, rows, cols));
        expectClose(c, naiveGram(a, rows, cols), rows);
        for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) expect(c[i * cols + j]).toBe(c[j * cols + i]);
      }
    });

    it('matmul matches the naive product for square and skinny shapes', () => {
      const rng = new Rng(22, 'matmul');
      for (const [m, k, n] of [
        [1, 1, 1],
        [17, 31, 9],
        [200, 150, 120],
        [1, 500, 3],
      ]) {
        const a = gaussian(rng, m * k);
        const b = gaussian(rng, k * n);
        expectClose(
          withBackend(backend, () => matmul(a, b, m, k, n)),
          naiveMatmul(a, b, m, k, n),
          k,
        );
      }
    });

    it('rejects mismatched shapes, naming the field', () => {
      withBackend(backend, () => {
        expect(() => matmul(new Float64Array(6), new Float64Array(5), 2, 3, 2)).toThrow(/matmul: b has length 5, expected 6 \(3×2\)/);
        expect(() => gramAtA(new Float64Array(6), 4, 2)).toThrow(/gramAtA: a has length 6, expected 8 \(4×2\)/);
        expect(() => gramAtA(new Float64Array(0), 0, 2)).toThrow(/gramAtA: rows must be an integer >= 1, got 0/);
      });
    });
  });
}
