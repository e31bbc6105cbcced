// The Jacobians the Lyapunov analysis uses, against central finite differences of one real training step
// of the MLP on a USPS batch (float64): SGD, CGD (pruned eigenbasis frozen over the step) and momentum.
import { describe, expect, it } from 'vitest';
import { modelSpec } from '../../../../src/main/engine/models/spec';
import { mlpPass } from '../../../../src/main/engine/models/mlp';
import { exactStep } from '../../../../src/main/engine/curvature/exact';
import { hessianVector } from '../../../../src/main/engine/curvature/reduced';
import { HessianSpectrum } from '../../../../src/main/engine/curvature/spectrum';
import { cgdUpdate, selectPruned } from '../../../../src/main/engine/optim/cgd';
import { batchHv, stepJacobian } from '../../../../src/main/engine/chaos/lyapunov';
import { norm } from '../../../../src/main/engine/metrics/spectral';
import { Rng } from '../../../../src/main/engine/rng';
import { fixture, fixtureBatch } from '../../../helpers/fixtures';
import { defaultSection, type CgdConfig } from '../../../../src/shared/config';

const f = fixture('mlp_init');
const spec = modelSpec({ kind: 'mlp', hidden: 20, activation: 'relu' });
const theta = Float64Array.from(f.params_init);
const { x, y, size } = fixtureBatch(f);
const lr = 0.05;
const grad = (t: Float64Array): Float64Array => mlpPass(spec, t, x, y, size).grad;
const exact = exactStep(spec, theta, x, y, size);
const hvk = batchHv((v) => hessianVector(exact, v), spec.n);
const rng = new Rng(11, 'jacobian-test');
const dirs = Array.from({ length: 3 }, () => {
  const v = Float64Array.from({ length: spec.n }, () => rng.normal());
  const s = norm(v);
  return v.map((e) => e / s);
});
// ReLU kinks make F piecewise smooth: a small step keeps every activation pattern (checked below).
const h = 1e-6;

function fdCheck(F: (t: Float64Array) => Float64Array, J: (v: Float64Array) => Float64Array, base: Float64Array): number {
  let worst = 0;
  for (const v of dirs) {
    const fp = F(base.map((t, i) => t + h * (v[i] ?? 0)));
    const fm = F(base.map((t, i) => t - h * (v[i] ?? 0)));
    const jv = J(v);
    for (let i = 0; i < jv.length; i++) worst = Math.max(worst, Math.abs((fp[i] - fm[i]) / (2 * h) - jv[i]));
  }
  return worst;
}

describe('training-map Jacobians vs finite differences (MLP, USPS batch, float64)', () => {
  it('SGD: J = I − γH', () => {
    const F = (t: Float64Array) => {
      const g = grad(t);
      return t.map((v, i) => v - lr * g[i]);
    };
    expect(fdCheck(F, (v) => stepJacobian(hvk, { lr, momentum: 0, n: spec.n })(v, 1), theta)).toBeLessThan(1e-7);
  });

  it('CGD: J = I − γPHP with the pruned eigenvectors frozen over the step', () => {
    const sp = new HessianSpectrum(exact, { nullTol: null });
    const cfg: CgdConfig = { ...defaultSection('cgd'), prune: 'neg', k: null, select: 'magnitude' };
    const pruned = selectPruned(sp.values, sp.tau, cfg, lr, new Rng(0));
    expect(pruned.length).toBeGreaterThan(10);
    const F = (t: Float64Array) => {
      const u = cgdUpdate(sp, pruned, grad(t), cfg, new Rng(0)).update;
      return t.map((v, i) => v - lr * u[i]);
    };
    const basis = new Float64Array(pruned.length * spec.n);
    pruned.forEach((i, j) => basis.set(exact.basis.fromReduced(sp.vector(i)), j * spec.n));
    const J = stepJacobian(hvk, { lr, momentum: 0, n: spec.n, pruned: basis });
    expect(fdCheck(F, (v) => J(v, 1), theta)).toBeLessThan(1e-7);
  });

  it('momentum: the 2n×2n map of (θ, b) with b′ = μb + g, θ′ = θ − γb′', () => {
    const mu = 0.9;
    const b0 = Float64Array.from({ length: spec.n }, () => 0.01 * rng.normal());
    const F = (s: Float64Array) => {
      const t = s.subarray(0, spec.n);
      const b = s.subarray(spec.n);
      const g = grad(t);
      const out = new Float64Array(2 * spec.n);
      for (let i = 0; i < spec.n; i++) {
        out[spec.n + i] = mu * b[i] + g[i];
        out[i] = t[i] - lr * out[spec.n + i];
      }
      return out;
    };
    const state = new Float64Array(2 * spec.n);
    state.set(theta);
    state.set(b0, spec.n);
    const J = stepJacobian(hvk, { lr, momentum: mu, n: spec.n });
    const dirs2 = dirs.map((v) => {
      const w = new Float64Array(2 * spec.n);
      w.set(v);
      w.set(
        v.map((e) => -e),
        spec.n,
      );
      return w;
    });
    let worst = 0;
    for (const v of dirs2) {
      const fp = F(state.map((s, i) => s + h * v[i]));
      const fm = F(state.map((s, i) => s - h * v[i]));
      const jv = J(v, 1);
      for (let i = 0; i < jv.length; i++) worst = Math.max(worst, Math.abs((fp[i] - fm[i]) / (2 * h) - jv[i]));
    }
    expect(worst).toBeLessThan(1e-7);
  });
});
