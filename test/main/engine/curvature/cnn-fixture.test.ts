// The float64 CNN engine against the independent float64 PyTorch reference (cnn_init.json, DESIGN §5).
import { describe, expect, it } from 'vitest';
import { cnnHessian } from '../../../../src/main/engine/curvature/cnn-hessian';
import { exactStep } from '../../../../src/main/engine/curvature/exact';
import { HessianSpectrum } from '../../../../src/main/engine/curvature/spectrum';
import { eigh } from '../../../../src/main/engine/linalg/eigh';
import { cnnLossGrad } from '../../../../src/main/engine/models/cnn';
import { modelSpec } from '../../../../src/main/engine/models/spec';
import { fixtureCgdTests } from '../../../helpers/cgd-fixture';
import { loadFixture, uspsRows } from '../../../helpers/cnn-fixture';
import type { CgdRef } from '../../../helpers/fixtures';

const fx = loadFixture();
const spec = modelSpec({ kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' });
const theta = Float64Array.from(fx.params_init);
const { x, y } = uspsRows(fx.batch_idx, fx.meta.data.mean, fx.meta.data.std);
const B = fx.batch_idx.length;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('CNN (base 4, blocks 1, ReLU) vs the PyTorch float64 fixture', () => {
  it('uses the fixture layout and batch', () => {
    expect(spec.n).toBe(fx.init.n);
    expect(Array.from(y)).toEqual(fx.batch_labels);
  });

  it('loss and gradient norm agree to 1e-12 relative', () => {
    const r = cnnLossGrad(spec, theta, x, y, B);
    expect(rel(r.loss, fx.init.loss)).toBeLessThan(1e-12);
    expect(rel(Math.hypot(...r.grad), fx.init.grad_norm)).toBeLessThan(1e-12);
    expect(r.logits.length).toBe(B * 10);
    expect(r.correct).toBeGreaterThanOrEqual(0);
    expect(r.correct).toBeLessThanOrEqual(B);
  });

  const H = cnnHessian(spec, theta, x, y, B, { dense: true });
  const n = spec.n;

  it('Hessian returns the same loss and gradient as cnnLossGrad', () => {
    const r = cnnLossGrad(spec, theta, x, y, B);
    expect(H.loss).toBe(r.loss);
    expect(H.correct).toBe(r.correct);
    for (let i = 0; i < n; i++) expect(Math.abs(H.grad[i] - r.grad[i])).toBeLessThan(1e-15);
  });

  it('Hessian is exactly symmetric; trace and Frobenius norm agree to 1e-10 relative', () => {
    let tr = 0;
    let fro2 = 0;
    let asym = 0;
    for (let i = 0; i < n; i++) {
      tr += H.hr[i * n + i];
      for (let j = 0; j < n; j++) {
        fro2 += H.hr[i * n + j] ** 2;
        asym = Math.max(asym, Math.abs(H.hr[i * n + j] - H.hr[j * n + i]));
      }
    }
    expect(asym).toBe(0);
    expect(rel(tr, fx.init.trace)).toBeLessThan(1e-10);
    expect(rel(Math.sqrt(fro2), fx.init.fro)).toBeLessThan(1e-10);
  });

  it('all 1158 eigenvalues agree to 1e-10·max|λ|, and the counts at |λ| ≤ 1e-6 match', () => {
    const { values } = eigh(H.hr.slice(), n, { vectors: false });
    const ref = fx.init.eigvals;
    const scale = Math.max(Math.abs(ref[0]), Math.abs(ref[n - 1]));
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(values[i] - ref[i]));
    expect(err).toBeLessThan(1e-10 * scale);
    const neg = values.filter((v) => v < -1e-6).length;
    const pos = values.filter((v) => v > 1e-6).length;
    expect(neg).toBe(fx.init['cnt_neg_lt_-1e-6']);
    expect(pos).toBe(fx.init['cnt_pos_gt_1e-6']);
    expect(n - neg - pos).toBe(fx.init['cnt_zero_abs_le_1e-6']);
  });
});

// The engine's own path: the reduced exact step (structural zero rows dropped) and its implicit eigenvectors.
describe('CNN reduced exact step + spectrum vs the PyTorch float64 fixture', () => {
  const step = exactStep(spec, theta, x, y, B);
  const n = spec.n;
  const ref = fx.init.eigvals;
  const scale = Math.max(Math.abs(ref[0]), Math.abs(ref[n - 1]));

  it(`drops the ${n - step.basis.m} zero rows; all ${n} eigenvalues agree to 1e-10·max|λ| and the counts at |λ| ≤ 1e-6 match`, () => {
    expect(step.basis.m).toBeLessThan(n);
    const sp = new HessianSpectrum(step, { nullTol: 1e-6 });
    const all = sp.allEigenvalues();
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(all[i] - ref[i]));
    console.log(`reduced CNN step: m = ${step.basis.m} of ${n}, max|λ − λ_ref| = ${(err / scale).toExponential(1)}·max|λ|`);
    expect(err).toBeLessThan(1e-10 * scale);
    const c = sp.counts(fx.lr);
    expect(c.negative).toBe(fx.init['cnt_neg_lt_-1e-6']);
    expect(c.positive).toBe(fx.init['cnt_pos_gt_1e-6']);
    expect(c.null).toBe(fx.init['cnt_zero_abs_le_1e-6']);
  });

  fixtureCgdTests(new HessianSpectrum(step, { nullTol: null }), fx.lr, fx.init.cgd as Record<string, CgdRef>);
});
