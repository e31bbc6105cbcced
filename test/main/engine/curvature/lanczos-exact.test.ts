// Lanczos extremes through exact Hessian-vector products (curvature/hvp + linalg/lanczos) against the exact path
// (exactStep + HessianSpectrum) on the paper's MLP and CNN at the PyTorch fixtures' parameters and USPS batches.
// Tolerance: eigenvalues agree to 1e-8·max|λ| (the check; measured ~3e-15); the top eigenvector (gap
// ≥ 0.2) agrees to |cos| ≥ 1 − 1e-12.
import { describe, expect, it } from 'vitest';
import { lanczosExtremes } from '../../../../src/main/engine/linalg/lanczos';
import { PAPER_MODELS, paperHessian } from '../../../helpers/paper-hessian';

describe.each(PAPER_MODELS)('%s: Lanczos extremes = the exact spectrum', (_, name) => {
  const { op, step, exact, all, n, scale } = paperHessian(name);

  it.each(['full', 'partial'] as const)('top-20 and bottom-20 agree to 1e-8·max|λ| (%s reorthogonalisation)', (mode) => {
    const r = lanczosExtremes(op.apply, n, { k: 20, steps: 400, reorthogonalize: mode, tol: mode === 'full' ? 1e-10 : 1e-8, seed: 0 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 20; i++) {
      expect(Math.abs(r.top.values[i] - all[n - 1 - i])).toBeLessThan(1e-8 * scale);
      expect(Math.abs(r.bottom.values[i] - all[i])).toBeLessThan(1e-8 * scale);
    }
    // The top eigenvector against the exact one (mapped back from reduced coordinates).
    const u = step.basis.fromReduced(exact.vector(exact.m - 1));
    const v = r.top.vectors.subarray(0, n);
    const cos = Math.abs(u.reduce((s, x, i) => s + x * v[i], 0));
    expect(all[n - 1] - all[n - 2]).toBeGreaterThan(0.2);
    expect(cos).toBeGreaterThan(1 - 1e-12);
  });
});

describe('MLP: bottom-60 reaches past the 55 negative eigenvalues into the null space', () => {
  it('returns the 55 negatives and 5 zeros, as the exact path', () => {
    const { f, op, all, n, scale } = paperHessian('mlp_init');
    const r = lanczosExtremes(op.apply, n, { k: 60, steps: 600, which: 'bottom', seed: 0 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < 60; i++) expect(Math.abs(r.bottom.values[i] - all[i])).toBeLessThan(1e-8 * scale);
    expect(r.bottom.values.filter((v) => v < -1e-6).length).toBe(f.init['cnt_neg_lt_-1e-6']);
  });
});
