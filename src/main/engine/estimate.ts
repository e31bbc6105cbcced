// Cost estimate shown before a run starts: parameters, Hessian rank bound, time per step measured on this
// machine (real spectrum work on random data of the configured shape), disk space, and which spectrum method to
// use (recommendMethod).
import type { RunConfig } from '../../shared/config';
import { stepBatch } from '../../shared/datasets';
import type { CostEstimate, MethodAdvice } from '../../shared/records';
import { exactStep } from './curvature/exact';
import { hessianOperator } from './curvature/hvp';
import { HessianSpectrum } from './curvature/spectrum';
import { eigh } from './linalg/eigh';
import { lanczosRun } from './linalg/lanczos';
import { initParams, modelSpec, type ModelSpec } from './models/spec';
import { Rng } from './rng';

/** Largest dense eigenproblem the estimate solves for real; beyond it the time is extrapolated as d³. */
const EXACT_MEASURED_MAX = 2000;
/** Wall time spent timing the start of a Lanczos run before extrapolating to the step cap. */
const LANCZOS_BUDGET_MS = 1500;
/** Dense problems beyond this memory are not recommended. */
const EXACT_MEMORY_MAX = 2 * 2 ** 30;

function randomBatch(spec: ModelSpec, B: number, rng: Rng): { x: Float64Array; y: Uint8Array } {
  return {
    x: Float64Array.from({ length: B * spec.inputSize }, () => rng.normal()),
    y: Uint8Array.from({ length: B }, () => rng.int(spec.classes)),
  };
}

export function estimateCost(config: RunConfig, stepsPerEpoch?: number): CostEstimate {
  const spec = modelSpec(config.model, config.data.imageSide);
  const B = stepBatch(config);
  const C = spec.classes;
  const rankBound = config.model.kind === 'mlp' ? Math.min(spec.n, B * (C - 1) + config.model.hidden * 2 * Math.min(C - 1, B)) : spec.n;
  const steps = config.train.steps ?? (stepsPerEpoch ? stepsPerEpoch * config.train.epochs : config.train.mode === 'gd' ? config.train.epochs : null);
  const method = config.spectrum.every > 0 || config.cgd || config.lyapunov ? recommendMethod(config, spec, rankBound) : null;
  const msPerStep = method ? (method.configured === 'exact' ? method.exactMs : method.lanczosMs) : 0;
  const replicas = config.replicas ? config.replicas.eps.length * config.replicas.seeds.length : 0;
  const lyapK = config.lyapunov ? (config.lyapunov.k === 'all' ? spec.n : config.lyapunov.k) : 0;
  const spectrumBytes = config.spectrum.method === 'exact' ? rankBound * 8 + 48 : 4 * config.spectrum.k * 8 + (config.spectrum.probes ? 2 * 256 * 8 : 0) + 96;
  const spectraBytes = config.spectrum.every > 0 ? spectrumBytes / config.spectrum.every : 0;
  const perStep = 30 * 12 + spectraBytes + lyapK * 8 + replicas * 3 * 8;
  return { nParams: spec.n, rankBound, msPerStep, steps, diskBytes: steps ? Math.round(perStep * steps) : 0, method };
}

/**
 * Exact spectrum or Lanczos estimate (DESIGN §6), priced on this machine in bounded time with random data of the
 * configured shape: one real exact step when its eigenproblem has d ≤ EXACT_MEASURED_MAX (else the eigensolver's
 * time at d = 300 scaled by (d/300)³, a lower bound), and the first LANCZOS_BUDGET_MS of a real Lanczos run
 * extrapolated to spectrum.lanczosSteps (a·m + b·m²: products plus reorthogonalisation; an upper bound, since Lanczos
 * stops once converged), plus the residual checks, gᵀHg and the SLQ probes at one product each. Exact is recommended
 * when it is cheaper and fits in memory; a Lanczos config where exact is cheap stays allowed, and the note says so.
 */
export function recommendMethod(config: RunConfig, spec: ModelSpec, rankBound: number): MethodAdvice {
  const rng = new Rng(1, 'estimate');
  const B = stepBatch(config);
  const { x, y } = randomBatch(spec, B, rng);
  const theta = initParams(spec, 1);
  const n = spec.n;
  const d = config.model.kind === 'mlp' ? rankBound : n;
  const exactBytes = 3 * d * d * 8;
  let exactMs: number;
  const exactMeasured = d <= EXACT_MEASURED_MAX;
  if (exactMeasured) {
    const t0 = performance.now();
    new HessianSpectrum(exactStep(spec, theta, x, y, B), { nullTol: config.spectrum.nullTol, vectors: true });
    exactMs = performance.now() - t0;
  } else {
    const m = 300;
    const a = Float64Array.from({ length: m * m }, () => rng.normal());
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) a[i * m + j] = a[j * m + i];
    const t0 = performance.now();
    eigh(a, m, { vectors: true });
    exactMs = (performance.now() - t0) * (d / m) ** 3;
  }

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
