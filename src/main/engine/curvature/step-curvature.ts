// The curvature of one training step behind one interface, whichever spectrum.method computed it: the exact
// spectrum (DESIGN §2) or the estimate from Hessian-vector products (DESIGN §6). It is what the experiment asks of
// a step: the float64 loss and gradient, the metrics, the eigenvalues CGD may prune and the projected gradient, the
// Hessian as an operator and the pruned basis for the Lyapunov Jacobian, the top eigenvector for the replicas, and
// the frame the store keeps.
import type { CgdConfig, SpectrumConfig } from '../../../shared/config';
import type { EstimatedSpectrumFrame, SpectrumFrame } from '../../../shared/frames';
import type { LinearMap } from '../linalg/linear-map';
import { estimatedMetrics } from '../metrics/estimated';
import { spectralMetrics, type Metrics } from '../metrics/spectral';
import type { ModelSpec } from '../models/spec';
import { cgdFixedBasis, cgdUpdate } from '../optim/cgd';
import type { Rng } from '../rng';
import { estimatedFrame, estimateSpectrum, prunedBasis } from './estimated-spectrum';
import { exactStep, type LossGrad } from './exact';
import { hessianOperator } from './hvp';
import { hessianVectors } from './reduced';
import { HessianSpectrum } from './spectrum';

export interface Batch {
  x: Float64Array;
  y: Uint8Array;
  size: number;
}

export interface StepCurvature {
  /** The exact spectrum (spectrum.method 'exact'), else null. */
  spectrum: HessianSpectrum | null;
  /** Float64 loss, correct count and gradient of the batch. */
  lossGrad: LossGrad;
  /** The eigenvalues computed at this step (the ones CGD chooses from) and the null tolerance τ. */
  values: Float64Array;
  tau: number;
  metrics(g: Float64Array, lr: number, extremes: number): Metrics;
  /** The orthonormal eigenvectors of `pruned` (indices into values), vector j at j*n. */
  prunedBasis(pruned: number[]): Float64Array;
  /** CGD's g′ = g − V_P V_Pᵀ g with noise and mix (optim/cgd.ts). */
  project(g: Float64Array, pruned: number[], cfg: CgdConfig, rng: Rng): Float64Array;
  /** H applied to k vectors. */
  hessian: LinearMap;
  /** The unit eigenvector of λ_max. */
  topVector(): Float64Array;
  spectrumFrame(step: number): SpectrumFrame | null;
  estimatedFrame(step: number): EstimatedSpectrumFrame | null;
}

export interface CurvatureOptions {
  lr: number;
  /** Seed of the estimate's random starts and probes (estimated-spectrum.ts spectrumSeed). */
  seed: number;
  /** Also the SLQ density (estimates only; a replica's CGD needs the extremes alone). */
  density: boolean;
}

/** The curvature of the batch at θ by spectrum.method. */
export function stepCurvature(spec: ModelSpec, theta: Float64Array, b: Batch, cfg: SpectrumConfig, o: CurvatureOptions): StepCurvature {
  return cfg.method === 'exact' ? exactCurvature(spec, theta, b, cfg.nullTol) : estimatedCurvature(spec, theta, b, cfg, o);
}

function exactCurvature(spec: ModelSpec, theta: Float64Array, b: Batch, nullTol: number | null): StepCurvature {
  const exact = exactStep(spec, theta, b.x, b.y, b.size);
  const s = new HessianSpectrum(exact, { nullTol });
  const full = (i: number): Float64Array => exact.basis.fromReduced(s.vector(i));
  return {
    spectrum: s,
    lossGrad: exact,
    get values() {
      return s.values;
    },
    get tau() {
      return s.tau;
    },
    metrics: (g, lr, extremes) => spectralMetrics(s, g, lr, extremes),
    prunedBasis: (pruned) => {
      const reduced = s.vectors(pruned);
      const out = new Float64Array(pruned.length * s.n);
      pruned.forEach((_, j) => out.set(exact.basis.fromReduced(reduced.subarray(j * s.m, (j + 1) * s.m)), j * s.n));
      return out;
    },
    project: (g, pruned, cfg, rng) => cgdUpdate(s, pruned, g, cfg, rng).update,
    hessian: (v, k) => hessianVectors(exact, v, k),
    topVector: () => full(s.m - 1),
    spectrumFrame: (step) => s.frame(step),
    estimatedFrame: () => null,
  };
}

function estimatedCurvature(
  spec: ModelSpec,
  theta: Float64Array,
  b: Batch,
  cfg: Extract<SpectrumConfig, { method: 'lanczos' }>,
  o: CurvatureOptions,
): StepCurvature {
  const op = hessianOperator(spec, theta, b.x, b.y, b.size);
  const est = estimateSpectrum(op.apply, op.n, cfg, o);
  const n = op.n;
  return {
    spectrum: null,
    lossGrad: op,
    values: est.values,
    tau: est.tau,
    metrics: (g, _lr, extremes) => estimatedMetrics(est, op.apply, g, extremes),
    prunedBasis: (pruned) => prunedBasis(est, pruned),
    project: (g, pruned, cfg, rng) => {
      const basis = prunedBasis(est, pruned);
      return cgdFixedBasis(
        pruned.map((_, j) => basis.subarray(j * n, (j + 1) * n)),
        g,
        cfg,
        rng,
      ).update;
    },
    hessian: op.apply,
    topVector: () => est.extremes.top.vectors.subarray(0, n),
    spectrumFrame: () => null,
    estimatedFrame: (step) => estimatedFrame(est, step),
  };
}
