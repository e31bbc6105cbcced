// Thin QR (Lyapunov / Benettin re-orthonormalisation), both backends.
// Tolerances, with s = max |A_ij|: reconstruction max |QR − A| ≤ 1e-13 · s · √rows; orthonormality
// max |QᵀQ − I| ≤ 1e-13 · √rows; LAPACK vs JS (same Householder conventions): Q, diag(R) and R agree
// entrywise to ≤ 1e-12 (relative to s for R).
import { describe, expect, it } from 'vitest';
import { qrThin } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';
import { gaussian, maxAbs, maxAbsDiff, orthoError, withBackend } from '../../../helpers/matrices';

const TOL = 1e-13;

/** max |Q R − A| with Q, A column-major rows×cols and R column-major cols×cols upper-triangular. */
function reconstructionError(q: Float64Array, r: Float64Array, a: Float64Array, rows: number, cols: number) {
  let worst = 0;
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += q[k * rows + i] * r[j * cols + k];
      worst = Math.max(worst, Math.abs(s - a[j * rows + i]));
    }
  }
  return worst;
}

const shapes: [number, number][] = [
  [1, 1],
  [5, 3],
  [40, 40],
  [600, 30],
  [370, 370],
];

for (const backend of ['lapack', 'js'] as const) {
  describe(`qrThin (${backend})`, () => {
    it('reconstructs A = QR with orthonormal Q and upper-triangular R', () => {
      const rng = new Rng(11, 'qr');
      for (const [rows, cols] of shapes) {
        const a = gaussian(rng, rows * cols);
        const { q, rdiag, r } = withBackend(backend, () => qrThin(a.slice(), rows, cols, { r: true }));
        const s = maxAbs(a);
        expect(reconstructionError(q, r!, a, rows, cols)).toBeLessThanOrEqual(TOL * s * Math.sqrt(rows));
        expect(orthoError(q, rows, cols)).toBeLessThanOrEqual(TOL * Math.sqrt(rows));
        for (let j = 0; j < cols; j++) {
          expect(rdiag[j]).toBe(r![j * cols + j]);
          for (let i = j + 1; i < cols; i++) expect(r![j * cols + i]).toBe(0);
        }
      }
    });

    it('keeps going on dependent and zero columns (|R_jj| ≈ 0) with Q still orthonormal', () => {
      const rng = new Rng(12, 'qr-rank');
      const rows = 50;
      const cols = 4;
      const a = new Float64Array(rows * cols);
      a.set(gaussian(rng, rows), 0);
      a.set(
        a.subarray(0, rows).map((x) => 2 * x),
        rows,
      ); // column 1 = 2 · column 0
      a.set(gaussian(rng, rows), 3 * rows); // column 2 stays exactly zero
      const { q, rdiag } = withBackend(backend, () => qrThin(a.slice(), rows, cols));
      expect(Math.abs(rdiag[1])).toBeLessThanOrEqual(1e-13 * maxAbs(a));
      expect(rdiag[2]).toBe(0);
      expect(orthoError(q, rows, cols)).toBeLessThanOrEqual(TOL * Math.sqrt(rows));
    });

    it('rejects bad shapes and non-finite entries, naming the field', () => {
      withBackend(backend, () => {
        expect(() => qrThin(new Float64Array(6), 2, 3)).toThrow(/qrThin: rows must be an integer >= 3, got 2/);
        expect(() => qrThin(new Float64Array(5), 3, 2)).toThrow(/qrThin: a has length 5, expected 6/);
        const a = new Float64Array(6);
        a[4] = Infinity;
        expect(() => qrThin(a, 3, 2)).toThrow(/qrThin: a\[4\] \(vector 1, component 1\) is Infinity/);
      });
    });
  });
}

describe('qrThin: LAPACK and JS agree (same sign conventions)', () => {
  it('Q, diag(R) and R coincide for a 600×30 and a 370×370 matrix', () => {
    const rng = new Rng(13, 'qr-agree');
    for (const [rows, cols] of [
      [600, 30],
      [370, 370],
    ]) {
      const a = gaussian(rng, rows * cols);
      const L = withBackend('lapack', () => qrThin(a.slice(), rows, cols, { r: true }));
      const J = withBackend('js', () => qrThin(a.slice(), rows, cols, { r: true }));
      const s = maxAbs(a);
      expect(maxAbsDiff(L.q, J.q)).toBeLessThanOrEqual(1e-12);
      expect(maxAbsDiff(L.rdiag, J.rdiag)).toBeLessThanOrEqual(1e-12 * s);
      expect(maxAbsDiff(L.r!, J.r!)).toBeLessThanOrEqual(1e-12 * s);
    }
  });
});
