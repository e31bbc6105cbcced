// One experiment as a deterministic state machine: `next()` performs one training step of the reference
// model (and its replicas) and returns everything measured at that step. No I/O, no store, no Electron:
// the runner (runner.ts) feeds it data and persists what it returns; checkpoints capture its whole state.
import type { RunConfig } from '../../shared/config';
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, SpectrumFrame } from '../../shared/frames';
import type { DataSplit } from './data/dataset';
import { BatchSampler, gatherBatch } from './data/sampler';
import type { ModelSpec } from './models/spec';
import { Rng } from './rng';
import type { TfModel } from './tensor/tf-model';
import { exactLossGrad, type LossGrad } from './curvature/exact';
import { spectrumSeed } from './curvature/estimated-spectrum';
import { stepCurvature, type Batch, type StepCurvature } from './curvature/step-curvature';
import { cgdFixedBasis, selectPruned } from './optim/cgd';
import { sgdStep, type OptimState } from './optim/sgd';
import { cosine, norm, type Metrics } from './metrics/spectral';
import { LyapunovQR, gramExponents, stepJacobian } from './chaos/lyapunov';
import { qrShape, qrStart } from './chaos/qr-start';
import { stepMap, type StepMap } from './chaos/step-map';
import type { LinearMap } from './linalg/linear-map';
import { perturbation, type LyapunovBasis } from './chaos/perturb';
import type { Checkpoint } from './sink';
import { replicaLabels } from '../../shared/math/divergence';

export interface ExperimentInputs {
  config: RunConfig;
  spec: ModelSpec;
  data: DataSplit;
  theta0: Float64Array;
  /** TF.js model: float32 training gradients and test evaluation. */
  tf: TfModel | null;
  /** Explicit batch order (from a file), else seeded shuffling. */
  order: number[][] | null;
  /** Fixed global pruning basis (CGD basisFile). */
  cgdBasis: Float64Array[] | null;
  /** The QR method started from the lyapunov.start file (readQrStart), when it names one. */
  lyapStart: LyapunovQR | null;
  /** Saved Lyapunov vectors for the replica strategies that need them. */
  lyapSource: LyapunovBasis | null;
  /** Direction for replica strategy 'file'. */
  direction: Float64Array | null;
  /**
   * A replay's steps (replay.ts): the trajectory, the loss and J_t only — no spectral metrics, frames or log|det J|,
   * so that an SGD step makes no eigendecomposition (J = I − γH needs none).
   */
  mapsOnly?: boolean;
}

export interface StepOutput {
  metrics: MetricFrame;
  spectrum: SpectrumFrame | null;
  estimated: EstimatedSpectrumFrame | null;
  lyapunov: LyapunovFrame | null;
  replicas: ReplicaFrame | null;
  /** The step's linearised map J_t at θ_t, at steps with a spectrum. */
  map: StepMap | null;
  /** Non-finite loss or parameters: the run has diverged. */
  diverged: boolean;
}

interface Replica {
  eps: number;
  seed: number;
  state: OptimState;
}

/** Checkpoint blob of replica i's parameters (theta) or momentum buffer (buf). */
export const replicaBlob = (i: number, what: 'theta' | 'buf'): string => `replica${i}.${what}`;

/**
 * Replicas draw from the reference's CGD random streams (random pruning choice, pruning noise), so only then
 * does the reference trajectory depend on them; otherwise a replay may leave them out.
 */
export function replicasShareReferenceRng(config: RunConfig): boolean {
  const { cgd, replicas } = config;
  return replicas !== null && cgd !== null && (cgd.noise > 0 || (cgd.k !== null && cgd.select === 'random'));
}

export class Experiment {
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  step = 0;
  epoch = 0;
  private readonly sampler: BatchSampler;
  private readonly state: OptimState;
  private readonly pruneRng: Rng;
  private readonly noiseRng: Rng;
  private lyap: LyapunovQR | null;
  private readonly replicas: Replica[];
  private prevGrad: Float64Array | null = null;
  /** Σ log|det J_s| over the steps so far; null once a step had no spectrum (the sum is then incomplete). */
  private logdetSum: number | null = 0;
  private readonly mapsOnly: boolean;
  /** Y_t·Q₀ without re-orthonormalisation, for the explicit-product cross-check (lyapunov.explicitSteps). */
  private explicitY: Float64Array | null = null;
  /** The QR subspaces kept after the lyapunov.subsimAt steps (subspaceSimilarity). */
  private subsimRefs: Float64Array[] = [];
  private readonly float32: boolean;
  /** train.mode 'gd': the fixed full batch, gathered once. */
  private fullBatch: Batch | null = null;

  constructor(private readonly inp: ExperimentInputs) {
    const { config, data, theta0 } = inp;
    const { train } = config;
    this.sampler =
      train.mode === 'gd'
        ? BatchSampler.fullBatch(train.subset ?? data.train.count, data.train.count)
        : inp.order
          ? BatchSampler.fromOrder(inp.order, data.train.count)
          : new BatchSampler(data.train.count, train.batchSize, config.seed);
    const steps = train.steps ?? train.epochs * this.sampler.stepsPerEpoch;
    if (inp.order && steps > inp.order.length)
      throw new Error(`train.steps: ${steps} steps requested but the batch order file has ${inp.order.length} batches`);
    this.totalSteps = steps;
    this.stepsPerEpoch = this.sampler.stepsPerEpoch;
    this.float32 = train.precision === 'float32';
    this.mapsOnly = inp.mapsOnly ?? false;
    const round = this.float32 ? Math.fround : (v: number) => v;
    this.state = { theta: theta0.map(round), buf: null };
    this.pruneRng = new Rng(config.seed, 'prune');
    this.noiseRng = new Rng(config.seed, 'noise');
    const shape = qrShape(config, inp.spec.n);
    if (config.lyapunov && shape) {
      this.lyap = qrStart(config, shape, inp.lyapStart);
      if (config.lyapunov.explicitSteps > 0) this.explicitY = this.lyap.getState().q.slice();
    } else this.lyap = null;
    this.replicas = [];
    if (config.replicas) {
      const r = config.replicas;
      const directions = new Map<string, Float64Array>();
      for (const { eps, seed, strategy } of replicaLabels(r)) {
        let u = directions.get(`${strategy} ${seed}`);
        if (!u) {
          u = perturbation(strategy, inp.spec.n, new Rng(seed, 'perturb'), inp.lyapSource ?? undefined, inp.direction ?? undefined);
          directions.set(`${strategy} ${seed}`, u);
        }
        const theta = this.state.theta.map((v, i) => round(v + eps * u[i]));
        this.replicas.push({ eps, seed, state: { theta, buf: null } });
      }
    }
  }

  get theta(): Float64Array {
    return this.state.theta;
  }

  /**
   * The paper's subspace_sim: after each lyapunov.subsimAt step keep V = Q; at every later step ‖VᵀQ_t‖²_F/k
   * (1 for the same subspace; k/dim expected for random ones).
   */
  private subspaceSimilarity(step: number, values: Metrics): void {
    const lyap = this.lyap!;
    const at = this.inp.config.lyapunov?.subsimAt ?? [];
    if (!at.length) return;
    const { k, dim } = lyap;
    const q = lyap.getState().q;
    if (at.includes(step + 1)) this.subsimRefs.push(q.slice());
    this.subsimRefs.forEach((v, r) => {
      let s = 0;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          let d = 0;
          for (let l = 0; l < dim; l++) d += v[i * dim + l] * q[j * dim + l];
          s += d * d;
        }
      values[r === 0 ? 'lyap_subsim_1' : 'lyap_subsim_2'] = s / k;
    });
    values.lyap_subsim_random = k / dim;
  }

  lyapunovState(): { exponents: Float64Array; vectors: Float64Array; k: number; dim: number } | null {
    if (!this.lyap) return null;
    return { exponents: this.lyap.exponents(), vectors: this.lyap.vectors(), k: this.lyap.k, dim: this.lyap.dim };
  }

  private needsSpectrum(step: number): boolean {
    const { config } = this.inp;
    const every = config.spectrum.every;
    return (every > 0 && step % every === 0) || (config.cgd !== null && !config.cgd.basisFile) || config.lyapunov !== null;
  }

  /** Gradient for the update: TF.js in float32, the exact engine in float64 (the curvature's when it was computed). */
  private gradient(theta: Float64Array, b: Batch, curvature: StepCurvature | null): LossGrad {
    if (!this.float32) return curvature?.lossGrad ?? exactLossGrad(this.inp.spec, theta, b.x, b.y, b.size);
    if (!this.inp.tf) throw new Error('float32 training needs the TF.js model');
    return this.inp.tf.lossGrad(theta, b.x, b.y, b.size);
  }

  /** The step's curvature at θ (exact or estimated, spectrum.method), seeded by the run's seed and the step. */
  private curvature(theta: Float64Array, b: Batch, step: number, density: boolean): StepCurvature {
    const { config, spec } = this.inp;
    return stepCurvature(spec, theta, b, config.spectrum, { lr: config.train.lr, seed: spectrumSeed(config.seed, step), density });
  }

  /**
   * The gradient actually applied: CGD projection (the step's computed eigenpairs: their indices; a fixed basis: its
   * vectors) or plain.
   */
  private applied(g: Float64Array, curvature: StepCurvature | null, step: number): { update: Float64Array; pruned: number[]; fixed: Float64Array[] | null } {
    const { cgd, train } = this.inp.config;
    if (!cgd || step < cgd.start) return { update: g, pruned: [], fixed: null };
    if (cgd.basisFile) {
      const basis = this.inp.cgdBasis ?? [];
      return { update: cgdFixedBasis(basis, g, cgd, this.noiseRng).update, pruned: [], fixed: basis };
    }
    if (!curvature) throw new Error('CGD needs the spectrum at every step');
    const pruned = selectPruned(curvature.values, curvature.tau, cgd, train.lr, this.pruneRng);
    return { update: curvature.project(g, pruned, cgd, this.noiseRng), pruned, fixed: null };
  }

  /** This step's batch: the next minibatch, or under train.mode 'gd' the fixed subset. */
  private batch(): Batch & { epoch: number } {
    const next = this.sampler.next();
    if (this.inp.config.train.mode !== 'gd') return { ...gatherBatch(this.inp.data.train, next.indices), epoch: next.epoch };
    this.fullBatch ??= gatherBatch(this.inp.data.train, next.indices);
    return { ...this.fullBatch, epoch: next.epoch };
  }

  next(): StepOutput {
    const { config, data } = this.inp;
    const { lr, momentum } = config.train;
    const t0 = performance.now();
    const step = this.step;
    const batch = this.batch();
    this.epoch = batch.epoch;
    const { size } = batch;

    const curvature = this.needsSpectrum(step) ? this.curvature(this.state.theta, batch, step, true) : null;
    const lg = this.gradient(this.state.theta, batch, curvature);
    const g = lg.grad;
    const { update, pruned, fixed } = this.applied(g, curvature, step);
    const values: Metrics = {
      loss: lg.loss,
      acc: lg.correct / size,
      grad_norm: norm(g),
      update_norm: norm(update),
      pruned: fixed ? fixed.length : pruned.length,
    };
    if (this.prevGrad) values.cos_prev_grad = cosine(g, this.prevGrad);
    this.prevGrad = g;
    if (curvature && !this.mapsOnly) Object.assign(values, curvature.metrics(g, lr, config.spectrum.extremes));

    // The step's map J_t at θ_t (DESIGN §2, §7). With the exact spectrum: its exact log|det| every step, whose running
    // mean is the sum of all n (2n with momentum) Lyapunov exponents, and the QR method's deviation vectors; with an
    // estimated spectrum only J itself, through H as an operator.
    const spectrum = curvature?.spectrum ?? null;
    const map = spectrum ? stepMap({ spectrum, lr, momentum, pruned, mix: config.cgd?.mix ?? 1, fixedBasis: fixed, step }) : null;
    if (this.mapsOnly) this.logdetSum = null;
    else if (map) {
      values.logdet_j = map.logAbsDet;
      if (this.logdetSum !== null) {
        this.logdetSum += map.logAbsDet;
        values.lyap_sum_all = this.logdetSum / (step + 1);
      }
    } else this.logdetSum = null;
    let lyapunov: LyapunovFrame | null = null;
    if (this.lyap && curvature) {
      const J = map ? map.forward : this.jacobian(curvature, pruned);
      this.lyap.step(J);
      const ex = this.lyap.exponents();
      lyapunov = { step, exponents: ex };
      values.lyap_max = ex[0];
      values.lyap_min = ex[ex.length - 1];
      values.lyap_sum = ex.reduce((s, v) => s + v, 0);
      values.lyap_npos = ex.filter((v) => v > 0).length;
      values.lyap_paper_max = Math.exp(2 * ex[0]);
      this.subspaceSimilarity(step, values);
      if (this.explicitY && step < (config.lyapunov?.explicitSteps ?? 0)) {
        const y = (this.explicitY = J(this.explicitY, this.lyap.k));
        const e = gramExponents(y, this.lyap.k, this.lyap.dim, step + 1);
        values.lyap_explicit_max = e[0];
        values.lyap_explicit_sum = e.reduce((s, v) => s + v, 0);
      }
    }

    // Replicas: same batch, same optimiser, in lock-step; measured before the update, like the reference.
    let replicas: ReplicaFrame | null = null;
    if (this.replicas.length) {
      const gHat = g.map((v) => v / (values.grad_norm || 1));
      const top = curvature ? curvature.topVector() : null;
      const R = this.replicas.length;
      replicas = { step, distances: new Float64Array(R), alongGrad: new Float64Array(R), alongTop: new Float64Array(R).fill(NaN) };
      const perStepBasis = config.cgd && !config.cgd.basisFile && step >= config.cgd.start;
      this.replicas.forEach((rep, r) => {
        const diff = rep.state.theta.map((v, i) => v - this.state.theta[i]);
        replicas!.distances[r] = norm(diff);
        replicas!.alongGrad[r] = Math.abs(diff.reduce((s, v, i) => s + v * gHat[i], 0));
        if (top) replicas!.alongTop[r] = Math.abs(diff.reduce((s, v, i) => s + v * top[i], 0));
        const repCurvature = perStepBasis ? this.curvature(rep.state.theta, batch, step, false) : null;
        const rg = this.gradient(rep.state.theta, batch, repCurvature);
        sgdStep(rep.state, this.applied(rg.grad, repCurvature, step).update, lr, momentum, this.float32);
      });
    }

    sgdStep(this.state, update, lr, momentum, this.float32);

    const testEvery = config.data.testEvery;
    if (this.inp.tf && testEvery > 0 && ((step + 1) % testEvery === 0 || step + 1 === this.totalSteps)) {
      const ev = this.inp.tf.evaluate(this.state.theta, data.test.x, data.test.y, data.test.count);
      values.test_loss = ev.loss;
      values.test_acc = ev.acc;
    }
    values.step_ms = performance.now() - t0;
    this.step++;
    const diverged = !Number.isFinite(lg.loss) || !this.state.theta.every(Number.isFinite);
    return {
      metrics: { step, epoch: batch.epoch, wall: 0, values },
      spectrum: this.mapsOnly ? null : (curvature?.spectrumFrame(step) ?? null),
      estimated: this.mapsOnly ? null : (curvature?.estimatedFrame(step) ?? null),
      lyapunov,
      replicas,
      map,
      diverged,
    };
  }

  /** Jacobian of this step's map from an estimated spectrum: I − γH (SGD), I − γPHP (CGD), or the 2n×2n momentum map, through H as an operator. */
  private jacobian(curvature: StepCurvature, pruned: number[]): LinearMap {
    const { lr, momentum } = this.inp.config.train;
    return stepJacobian(curvature.hessian, { lr, momentum, n: this.inp.spec.n, pruned: curvature.prunedBasis(pruned), mix: this.inp.config.cgd?.mix });
  }

  checkpoint(wall: number): Checkpoint {
    const blobs: Record<string, Float64Array> = { theta: this.state.theta.slice() };
    if (this.state.buf) blobs.buf = this.state.buf.slice();
    if (this.prevGrad) blobs.prevGrad = this.prevGrad.slice();
    this.replicas.forEach((r, i) => {
      blobs[replicaBlob(i, 'theta')] = r.state.theta.slice();
      if (r.state.buf) blobs[replicaBlob(i, 'buf')] = r.state.buf.slice();
    });
    let lyap: { t: number } | null = null;
    if (this.lyap) {
      const s = this.lyap.getState();
      blobs['lyap.sums'] = s.sums.slice();
      blobs['lyap.q'] = s.q.slice();
      lyap = { t: s.t };
    }
    if (this.explicitY) blobs['lyap.explicit'] = this.explicitY.slice();
    this.subsimRefs.forEach((v, r) => (blobs[`lyap.subsim${r}`] = v.slice()));
    return {
      step: this.step,
      state: {
        epoch: this.epoch,
        wall,
        sampler: this.sampler.getState(),
        prune: this.pruneRng.getState(),
        noise: this.noiseRng.getState(),
        lyap,
        logdet: this.logdetSum,
      },
      blobs,
    };
  }

  /** Restore from a checkpoint taken by checkpoint(); the following steps are bitwise those of an uninterrupted run. */
  restore(cp: Checkpoint): { wall: number } {
    const s = cp.state as {
      epoch: number;
      wall: number;
      sampler: unknown;
      prune: number[];
      noise: number[];
      lyap: { t: number } | null;
      logdet?: number | null;
    };
    this.step = cp.step;
    this.epoch = s.epoch;
    this.sampler.setState(s.sampler);
    this.pruneRng.setState(s.prune);
    this.noiseRng.setState(s.noise);
    this.state.theta.set(cp.blobs.theta);
    this.state.buf = cp.blobs.buf ? cp.blobs.buf.slice() : null;
    this.prevGrad = cp.blobs.prevGrad ? cp.blobs.prevGrad.slice() : null;
    // Checkpoints from before logdet_j was logged cannot continue its running sum.
    this.logdetSum = typeof s.logdet === 'number' ? s.logdet : null;
    this.replicas.forEach((r, i) => {
      r.state.theta.set(cp.blobs[replicaBlob(i, 'theta')]);
      const b = cp.blobs[replicaBlob(i, 'buf')];
      r.state.buf = b ? b.slice() : null;
    });
    if (this.lyap && s.lyap)
      this.lyap = LyapunovQR.fromState(this.lyap.dim, this.lyap.k, { t: s.lyap.t, sums: cp.blobs['lyap.sums'].slice(), q: cp.blobs['lyap.q'].slice() });
    if (cp.blobs['lyap.explicit']) this.explicitY = cp.blobs['lyap.explicit'].slice();
    this.subsimRefs = [0, 1].flatMap((r) => (cp.blobs[`lyap.subsim${r}`] ? [cp.blobs[`lyap.subsim${r}`].slice()] : []));
    return { wall: s.wall };
  }
}
