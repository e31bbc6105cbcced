// The MLP's exact Hessian spectrum from the low-rank reduction, against the float64 PyTorch fixture,
// against central finite differences of the gradient, and the CGD projection against the fixture.
import { describe, expect, it } from 'vitest';
import { modelSpec } from '../../../../src/main/engine/models/spec';
import { mlpPass } from '../../../../src/main/engine/models/mlp';
import { mlpHessian } from '../../../../src/main/engine/curvature/mlp-hessian';
import { HessianSpectrum } from '../../../../src/main/engine/curvature/spectrum';
import { hessianVector } from '../../../../src/main/engine/curvature/reduced';
import { cgdUpdate, selectPruned } from '../../../../src/main/engine/optim/cgd';
import { norm } from '../../../../src/main/engine/metrics/spectral';
import { Rng } from '../../../../src/main/engine/rng';
import { fixture, fixtureBatch } from '../../../helpers/fixtures';
import { defaultSection, type Activation, type CgdConfig } from '../../../../src/shared/config';

const f = fixture('mlp_init');
const spec = modelSpec({ kind: 'mlp', hidden: 20, activation: 'relu' });
const theta = Float64Array.from(f.params_init);
const batch = fixtureBatch(f);

describe('MLP exact Hessian vs the float64 PyTorch fixture', () => {
  const step = mlpHessian(spec, theta, batch.x, batch.y, batch.size);
  const sp = new HessianSpectrum(step, { nullTol: 1e-6, vectors: true });
  const maxAbs = Math.max(...f.init.eigvals.map(Math.abs));

  it('uses the fixture batch and layout', () => {
    expect(spec.n).toBe(f.n_params);
    expect(Array.from(batch.y)).toEqual(f.batch_labels);
  });

  it('matches loss and gradient norm to 1e-12 relative', () => {
    expect(Math.abs(step.loss - f.init.loss) / f.init.loss).toBeLessThan(1e-12);
    expect(Math.abs(norm(step.grad) - f.init.grad_norm) / f.init.grad_norm).toBeLessThan(1e-12);
  });

  it('reduces the 5350×5350 problem to a few hundred dimensions', () => {
    expect(step.basis.m).toBeLessThan(400);
    expect(step.basis.m).toBeGreaterThanOrEqual(182);
  });

  it('matches all 5350 eigenvalues to 1e-10·max|λ|', () => {
    const all = sp.allEigenvalues();
    expect(all.length).toBe(f.init.eigvals.length);
    let worst = 0;
    for (let i = 0; i < all.length; i++) worst = Math.max(worst, Math.abs(all[i] - f.init.eigvals[i]));
    expect(worst / maxAbs).toBeLessThan(1e-10);
  });

  it('matches the counts at |λ| ≤ 1e-6, trace and Frobenius norm', () => {
    const c = sp.counts(f.lr);
    expect(c.negative).toBe(f.init['cnt_neg_lt_-1e-6']);
    expect(c.positive).toBe(f.init['cnt_pos_gt_1e-6']);
    expect(c.null).toBe(f.init['cnt_zero_abs_le_1e-6']);
    // The fixture's chaotic count (56) also includes one round-off eigenvalue (|λ| < 1e-14); ours excludes |λ| ≤ τ.
    const genuineChaotic = f.init.eigvals.filter((v) => Math.abs(v) > 1e-6 && (1 - f.lr * v) ** 2 > 1).length;
    expect(f.init['cnt_chaotic_(1-lr w)^2>1'] - genuineChaotic).toBe(1);
    expect(c.chaoticNeg + c.chaoticPos).toBe(genuineChaotic);
    const trace = sp.values.reduce((s, v) => s + v, 0);
    const fro = Math.sqrt(sp.values.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(trace - f.init.trace) / f.init.trace).toBeLessThan(1e-10);
    expect(Math.abs(fro - f.init.fro) / f.init.fro).toBeLessThan(1e-10);
  });

  it('has eigenpairs with residual ‖Hv − λv‖ ≤ 1e-12·max|λ| in the full space', () => {
    for (const i of [0, 1, 2, sp.m - 3, sp.m - 2, sp.m - 1]) {
      const v = step.basis.fromReduced(sp.vector(i));
      const hv = hessianVector(step, v);
      const r = hv.map((x, j) => x - sp.values[i] * v[j]);
      expect(norm(r) / maxAbs).toBeLessThan(1e-12);
      expect(Math.abs(norm(v) - 1)).toBeLessThan(1e-12);
    }
  });

  it('keeps the gradient inside the reduced subspace (null-space part ≤ 1e-12‖g‖)', () => {
    const back = step.basis.fromReduced(step.basis.toReduced(step.grad));
    const r = back.map((x, i) => x - step.grad[i]);
    expect(norm(r) / norm(step.grad)).toBeLessThan(1e-12);
  });

  // The fixture classifies by the sign of float64 eigenvalues, round-off included; with the default relative
  // τ = n·ε·max|λ| (5.6e-12 here) the genuine small eigenvalues are pruned as in the fixture, and the projected
  // norms differ only by the ~1e-12 null-space component of g (DESIGN §2): agreement to 1e-10 relative.
  const spRel = new HessianSpectrum(step, { nullTol: null, vectors: true });
  const cases: [string, CgdConfig['prune'], number | null][] = [
    ['neg_kNone', 'neg', null],
    ['neg_k100', 'neg', 100],
    ['pos_kNone', 'pos', null],
    ['pos_k100', 'pos', 100],
    ['chaotic_kNone', 'chaotic', null],
    ['chaotic_k100', 'chaotic', 100],
  ];
  for (const [key, prune, k] of cases)
    it(`CGD ${key}: projected gradient norm matches and the update is orthogonal to every pruned direction`, () => {
      const cfg: CgdConfig = { ...defaultSection('cgd'), prune, k, select: 'magnitude' };
      const pruned = selectPruned(spRel.values, spRel.tau, cfg, f.lr, new Rng(0));
      const { update } = cgdUpdate(spRel, pruned, step.grad, cfg, new Rng(0));
      const ref = f.init.cgd[key].proj_grad_norm;
      expect(Math.abs(norm(update) - ref) / ref).toBeLessThan(1e-10);
      for (const i of pruned) {
        const v = step.basis.fromReduced(spRel.vector(i));
        expect(Math.abs(v.reduce((s, x, j) => s + x * update[j], 0))).toBeLessThan(1e-12 * norm(step.grad));
      }
    });
});

describe('MLP Hessian vs central finite differences of the gradient', () => {
  // A narrow MLP so every column of H can be checked: n = 256·4 + 4 + 10·4 + 10 = 1078.
  for (const act of ['relu', 'sigmoid'] as Activation[])
    it(`${act}: U·Hr·Uᵀ equals the finite-difference Hessian (|err| ≤ 1e-6)`, () => {
      const small = modelSpec({ kind: 'mlp', hidden: 4, activation: act });
      const rng = new Rng(7, act);
      const B = 5;
      const x = Float64Array.from({ length: B * 256 }, () => rng.normal());
      const y = Uint8Array.from({ length: B }, () => rng.int(10));
      const th = Float64Array.from({ length: small.n }, () => 0.3 * rng.normal());
      const step = mlpHessian(small, th, x, y, B);
      const h = 1e-5;
      let worst = 0;
      let scale = 0;
      // Columns: all of fc1 row 0 and its bias, and every fc2 / bias entry; plus random others.
      const cols = [
        ...Array.from({ length: 257 }, (_, i) => (i < 256 ? i : 1024)),
        ...Array.from({ length: 50 }, (_, i) => 1028 + i),
        ...Array.from({ length: 40 }, () => rng.int(small.n)),
      ];
      for (const c of cols) {
        const e = new Float64Array(small.n);
        e[c] = 1;
        const hcol = hessianVector(step, e);
        const tp = th.slice();
        tp[c] += h;
        const tm = th.slice();
        tm[c] -= h;
        const gp = mlpPass(small, tp, x, y, B).grad;
        const gm = mlpPass(small, tm, x, y, B).grad;
        for (let i = 0; i < small.n; i++) {
          const fd = (gp[i] - gm[i]) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - hcol[i]));
          scale = Math.max(scale, Math.abs(hcol[i]));
        }
      }
      expect(scale).toBeGreaterThan(1e-2);
      expect(worst).toBeLessThan(1e-6);
    });
});
