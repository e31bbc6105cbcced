// Cost estimate shown before a run starts: parameters, Hessian rank bound, time per step measured on this
// machine (one real spectrum step on random data of the configured shape), and disk space.
import type { RunConfig } from '../../shared/config';
import type { CostEstimate } from '../../shared/records';
import { exactStep } from './curvature/exact';
import { HessianSpectrum } from './curvature/spectrum';
import { initParams, modelSpec } from './models/spec';
import { Rng } from './rng';

export function estimateCost(config: RunConfig, stepsPerEpoch?: number): CostEstimate {
  const spec = modelSpec(config.model);
  const B = config.train.batchSize;
  const C = spec.classes;
  const rankBound = config.model.kind === 'mlp' ? Math.min(spec.n, B * (C - 1) + config.model.hidden * 2 * Math.min(C - 1, B)) : spec.n;
  const steps = config.train.steps ?? (stepsPerEpoch ? stepsPerEpoch * config.train.epochs : null);
  let msPerStep = 0;
  if (config.spectrum.every > 0 || config.cgd || config.lyapunov) {
    const rng = new Rng(1, 'estimate');
    const x = Float64Array.from({ length: B * spec.inputSize }, () => rng.normal());
    const y = Uint8Array.from({ length: B }, () => rng.int(C));
    const theta = initParams(spec, 1);
    const t0 = performance.now();
    new HessianSpectrum(exactStep(spec, theta, x, y, B), { nullTol: config.spectrum.nullTol });
    msPerStep = performance.now() - t0;
  }
  const replicas = config.replicas ? config.replicas.eps.length * config.replicas.seeds.length : 0;
  const lyapK = config.lyapunov ? (config.lyapunov.k === 'all' ? spec.n : config.lyapunov.k) : 0;
  const spectraBytes = config.spectrum.every > 0 ? (rankBound * 8 + 48) / config.spectrum.every : 0;
  const perStep = 30 * 12 + spectraBytes + lyapK * 8 + replicas * 3 * 8;
  return { nParams: spec.n, rankBound, msPerStep, steps, diskBytes: steps ? Math.round(perStep * steps) : 0 };
}
