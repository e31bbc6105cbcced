// The Experiment's exact per-step log|det J_t| (logdet_j) and its running mean (lyap_sum_all, the sum of all
// Lyapunov exponents) on a tiny MLP on USPS, float64: against the QR method tracking all n (2n) exponents, and
// against Gaussian elimination on the dense J_t.
import { describe, expect, it } from 'vitest';
import { Experiment, type StepOutput } from '../../../src/main/engine/experiment';
import { initParams, modelSpec } from '../../../src/main/engine/models/spec';
import { validateConfig, type RunConfig } from '../../../src/shared/config';
import { USPS_DIR, uspsData } from '../../helpers/fixtures';
import { denseColumns, logAbsDet } from '../../helpers/matrices';

function experiment(over: Record<string, unknown>, steps: number): Experiment {
  const v = validateConfig({
    seed: 4,
    data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 },
    model: { kind: 'mlp', hidden: 2, activation: 'relu' },
    train: { steps, batchSize: 8, lr: 0.2, precision: 'float64' },
    lyapunov: { k: 'all' },
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const config: RunConfig = v.config;
  const spec = modelSpec(config.model);
  return new Experiment({
    config,
    spec,
    data: uspsData(),
    theta0: initParams(spec, 4),
    tf: null,
    order: null,
    cgdBasis: null,
    lyapStart: null,
    lyapSource: null,
    direction: null,
  });
}

describe('logdet_j and lyap_sum_all (MLP 256-2-10, USPS, float64)', () => {
  for (const [name, over, steps] of [
    ['SGD', {}, 40],
    ['CGD chaotic', { cgd: { prune: 'chaotic' } }, 40],
    ['CGD neg + momentum 0.9', { cgd: { prune: 'neg', mix: 0.5 }, train: { steps: 6, batchSize: 8, lr: 0.2, momentum: 0.9, precision: 'float64' } }, 6],
  ] as const)
    it(`${name}: the running mean equals the QR sum over all exponents; logdet_j equals log|det| of the dense J_t`, () => {
      const exp = experiment(over, steps);
      const outs: StepOutput[] = [];
      for (let s = 0; s < steps; s++) outs.push(exp.next());
      let sum = 0;
      for (const [s, o] of outs.entries()) {
        const v = o.metrics.values;
        sum += v.logdet_j!;
        expect(v.lyap_sum_all).toBe(sum / (s + 1));
        // Σ_i log|R_ii| of one QR step of all vectors is log|det J_t|: the two sums agree to round-off.
        expect(Math.abs(v.lyap_sum! - v.lyap_sum_all!)).toBeLessThan(1e-10 * Math.max(1, Math.abs(v.lyap_sum_all!)));
      }
      expect(Math.abs(outs.at(-1)!.metrics.values.lyap_sum_all!)).toBeGreaterThan(1e-3);
      for (const s of [0, steps - 1]) {
        const map = outs[s].map!;
        expect(Math.abs(outs[s].metrics.values.logdet_j! - logAbsDet(denseColumns(map.forward, map.dim), map.dim))).toBeLessThan(1e-10);
      }
    });

  it('stops the running mean when a step has no spectrum, and continues it across a checkpoint', () => {
    const sparse = experiment({ lyapunov: null, spectrum: { every: 3 } }, 7);
    const v = Array.from({ length: 7 }, () => sparse.next().metrics.values);
    expect(v[0].lyap_sum_all).toBeDefined();
    expect(v[1].logdet_j).toBeUndefined();
    expect(v.slice(1).every((m) => m.lyap_sum_all === undefined)).toBe(true);
    expect(v[3].logdet_j).toBeDefined();

    const a = experiment({ lyapunov: null }, 10);
    for (let s = 0; s < 4; s++) a.next();
    const cp = a.checkpoint(0);
    const rest = Array.from({ length: 6 }, () => a.next().metrics.values.lyap_sum_all);
    const b = experiment({ lyapunov: null }, 10);
    b.restore(cp);
    expect(Array.from({ length: 6 }, () => b.next().metrics.values.lyap_sum_all)).toEqual(rest);
  });
});

// Tolerance: the metric and the explicit ‖VᵀW‖²_F/k from the saved vectors are the same sums in another order (1e-12).
describe('lyap_subsim (the paper’s subspace_sim, MLP 256-2-10, USPS, float64)', () => {
  it('is ‖VᵀW_t‖²_F/k between the QR subspace after each chosen step and every later one, beside k/dim; it survives a checkpoint', () => {
    const over = { lyapunov: { k: 3, subsimAt: [2, 5] } };
    const exp = experiment(over, 12);
    const outs: StepOutput[] = [];
    const kept: Float64Array[] = [];
    const w: Float64Array[] = [];
    for (let s = 0; s < 12; s++) {
      outs.push(exp.next());
      w.push(exp.lyapunovState()!.vectors);
      if (s + 1 === 2 || s + 1 === 5) kept.push(w[s]);
    }
    const dim = exp.lyapunovState()!.dim;
    const sim = (v: Float64Array, u: Float64Array): number => {
      let f = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          let d = 0;
          for (let l = 0; l < dim; l++) d += v[i * dim + l] * u[j * dim + l];
          f += d * d;
        }
      return f / 3;
    };
    outs.forEach((o, s) => {
      const v = o.metrics.values;
      expect(v.lyap_subsim_1 === undefined, `step ${s}`).toBe(s < 1);
      expect(v.lyap_subsim_2 === undefined, `step ${s}`).toBe(s < 4);
      if (s >= 1) expect(Math.abs(v.lyap_subsim_1! - sim(kept[0], w[s]))).toBeLessThan(1e-12);
      if (s >= 4) expect(Math.abs(v.lyap_subsim_2! - sim(kept[1], w[s]))).toBeLessThan(1e-12);
      expect(v.lyap_subsim_random).toBe(3 / dim);
    });
    // The subspace against itself: 1; later ones drift away from it.
    expect(outs[1].metrics.values.lyap_subsim_1).toBeCloseTo(1, 12);
    expect(outs[11].metrics.values.lyap_subsim_1).toBeLessThan(1 - 1e-6);
    // From a checkpoint after step 6 (one subspace kept) the rest is bitwise the same.
    const a = experiment(over, 12);
    for (let s = 0; s < 6; s++) a.next();
    const b = experiment(over, 12);
    b.restore(a.checkpoint(0));
    for (let s = 6; s < 12; s++) expect(b.next().metrics.values.lyap_subsim_2).toBe(outs[s].metrics.values.lyap_subsim_2);
  });
});
