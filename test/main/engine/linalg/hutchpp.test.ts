// Hutch++ (linalg/hutchpp.ts): exact on operators of rank < s, within its stated standard error otherwise
// (and not within a tenth of it), refusals naming spectrum.probes.
import { describe, expect, it } from 'vitest';
import { matmul } from '../../../../src/main/engine/linalg/eigh';
import { hutchpp } from '../../../../src/main/engine/linalg/hutchpp';
import type { LinearMap } from '../../../../src/main/engine/linalg/linear-map';
import { Rng } from '../../../../src/main/engine/rng';
import { withSpectrum } from '../../../helpers/matrices';

const dense =
  (a: Float64Array, n: number): LinearMap =>
  (v, k) =>
    matmul(v, a, k, n, n);

describe('Hutch++ trace', () => {
  it('is exact (to 1e-12 relative, standard error ~0) when the rank is below the sketch size', () => {
    const lam = [5, -3, 2, 1, -0.5, ...new Array(295).fill(0)];
    const n = lam.length;
    const r = hutchpp(dense(withSpectrum(new Rng(1, 'a'), lam), n), n, 8, new Rng(2, 'h'));
    expect(Math.abs(r.value - 4.5)).toBeLessThan(1e-12 * 5);
    expect(r.se).toBeLessThan(1e-12);
    expect(r.matvecs).toBe(24);
  });

  it('lies within 3 standard errors of the trace over 20 seeds, and outside 3 tenths of them mostly', () => {
    // A flat spectrum (the hard case: no low-rank part to capture) of both signs.
    const rng = new Rng(3, 'flat');
    const lam = Array.from({ length: 300 }, () => rng.normal());
    const n = lam.length;
    const op = dense(withSpectrum(new Rng(4, 'b'), lam), n);
    const trace = lam.reduce((a, b) => a + b, 0);
    const z = Array.from({ length: 20 }, (_, s) => {
      const r = hutchpp(op, n, 10, new Rng(s, 'seed'));
      return (r.value - trace) / r.se;
    });
    expect(Math.max(...z.map(Math.abs))).toBeLessThan(3);
    expect(z.filter((v) => Math.abs(v * 10) > 3).length).toBeGreaterThan(10);
  });

  it('refuses fewer than 2 or more than n probes, naming spectrum.probes', () => {
    const op: LinearMap = (v) => v.slice();
    expect(() => hutchpp(op, 10, 0, new Rng(0))).toThrow(/^spectrum\.probes: must be an integer from 2 to n = 10, got 0/);
    expect(() => hutchpp(op, 10, 11, new Rng(0))).toThrow(/^spectrum\.probes/);
  });
});
