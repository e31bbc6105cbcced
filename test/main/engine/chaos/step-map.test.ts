// The step map J_t the engine uses (SGD, CGD in the eigenbasis, CGD with a fixed basis, momentum) on a real
// MLP step on USPS, float64: J against central finite differences of the training step, and Jᵀ, J⁻¹, J⁻ᵀ and
// log|det J| against the dense matrix of J (transposed, multiplied, Gaussian elimination).
import { describe, expect, it } from 'vitest';
import { stepMap, type StepMap } from '../../../../src/main/engine/chaos/step-map';
import { exactStep } from '../../../../src/main/engine/curvature/exact';
import { HessianSpectrum } from '../../../../src/main/engine/curvature/spectrum';
import { gatherBatch } from '../../../../src/main/engine/data/sampler';
import { matmul, qrThin } from '../../../../src/main/engine/linalg/eigh';
import { mlpPass } from '../../../../src/main/engine/models/mlp';
import { initParams, modelSpec } from '../../../../src/main/engine/models/spec';
import { cgdFixedBasis, cgdUpdate, selectPruned } from '../../../../src/main/engine/optim/cgd';
import { Rng } from '../../../../src/main/engine/rng';
import type { CgdConfig } from '../../../../src/shared/config';
import { uspsData } from '../../../helpers/fixtures';
import { denseColumns, logAbsDet, maxAbs, maxAbsDiff } from '../../../helpers/matrices';

// MLP 256-2-10 (n = 544): small enough for dense 2n×2n checks, with negative and chaotic eigenvalues.
const spec = modelSpec({ kind: 'mlp', hidden: 2, activation: 'relu' });
const n = spec.n;
const theta = initParams(spec, 5);
const { x, y, size } = gatherBatch(uspsData().train, Int32Array.from([3, 17, 254, 1050, 2000, 3446, 5000, 7001]));
const exact = exactStep(spec, theta, x, y, size);
const spectrum = new HessianSpectrum(exact, { nullTol: null });
const lr = 0.3;
const mu = 0.9;
const cgd = (prune: CgdConfig['prune'], mix: number): CgdConfig => ({ prune, k: null, select: 'magnitude', start: 0, noise: 0, mix, basisFile: null });
const fixed = (() => {
  const rng = new Rng(2, 'fixed-basis');
  const { q } = qrThin(
    Float64Array.from({ length: 3 * n }, () => rng.normal()),
    n,
    3,
  );
  return [0, 1, 2].map((j) => q.slice(j * n, (j + 1) * n));
})();

interface Case {
  name: string;
  map: StepMap;
  /** The training step as a function of the state (θ, or (θ, b) with momentum), pruning frozen at θ. */
  F: (s: Float64Array) => Float64Array;
}

function cases(): Case[] {
  const grad = (t: Float64Array): Float64Array => mlpPass(spec, t, x, y, size).grad;
  const out: Case[] = [];
  const sgdStep = (u: (t: Float64Array) => Float64Array) => (t: Float64Array) => {
    const g = u(t);
    return t.map((v, i) => v - lr * g[i]);
  };
  const momentumStep = (u: (t: Float64Array) => Float64Array) => (s: Float64Array) => {
    const g = u(s.subarray(0, n));
    const o = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      o[n + i] = mu * s[n + i] + g[i];
      o[i] = s[i] - lr * o[n + i];
    }
    return o;
  };
  for (const momentum of [0, mu]) {
    const wrap = momentum > 0 ? momentumStep : sgdStep;
    const tag = momentum > 0 ? ' + momentum' : '';
    out.push({ name: `SGD${tag}`, map: stepMap({ spectrum, lr, momentum, pruned: [], mix: 1, fixedBasis: null, step: 0 }), F: wrap(grad) });
    for (const c of [cgd('neg', 1), cgd('chaotic', 0.6)]) {
      const pruned = selectPruned(spectrum.values, spectrum.tau, c, lr, new Rng(0));
      expect(pruned.length).toBeGreaterThan(0);
      out.push({
        name: `CGD ${c.prune} mix ${c.mix}${tag}`,
        map: stepMap({ spectrum, lr, momentum, pruned, mix: c.mix, fixedBasis: null, step: 0 }),
        F: wrap((t) => cgdUpdate(spectrum, pruned, grad(t), c, new Rng(0)).update),
      });
    }
    const c = { ...cgd('neg', 0.7), basisFile: 'basis.json' };
    out.push({
      name: `CGD fixed basis mix 0.7${tag}`,
      map: stepMap({ spectrum, lr, momentum, pruned: [], mix: c.mix, fixedBasis: fixed, step: 0 }),
      F: wrap((t) => cgdFixedBasis(fixed, grad(t), c, new Rng(0)).update),
    });
  }
  return out;
}

describe('step map J_t (MLP 256-2-10, USPS batch, float64)', () => {
  const all = cases();
  const state0 = (dim: number): Float64Array => {
    const s = new Float64Array(dim);
    s.set(theta);
    // A momentum buffer away from zero, so that the b-part of the map is exercised.
    for (let i = n; i < dim; i++) s[i] = 0.01 * Math.sin(i);
    return s;
  };

  for (const c of all)
    it(`${c.name}: J matches central differences of the step; Jᵀ, J⁻¹, J⁻ᵀ and log|det J| match the dense J`, () => {
      const { map } = c;
      const dim = map.dim;
      // ReLU kinks make the step piecewise smooth; h keeps every activation pattern on these directions.
      const h = 1e-6;
      const rng = new Rng(7, c.name);
      const s0 = state0(dim);
      let fdWorst = 0;
      for (let d = 0; d < 3; d++) {
        const v = Float64Array.from({ length: dim }, () => rng.normal());
        const fp = c.F(s0.map((t, i) => t + h * v[i]));
        const fm = c.F(s0.map((t, i) => t - h * v[i]));
        const jv = map.forward(v, 1);
        for (let i = 0; i < dim; i++) fdWorst = Math.max(fdWorst, Math.abs((fp[i] - fm[i]) / (2 * h) - jv[i]));
      }
      expect(fdWorst).toBeLessThan(1e-7);

      const J = denseColumns(map.forward, dim);
      const JT = denseColumns(map.transpose, dim);
      const Jinv = denseColumns(map.inverse(), dim);
      const JinvT = denseColumns(map.inverseTranspose(), dim);
      const scale = maxAbs(J);
      // Column-major arrays read row-major are the transposes: JT·(row-major) = J.
      const transposeOf = (a: Float64Array) => {
        const t = new Float64Array(dim * dim);
        for (let r = 0; r < dim; r++) for (let col = 0; col < dim; col++) t[r * dim + col] = a[col * dim + r];
        return t;
      };
      expect(maxAbsDiff(JT, transposeOf(J)) / scale).toBeLessThan(1e-14);
      expect(maxAbsDiff(JinvT, transposeOf(Jinv))).toBeLessThan(1e-12);
      const eye = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) eye[i * dim + i] = 1;
      // (J·J⁻¹)ᵀ = J⁻ᵀJᵀ = (column-major J⁻¹ as row-major)·(column-major J as row-major).
      expect(maxAbsDiff(matmul(Jinv, J, dim, dim, dim), eye)).toBeLessThan(1e-12);
      expect(maxAbsDiff(matmul(J, Jinv, dim, dim, dim), eye)).toBeLessThan(1e-12);
      expect(Math.abs(map.logAbsDet - logAbsDet(J, dim))).toBeLessThan(1e-10);
      expect(map.bytes).toBeGreaterThan(spectrum.m * spectrum.m * 8);
    });

  it('with momentum, det J = μⁿ whatever the Hessian; without, log|det J| is far from 0 here', () => {
    for (const c of all) {
      if (c.map.dim === 2 * n) expect(c.map.logAbsDet).toBeCloseTo(n * Math.log(mu), 9);
      else expect(Math.abs(c.map.logAbsDet)).toBeGreaterThan(0.1);
    }
  });

  it('refuses J⁻¹ by name when 1 − γλ vanishes', () => {
    const top = spectrum.values[spectrum.m - 1];
    const map = stepMap({ spectrum, lr: 1 / top, momentum: 0, pruned: [], mix: 1, fixedBasis: null, step: 41 });
    expect(() => map.inverse()).toThrow(/J_t⁻¹ at step 41: \|1 − γλ\| = .* for λ = .*singular to working precision/);
    expect(() => map.inverseTranspose()).toThrow(/step 41/);
    // The forward map and its determinant stay available.
    expect(map.forward(new Float64Array(n).fill(1), 1).length).toBe(n);
  });
});
