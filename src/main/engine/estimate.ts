// Cost estimate shown before a run starts: parameters, Hessian rank bound, memory, time per step measured on this
// machine (real spectrum steps on random data of the configured shape), disk space, and which spectrum method to use
// (recommendMethod). A config that cannot fit in memory is refused first, naming the field (memory.ts). The estimate
// stays fast whatever the config: an exact step predicted to take long is not timed; a smaller model of the same kind
// is, and its time scaled up (`extrapolated`); a Lanczos run is timed for a fixed budget and extrapolated.
import type { RunConfig } from '../../shared/config';
import { stepBatch } from '../../shared/datasets';
import type { CostEstimate, MethodAdvice } from '../../shared/records';
import { hessianOperator } from './curvature/hvp';
import { Experiment } from './experiment';
import { lanczosRun } from './linalg/lanczos';
import { checkMemory, hessianDim, memoryBytes, memoryParts, needsHessian } from './memory';
import { initParams, modelSpec, type ModelSpec } from './models/spec';
import { Rng } from './rng';

/** Work of one exact step: the Jacobian-row Gram matrix B·C·m² plus the eigensolver's m³ (flops up to constants). */
const stepWork = (batch: number, classes: number, m: number): number => batch * classes * m * m + m ** 3;
const work = (c: RunConfig): number => {
  const spec = modelSpec(c.model, c.data.imageSide);
  return stepWork(stepBatch(c), spec.classes, hessianDim(c, spec));
};
/** Time the estimate may spend on the config's own step (it answers within 2 s with the rest). */
const BUDGET_MS = 1000;
/** Work of the reference step timed first: the paper's MLP at batch 8 (m ≤ 370) — compute-bound, a few ms. */
const REFERENCE_WORK = stepWork(8, 10, 370);

/** `c`'s model shrunk to `v` base channels or hidden units, at batch ≤ 64. */
function shrunk(c: RunConfig, v: number): RunConfig {
  return {
    ...c,
    train: { ...c.train, mode: 'sgd', batchSize: Math.min(stepBatch(c), 64) },
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
 * errs high (small steps carry fixed costs). `c`'s own step is timed when three of them are predicted to fit
 * BUDGET_MS; else the largest shrunk model predicted to fit a sixth of it is timed and scaled up to `c` by work
 * (`extrapolated`): the larger the step timed, the smaller the share of fixed costs in what is scaled.
 */
function stepTime(c: RunConfig): { ms: number; extrapolated: boolean } {
  const ref = work(c) <= REFERENCE_WORK ? c : (largestWithin(c, REFERENCE_WORK) ?? shrunk(c, 1));
  const refMs = timeStep(ref);
  if (ref === c) return { ms: refMs, extrapolated: false };
  const msPerWork = refMs / work(ref);
  // Three steps at least: the config's own step is timed when predicted to fit a third of the budget.
  if (3 * msPerWork * work(c) <= BUDGET_MS) return { ms: timeStep(c), extrapolated: false };
  const proxy = largestWithin(c, BUDGET_MS / 6 / msPerWork) ?? ref;
  const proxyMs = proxy === ref ? refMs : timeStep(proxy);
  return { ms: (proxyMs * work(c)) / work(proxy), extrapolated: true };
}

function randomBatch(spec: ModelSpec, B: number, rng: Rng): { x: Float64Array; y: Uint8Array } {
  return {
    x: Float64Array.from({ length: B * spec.inputSize }, () => rng.normal()),
    y: Uint8Array.from({ length: B }, () => rng.int(spec.classes)),
  };
}

/**
 * Milliseconds of one whole training step of `c` with its spectrum (exact curvature, gradient, metrics, CGD, the step
 * map and Lyapunov vectors, replicas): real Experiment steps on random data of the configured shape, in float64,
 * warm — the first steps compile and fill caches (measured: 110, 79, 54, … 7, 6 ms for the paper's MLP), so steps
 * are taken until `budgetMs` is spent (at least 3, at most 12) and the median of all but the first two is returned.
 * Files a config names are not read here: replicas perturb along a random direction, CGD uses the per-step basis,
 * the QR vectors start at random.
 */
export function timeStep(c: RunConfig, budgetMs = 300): number {
  const spec = modelSpec(c.model, c.data.imageSide);
  const B = stepBatch(c);
  const count = Math.max(B, 16);
  const { x, y } = randomBatch(spec, count, new Rng(1, 'estimate'));
  const set = { name: 'estimate', x, y, count, dim: spec.inputSize, source: 'random' };
  const config: RunConfig = {
    ...c,
    data: { ...c.data, testEvery: 0, trainLimit: null },
    train: { ...c.train, precision: 'float64', steps: 12, batchOrderFile: null, initParamsFile: null, ...(c.train.mode === 'gd' ? { subset: count } : {}) },
    spectrum: { ...c.spectrum, every: 1 },
    cgd: c.cgd && { ...c.cgd, basisFile: null },
    lyapunov: c.lyapunov && { ...c.lyapunov, start: 'random' },
    replicas: c.replicas && { ...c.replicas, strategy: 'randn', lyapunovSource: null, directionFile: null },
  };
  const exp = new Experiment({
    config,
    spec,
    data: { train: set, test: set, mean: 0, std: 1 },
    theta0: initParams(spec, 1),
    tf: null,
    order: null,
    cgdBasis: null,
    lyapStart: null,
    lyapSource: null,
    direction: null,
  });
  const times: number[] = [];
  const t0 = performance.now();
  while (times.length < 12 && (times.length < 3 || performance.now() - t0 < budgetMs)) {
    const t = performance.now();
    exp.next();
    times.push(performance.now() - t);
  }
  const warm = times.slice(2).sort((a, b) => a - b);
  return warm[Math.floor(warm.length / 2)];
}

export function estimateCost(config: RunConfig, stepsPerEpoch?: number): CostEstimate {
  checkMemory(config);
  const spec = modelSpec(config.model, config.data.imageSide);
  const B = stepBatch(config);
  const C = spec.classes;
  const rankBound = config.model.kind === 'mlp' ? Math.min(spec.n, B * (C - 1) + config.model.hidden * 2 * Math.min(C - 1, B)) : spec.n;
  const steps = config.train.steps ?? (stepsPerEpoch ? stepsPerEpoch * config.train.epochs : config.train.mode === 'gd' ? config.train.epochs : null);
  let msPerStep = 0;
  let extrapolated = false;
  let method: MethodAdvice | null = null;
  if (needsHessian(config)) {
    const exact = stepTime(config);
    method = recommendMethod(config, spec, rankBound, exact);
    msPerStep = method.configured === 'exact' ? exact.ms : method.lanczosMs;
    extrapolated = method.configured === 'exact' && exact.extrapolated;
  }
  const replicas = config.replicas ? config.replicas.eps.length * config.replicas.seeds.length : 0;
  const lyapK = config.lyapunov ? (config.lyapunov.k === 'all' ? spec.n : config.lyapunov.k) : 0;
  const spectrumBytes = config.spectrum.method === 'exact' ? rankBound * 8 + 48 : 4 * config.spectrum.k * 8 + (config.spectrum.probes ? 2 * 256 * 8 : 0) + 96;
  const spectraBytes = config.spectrum.every > 0 ? spectrumBytes / config.spectrum.every : 0;
  const perStep = 30 * 12 + spectraBytes + lyapK * 8 + replicas * 3 * 8;
  return {
    nParams: spec.n,
    rankBound,
    msPerStep,
    extrapolated,
    memoryBytes: memoryBytes(memoryParts(config, spec)),
    steps,
    diskBytes: steps ? Math.round(perStep * steps) : 0,
    method,
  };
}

/** Wall time spent timing the start of a Lanczos run before extrapolating to the step cap (the estimate answers within 2 s). */
const LANCZOS_BUDGET_MS = 600;
/** Dense problems beyond this memory are not recommended. */
const EXACT_MEMORY_MAX = 2 * 2 ** 30;

/**
 * Exact spectrum or Lanczos estimate (DESIGN §6), priced on this machine in bounded time with random data of the
 * configured shape: the exact step as stepTime timed or extrapolated it, and the first LANCZOS_BUDGET_MS of a real Lanczos run
 * extrapolated to spectrum.lanczosSteps (a·m + b·m²: products plus reorthogonalisation; an upper bound, since Lanczos
 * stops once converged), plus the residual checks, gᵀHg and the SLQ probes at one product each. Exact is recommended
 * when it is cheaper and fits in memory; a Lanczos config where exact is cheap stays allowed, and the note says so.
 */
export function recommendMethod(config: RunConfig, spec: ModelSpec, rankBound: number, exact: { ms: number; extrapolated: boolean }): MethodAdvice {
  const rng = new Rng(1, 'estimate');
  const B = stepBatch(config);
  const { x, y } = randomBatch(spec, B, rng);
  const theta = initParams(spec, 1);
  const n = spec.n;
  const d = config.model.kind === 'mlp' ? rankBound : n;
  const exactBytes = 3 * d * d * 8;
  const exactMs = exact.ms;
  const exactMeasured = !exact.extrapolated;

  const s = config.spectrum;
  const lz = s.method === 'lanczos' ? s : { k: 20, lanczosSteps: 300, reorthogonalize: n > 20_000 ? 'partial' : 'full', probes: 10, slqSteps: 80 };
  const cap = Math.min(lz.lanczosSteps, n);
  const op = hessianOperator(spec, theta, x, y, B);
  const t0 = performance.now();
  const at: [number, number][] = [];
  lanczosRun(
    op.apply,
    Float64Array.from({ length: n }, () => rng.normal()),
    {
      maxSteps: cap,
      reorthogonalize: lz.reorthogonalize as 'full' | 'partial',
      restart: rng,
      stop: (t) => (at.push([t.steps, performance.now() - t0]), performance.now() - t0 > LANCZOS_BUDGET_MS),
    },
  );
  // Least squares t(m) = a·m + b·m² through the timed steps (b ≥ 0), then the products that follow the run.
  let [s11, s12, s22, r1, r2] = [0, 0, 0, 0, 0];
  for (const [m, t] of at) [s11, s12, s22, r1, r2] = [s11 + m * m, s12 + m ** 3, s22 + m ** 4, r1 + m * t, r2 + m * m * t];
  const det = s11 * s22 - s12 * s12;
  let b = det > 0 ? (s11 * r2 - s12 * r1) / det : 0;
  let a = det > 0 ? (s22 * r1 - s12 * r2) / det : 0;
  if (b < 0 || a < 0) [a, b] = [r1 / s11, 0];
  const products = 2 * lz.k + 1 + (lz.probes ? lz.probes * Math.min(lz.slqSteps, n) + 3 * lz.probes : 0);
  const lanczosMs = a * cap + b * cap * cap + a * products;
  const lanczosBytes = (cap + 2 * lz.k) * n * 8;

  const exactFits = exactBytes <= EXACT_MEMORY_MAX;
  const recommended = exactFits && exactMs <= lanczosMs ? 'exact' : 'lanczos';
  const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
  const exactText = `exact ${exactMeasured ? '' : '≥ '}${ms(exactMs)} (every eigenpair, dense d = ${d}${exactFits ? '' : `, ${(exactBytes / 2 ** 30).toFixed(1)} GiB`})`;
  const lanczosText = `Lanczos ≤ ${ms(lanczosMs)} (top/bottom-${lz.k}${lz.probes ? `, SLQ ${lz.probes}×${lz.slqSteps}` : ''}, estimates)`;
  const note =
    s.method === recommended
      ? `${s.method} is the cheaper method here: ${s.method === 'exact' ? `${exactText} vs ${lanczosText}` : `${lanczosText} vs ${exactText}`} per spectrum step.`
      : s.method === 'lanczos'
        ? `Allowed, but exact would be cheaper here and gives every eigenvalue: ${exactText} vs ${lanczosText} per spectrum step.`
        : `Consider spectrum.method 'lanczos': ${lanczosText} vs ${exactText} per spectrum step${exactFits ? '' : ' — exact may not fit in memory'}.`;
  return { configured: s.method, recommended, exactMs, exactMeasured, exactDim: d, exactBytes, lanczosMs, lanczosBytes, note };
}
