// Symmetric eigensolver, both backends (CHAOSLAB_LINALG=lapack → OpenBLAS dsyevd, =js → eigh-js).
//
// Tolerances, with scale = max|λ| and n the order:
//   residual       max_j ‖A v_j − λ_j v_j‖₂  ≤ 1e-12 · scale · √n
//   orthonormality max |VᵀV − I|             ≤ 1e-12 · √n
//   known spectra  max |λ_j − λ_j(true)|     ≤ 1e-12 · scale · √n
//   LAPACK vs JS   eigenvalues as above; eigenvectors of eigenvalues with relative gap > 1e-4 agree up
//                  to sign: 1 − |v_lapack · v_js| ≤ 1e-10.
// Measured here (n = 600, 240): residual/(scale·√n) ≈ 1e-16 (LAPACK), ≤ 3e-15 (JS); orthonormality/√n
// ≈ 2e-16 (LAPACK), ≤ 4e-15 (JS): a margin of ~300 below the tolerances.
import { describe, expect, it } from 'vitest';
import { eigenSystem, eigh } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';
import { maxAbs, maxAbsDiff, maxResidual, orthoError, rankDeficient, randomSymmetric, withBackend, withSpectrum } from '../../../helpers/matrices';

const TOL = 1e-12;

function checkEigenpairs(backend: 'lapack' | 'js', a: Float64Array, n: number) {
  const { values, vectors } = withBackend(backend, () => eigh(a.slice(), n));
  expect(vectors).not.toBeNull();
  const scale = Math.max(maxAbs(values), Number.MIN_VALUE);
  for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
  expect(maxResidual(a, n, values, vectors!)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
  expect(orthoError(vectors!, n, n)).toBeLessThanOrEqual(TOL * Math.sqrt(n));
  return { values, vectors: vectors!, scale };
}

for (const backend of ['lapack', 'js'] as const) {
  describe(`eigh (${backend})`, () => {
    it('solves random symmetric matrices of order 1 to 600', () => {
      const rng = new Rng(1, `eigh-random-${backend}`);
      for (const n of [1, 2, 3, 7, 100, 600]) checkEigenpairs(backend, randomSymmetric(rng, n), n);
    });

    it('recovers a prescribed indefinite spectrum (n = 300)', () => {
      const rng = new Rng(2, 'eigh-indefinite');
      const n = 300;
      const lambda = Array.from({ length: n }, (_, i) => -10 + (20 * i) / (n - 1) + (i === n - 1 ? 1e3 : 0));
      const { values, scale } = checkEigenpairs(backend, withSpectrum(rng, lambda), n);
      expect(maxAbsDiff(values, lambda)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
    });

    it('handles a rank-deficient matrix with many exact zeros (n = 600, rank 60)', () => {
      const rng = new Rng(3, 'eigh-rank');
      const n = 600;
      const rank = 60;
      const a = rankDeficient(rng, n, rank, 150);
      const { values, scale } = checkEigenpairs(backend, a, n);
      // Null eigenvalues are round-off: |λ| ≤ 1e-12·scale; the 60 genuine ones are far above it.
      const nulls = values.filter((v) => Math.abs(v) <= 1e-12 * scale).length;
      expect(nulls).toBe(n - rank);
      expect(values[0]).toBeGreaterThanOrEqual(-1e-12 * scale);
    });

    it('handles heavily repeated eigenvalues (5 values × 48, n = 240)', () => {
      const rng = new Rng(4, 'eigh-repeated');
      const distinct = [-3, 0, 1e-3, 2, 7];
      const lambda = distinct.flatMap((v) => Array<number>(48).fill(v));
      const n = lambda.length;
      const { values, scale } = checkEigenpairs(backend, withSpectrum(rng, lambda), n);
      expect(maxAbsDiff(values, lambda)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
    });

    it('sorts an already diagonal matrix and returns unit eigenvectors', () => {
      const diag = [3, -1, 0, 2, -1, 5];
      const n = diag.length;
      const a = new Float64Array(n * n);
      diag.forEach((v, i) => (a[i * n + i] = v));
      const { values, vectors } = checkEigenpairs(backend, a, n);
      expect(Array.from(values)).toEqual([...diag].sort((x, y) => x - y));
      for (let j = 0; j < n; j++) {
        const v = vectors.subarray(j * n, (j + 1) * n);
        expect(maxAbs(v)).toBeCloseTo(1, 14);
        expect(diag[v.findIndex((x) => Math.abs(x) > 0.5)]).toBe(values[j]);
      }
    });

    it('reads only the upper triangle of the row-major input', () => {
      const rng = new Rng(5, 'eigh-upper');
      const n = 50;
      const a = randomSymmetric(rng, n);
      const junk = a.slice();
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) junk[i * n + j] = 1e6 * rng.normal();
      const clean = withBackend(backend, () => eigh(a.slice(), n));
      const dirty = withBackend(backend, () => eigh(junk, n));
      expect(maxAbsDiff(clean.values, dirty.values)).toBe(0);
    });

    it('gives the same values without vectors, and vectors = null', () => {
      const rng = new Rng(6, 'eigh-novec');
      const n = 120;
      const a = randomSymmetric(rng, n);
      const full = withBackend(backend, () => eigh(a.slice(), n));
      const only = withBackend(backend, () => eigh(a.slice(), n, { vectors: false }));
      expect(only.vectors).toBeNull();
      expect(maxAbsDiff(full.values, only.values)).toBeLessThanOrEqual(TOL * maxAbs(full.values) * Math.sqrt(n));
    });

    it('returns empty results for n = 0', () => {
      const r = withBackend(backend, () => eigh(new Float64Array(0), 0));
      expect(r.values.length).toBe(0);
      expect(r.vectors!.length).toBe(0);
    });
  });
}

// EigenSystem: the eigenvalues of eigh, and products with V = Q·Z (LAPACK) or V explicit (JS) that equal the
// explicit products with eigh's eigenvectors: Vᵀx and Vc to 1e-12·‖x‖·√n (round-off of an O(n²) product),
// explicit vectors as eigenpairs (the eigh tolerances above).
for (const backend of ['lapack', 'js'] as const) {
  describe(`eigenSystem (${backend})`, () => {
    it('has the eigenvalues of eigh, and Vᵀx, Vc and explicit vectors agree with its eigenvectors', () => {
      const rng = new Rng(8, `eigen-system-${backend}`);
      for (const n of [1, 2, 9, 300]) {
        // A spectrum with a cluster of exact zeros, like a reduced Hessian.
        const lambda = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : rng.normal()));
        const a = withSpectrum(rng, lambda);
        const ref = withBackend(backend, () => eigh(a.slice(), n));
        const es = withBackend(backend, () => eigenSystem(a.slice(), n));
        const scale = Math.max(maxAbs(ref.values), Number.MIN_VALUE);
        expect(maxAbsDiff(es.values, ref.values)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
        const all = Array.from({ length: n }, (_, j) => j);
        const v = withBackend(backend, () => es.vectors(all));
        expect(maxResidual(a, n, es.values, v)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
        expect(orthoError(v, n, n)).toBeLessThanOrEqual(TOL * Math.sqrt(n));
        // Products against the explicit vectors just formed: c_j = v_jᵀx and Σ_j c_j v_j.
        const x = Float64Array.from({ length: n }, () => rng.normal());
        const c = withBackend(backend, () => es.coefficients(x));
        const back = withBackend(backend, () => es.combine(c));
        const xNorm = Math.hypot(...x);
        for (let j = 0; j < n; j++) {
          let d = 0;
          for (let k = 0; k < n; k++) d += v[j * n + k] * x[k];
          expect(Math.abs(c[j] - d)).toBeLessThanOrEqual(TOL * xNorm * Math.sqrt(n));
        }
        expect(maxAbsDiff(back, x)).toBeLessThanOrEqual(TOL * xNorm * Math.sqrt(n));
        // A block of 3 vectors at once gives, stacked, what each gives alone.
        const xs = Float64Array.from({ length: 3 * n }, () => rng.normal());
        const cs = withBackend(backend, () => es.coefficients(xs, 3));
        const backs = withBackend(backend, () => es.combine(cs, 3));
        for (let l = 0; l < 3; l++) {
          const xl = xs.subarray(l * n, (l + 1) * n);
          const one = withBackend(backend, () => es.coefficients(xl.slice()));
          const sNorm = Math.hypot(...xl);
          expect(maxAbsDiff(cs.subarray(l * n, (l + 1) * n), one)).toBeLessThanOrEqual(TOL * sNorm * Math.sqrt(n));
          expect(maxAbsDiff(backs.subarray(l * n, (l + 1) * n), xl)).toBeLessThanOrEqual(TOL * sNorm * Math.sqrt(n));
        }
        // Selected vectors come in the order asked, equal to the same rows of the full set (up to the back-transform's round-off).
        const pick = n > 2 ? [n - 1, 0, 1] : [0];
        const sel = withBackend(backend, () => es.vectors(pick));
        pick.forEach((i, j) => expect(maxAbsDiff(sel.subarray(j * n, (j + 1) * n), v.subarray(i * n, (i + 1) * n))).toBeLessThanOrEqual(TOL));
        expect(() => es.vectors([n])).toThrow(new RegExp(`eigenvector index ${n} is not in \\[0, ${n}\\)`));
        expect(withBackend(backend, () => es.vectors([])).length).toBe(0);
      }
    });

    it('names the field of bad input and handles n = 0', () => {
      withBackend(backend, () => {
        expect(() => eigenSystem(new Float64Array(8), 3)).toThrow(/eigenSystem: a has length 8, expected 9 \(3×3\)/);
        expect(() => eigenSystem(new Float64Array([1, 2, 2, Infinity]), 2)).toThrow(/eigenSystem: a\[3\] \(row 1, column 1\) is Infinity/);
        const empty = eigenSystem(new Float64Array(0), 0);
        expect(empty.values.length).toBe(0);
        expect(empty.coefficients(new Float64Array(0)).length).toBe(0);
      });
    });
  });
}

describe('eigh: LAPACK and JS agree', () => {
  it('on a random symmetric matrix (n = 400): values, and vectors of well-separated eigenvalues', () => {
    const rng = new Rng(7, 'eigh-agree');
    const n = 400;
    const a = randomSymmetric(rng, n);
    const L = withBackend('lapack', () => eigh(a.slice(), n));
    const J = withBackend('js', () => eigh(a.slice(), n));
    const scale = maxAbs(L.values);
    expect(maxAbsDiff(L.values, J.values)).toBeLessThanOrEqual(TOL * scale * Math.sqrt(n));
    let compared = 0;
    for (let j = 0; j < n; j++) {
      const gapBelow = j > 0 ? L.values[j] - L.values[j - 1] : Infinity;
      const gapAbove = j < n - 1 ? L.values[j + 1] - L.values[j] : Infinity;
      if (Math.min(gapBelow, gapAbove) <= 1e-4 * scale) continue;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += L.vectors![j * n + k] * J.vectors![j * n + k];
      expect(1 - Math.abs(dot)).toBeLessThanOrEqual(1e-10);
      compared++;
    }
    expect(compared).toBeGreaterThan(n / 2);
  });
});

describe('eigh: bad input', () => {
  for (const backend of ['lapack', 'js'] as const) {
    it(`names the field (${backend})`, () => {
      withBackend(backend, () => {
        expect(() => eigh(new Float64Array(8), 3)).toThrow(/eigh: a has length 8, expected 9 \(3×3\)/);
        expect(() => eigh(new Float64Array(4), 2.5)).toThrow(/eigh: n must be an integer >= 0, got 2.5/);
        expect(() => eigh([1, 2, 2, 1] as unknown as Float64Array, 2)).toThrow(/eigh: a must be a Float64Array/);
        const a = new Float64Array([1, 2, 2, NaN]);
        expect(() => eigh(a, 2)).toThrow(/eigh: a\[3\] \(row 1, column 1\) is NaN; entries must be finite/);
      });
    });
  }
});
