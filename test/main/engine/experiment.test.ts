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
