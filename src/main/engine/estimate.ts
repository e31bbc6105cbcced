// Cost estimate shown before a run starts: parameters, Hessian rank bound, memory, time per step measured on this
// machine (real spectrum steps on random data of the configured shape), and disk space. A config that cannot fit in
// memory is refused first, naming the field (memory.ts). The estimate stays fast whatever the config: a step
// predicted to take long is not timed; a smaller model of the same kind is, and its time scaled up (`extrapolated`).
import type { RunConfig } from '../../shared/config';
import type { CostEstimate } from '../../shared/records';
import { exactStep } from './curvature/exact';
import { HessianSpectrum } from './curvature/spectrum';
import { checkMemory, hessianDim, memoryBytes, memoryParts, needsHessian } from './memory';
import { initParams, modelSpec } from './models/spec';
import { Rng } from './rng';

/** Work of one exact step: the Jacobian-row Gram matrix B·C·m² plus the eigensolver's m³ (flops up to constants). */
const stepWork = (batch: number, classes: number, m: number): number => batch * classes * m * m + m ** 3;
const work = (c: RunConfig): number => {
  const spec = modelSpec(c.model);
  return stepWork(c.train.batchSize, spec.classes, hessianDim(c, spec));
};
/** Time the estimate may spend on the config's own step (it answers within 2 s with the rest). */
const BUDGET_MS = 1000;
/** Work of the reference step timed first: the paper's MLP at batch 8 (m ≤ 370) — compute-bound, a few ms. */
const REFERENCE_WORK = stepWork(8, 10, 370);

/** `c`'s model shrunk to `v` base channels or hidden units, at batch ≤ 64. */
function shrunk(c: RunConfig, v: number): RunConfig {
  return {
    ...c,
    train: { ...c.train, batchSize: Math.min(c.train.batchSize, 64) },
    model: c.model.kind === 'cnn' ? { ...c.model, baseChannels: v } : { ...c.model, hidden: v },
  };
}

/** The largest shrunk model of `c` (smaller than `c`) whose work is at most `limit`, or null when even size 1 is more. */
function largestWithin(c: RunConfig, limit: number): RunConfig | null {
  const max = c.model.kind === 'cnn' ? c.model.baseChannels : c.model.hidden;
  if (work(shrunk(c, 1)) > limit) return null;
  let v = 1;
  while (v + 1 < max && work(shrunk(c, v + 1)) <= limit) v++;
  return shrunk(c, v);
}

/**
 * Milliseconds per exact step of `c`. A reference step (the paper's MLP's work, or `c` if smaller) is timed first,
 * warm, which measures this machine as it is now, load included. Scaled by work, it predicts every other step, and
 * errs high (small steps carry fixed costs). `c`'s own step is timed when predicted to fit BUDGET_MS; else the
 * largest shrunk model predicted to fit half of it is timed and scaled up to `c` by work (`extrapolated`): the
 * larger the step timed, the smaller the share of fixed costs in what is scaled.
 */
function stepTime(c: RunConfig): { ms: number; extrapolated: boolean } {
  const ref = work(c) <= REFERENCE_WORK ? c : (largestWithin(c, REFERENCE_WORK) ?? shrunk(c, 1));
  // The first call compiles the kernels.
  timeStep(ref);
  const refMs = timeStep(ref);
  if (ref === c) return { ms: refMs, extrapolated: false };
  const msPerWork = refMs / work(ref);
  if (msPerWork * work(c) <= BUDGET_MS) return { ms: timeStep(c), extrapolated: false };
  const proxy = largestWithin(c, BUDGET_MS / 2 / msPerWork) ?? ref;
  const proxyMs = proxy === ref ? refMs : timeStep(proxy);
  return { ms: (proxyMs * work(c)) / work(proxy), extrapolated: true };
}

/** Milliseconds of one exact spectrum step of `c`'s model on random data (eigenvectors included). */
export function timeStep(c: RunConfig): number {
  const spec = modelSpec(c.model);
  const B = c.train.batchSize;
  const rng = new Rng(1, 'estimate');
  const x = Float64Array.from({ length: B * spec.inputSize }, () => rng.normal());
  const y = Uint8Array.from({ length: B }, () => rng.int(spec.classes));
  const theta = initParams(spec, 1);
  const t0 = performance.now();
  new HessianSpectrum(exactStep(spec, theta, x, y, B), { nullTol: c.spectrum.nullTol });
  return performance.now() - t0;
}

export function estimateCost(config: RunConfig, stepsPerEpoch?: number): CostEstimate {
  checkMemory(config);
  const spec = modelSpec(config.model);
  const B = config.train.batchSize;
  const C = spec.classes;
  const rankBound = config.model.kind === 'mlp' ? Math.min(spec.n, B * (C - 1) + config.model.hidden * 2 * Math.min(C - 1, B)) : spec.n;
  const steps = config.train.steps ?? (stepsPerEpoch ? stepsPerEpoch * config.train.epochs : null);
  let msPerStep = 0;
  let extrapolated = false;
  if (needsHessian(config)) {
    ({ ms: msPerStep, extrapolated } = stepTime(config));
  }
  const replicas = config.replicas ? config.replicas.eps.length * config.replicas.seeds.length : 0;
  const lyapK = config.lyapunov ? (config.lyapunov.k === 'all' ? spec.n : config.lyapunov.k) : 0;
  const spectraBytes = config.spectrum.every > 0 ? (rankBound * 8 + 48) / config.spectrum.every : 0;
  const perStep = 30 * 12 + spectraBytes + lyapK * 8 + replicas * 3 * 8;
  return {
    nParams: spec.n,
    rankBound,
    msPerStep,
    extrapolated,
    memoryBytes: memoryBytes(memoryParts(config, spec)),
    steps,
    diskBytes: steps ? Math.round(perStep * steps) : 0,
  };
}
