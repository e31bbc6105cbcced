// The CGD cases of the float64 PyTorch fixtures (init.cgd): the projected gradient norm, and the update's
// components along the pruned eigenvectors.
import { expect, it } from 'vitest';
import type { HessianSpectrum } from '../../src/main/engine/curvature/spectrum';
import { norm } from '../../src/main/engine/metrics/spectral';
import { cgdUpdate, selectPruned } from '../../src/main/engine/optim/cgd';
import { Rng } from '../../src/main/engine/rng';
import type { CgdConfig } from '../../src/shared/config';
import type { CgdRef } from './fixtures';

const CASES: [string, CgdConfig['prune'], number | null][] = [
  ['neg_kNone', 'neg', null],
  ['neg_k100', 'neg', 100],
  ['pos_kNone', 'pos', null],
  ['pos_k100', 'pos', 100],
  ['chaotic_kNone', 'chaotic', null],
  ['chaotic_k100', 'chaotic', 100],
];

/**
 * One test per fixture case: ‖g′‖ within 1e-10 relative of the fixture's, and |vᵀg′| ≤ 1e-12‖g‖ for every
 * pruned eigenvector v. The fixture classifies by the sign of float64 eigenvalues, round-off included; with the
 * default relative τ = n·ε·max|λ| the genuine small eigenvalues are pruned as in the fixture, and the norms differ
 * only by g's components along round-off eigenvalues (DESIGN §2).
 */
export function fixtureCgdTests(sp: HessianSpectrum, lr: number, refs: Record<string, CgdRef>): void {
  const { grad, basis } = sp.step;
  for (const [key, prune, k] of CASES)
    it(`CGD ${key}: projected gradient norm matches and the update is orthogonal to every pruned direction`, () => {
      const cfg: CgdConfig = { prune, k, select: 'magnitude', start: 0, noise: 0, mix: 1, basisFile: null };
      const pruned = selectPruned(sp.values, sp.tau, cfg, lr, new Rng(0));
      const { update } = cgdUpdate(sp, pruned, grad, cfg, new Rng(0));
      const ref = refs[key].proj_grad_norm;
      expect(Math.abs(norm(update) - ref) / ref).toBeLessThan(1e-10);
      const vs = sp.vectors(pruned);
      pruned.forEach((_, j) => {
        const v = basis.fromReduced(vs.subarray(j * sp.m, (j + 1) * sp.m));
        expect(Math.abs(v.reduce((s, x, i) => s + x * update[i], 0))).toBeLessThan(1e-12 * norm(grad));
      });
    });
}
