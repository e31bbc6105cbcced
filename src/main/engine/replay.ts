// A stored run's trajectory, re-run without writing anything (DESIGN §7). The Experiment is
// bitwise deterministic, so replaying it from its config — or from a stored checkpoint, for a later window —
// retraces the run; every replayed step's loss is compared bit for bit with the stored one, and a difference stops
// the replay by name. The per-step maps J_t come to a visitor in forward order, or in reverse order. When the maps
// of the whole window fit in the memory budget, the first sweep keeps them and later sweeps replay nothing.
// Otherwise a backward sweep goes one segment at a time: the forward sweep leaves in-memory checkpoints every S
// steps, and a backward sweep re-runs one segment, holds its maps and hands them out last first. Memory then
// ≤ ⌈T/S⌉·(one checkpoint) + S·(one step's map factors); S = √(T·checkpoint/map) minimises it, ≈ 2√(T·checkpoint·map).
import type { RunConfig } from '../../shared/config';
import { defaultSection } from '../../shared/config';
import { QR_START_RESULT, checkQrStart } from './chaos/qr-start';
import type { StepMap } from './chaos/step-map';
import { Experiment, replicasShareReferenceRng } from './experiment';
import { prepareExperiment } from './runner';
import type { Checkpoint, RunLibrary, StoredRun } from './sink';
import type { TfModel } from './tensor/tf-model';

export interface ReplayWindow {
  /** First step of the window (default 0): the vectors live at the state before it. */
  from?: number;
  /** Number of steps after which the window ends (default: every logged step). */
  to?: number;
  /** Steps per segment (default: the memory-minimising S). */
  segment?: number;
  /** Also run the QR method on this many vectors from the run's own start (the final frame), or null. */
  qrVectors?: number | 'all' | null;
  /** Keep every map of the window in memory when they take at most this many bytes (default 512 MiB). */
  budget?: number;
}

export const DEFAULT_REPLAY_BUDGET = 512 * 2 ** 20;

export interface ReplayMemory {
  /** Every map of the window held after the first sweep (no further replay). */
  cached: boolean;
  segment: number;
  segments: number;
  /** Bytes of the in-memory checkpoints (one per segment). */
  checkpointBytes: number;
  /** Most bytes of step maps held at once (the whole window when cached, else one segment). */
  peakMapBytes: number;
}

/** The config a replay runs: same trajectory; no test evaluation, spectrum (hence J_t) at every step. */
function replayConfig(config: RunConfig, qrVectors: number | 'all' | null): RunConfig {
  return {
    ...config,
    data: { ...config.data, testEvery: 0 },
    spectrum: { ...config.spectrum, every: 1 },
    lyapunov:
      qrVectors === null
        ? null
        : { ...(config.lyapunov ?? defaultSection('lyapunov')), k: qrVectors, saveAt: [], saveAtEpochs: [], subsimAt: [], explicitSteps: 0 },
    replicas: replicasShareReferenceRng(config) ? config.replicas : null,
  };
}

const cpBytes = (cp: Checkpoint): number => Object.values(cp.blobs).reduce((s, b) => s + b.byteLength, 0);

export class Replay {
  readonly from: number;
  readonly to: number;
  private segment: number;
  private readonly marks: Checkpoint[];
  /** The maps of the segment the last forward sweep ended in (reused by the next backward sweep). */
  private held: StepMap[] | null = null;
  /** Every map of the window, when they fit in the budget. */
  private cache: StepMap[] | null = null;
  private swept = false;
  private peakMapBytes = 0;

  private constructor(
    readonly run: StoredRun,
    readonly exp: Experiment,
    private readonly tf: TfModel | null,
    private readonly backend: string,
    private readonly storedLoss: Map<number, number>,
    window: { from: number; to: number; segment: number },
    private readonly budget: number,
  ) {
    this.from = window.from;
    this.to = window.to;
    this.segment = window.segment;
    this.marks = [];
  }

  /** Open a stored run for replay over steps [from, to): positions it at `from` (checking every step on the way). */
  static async open(library: RunLibrary, id: string, window: ReplayWindow, log: (s: string) => void): Promise<Replay> {
    const run = library.find(id);
    const last = run.lastStep + 1;
    const from = window.from ?? 0;
    const to = window.to ?? last;
    if (!Number.isInteger(from) || from < 0) throw new Error(`replay: the window start must be a step ≥ 0, got ${from}`);
    if (!Number.isInteger(to) || to <= from || to > last)
      throw new Error(`replay: run ${run.id} logged steps 0…${run.lastStep}; a window [${from}, ${to}) must end after its start and at most at ${last}`);
    if (window.qrVectors != null && from > 0) throw new Error('replay: the QR (final-frame) vectors start at step 0; a later window has none');
    const segment = window.segment ?? 0;
    if (!Number.isInteger(segment) || segment < 0) throw new Error(`replay: segment must be a positive number of steps, got ${segment}`);
    const loss = library.series(run.id, 'loss');
    const storedLoss = new Map<number, number>();
    loss.steps.forEach((s, i) => storedLoss.set(s, loss.values[i]));
    const { experiment, env, tf, startRecord } = await prepareExperiment(replayConfig(run.config, window.qrVectors ?? null), library, log, { mapsOnly: true });
    const replay = new Replay(run, experiment, tf, env.backend, storedLoss, { from, to, segment }, window.budget ?? DEFAULT_REPLAY_BUDGET);
    try {
      if (startRecord) checkQrStart(library.result(run.id, QR_START_RESULT), startRecord);
      const cp = from > 0 ? library.checkpointAtOrBefore(run.id, from) : null;
      if (cp) {
        experiment.restore(cp);
        log(`replay: from the stored checkpoint at step ${cp.step}`);
      }
      while (experiment.step < from) replay.advance();
      replay.marks.push(experiment.checkpoint(0));
    } catch (e) {
      replay.dispose();
      throw e;
    }
    return replay;
  }

  get steps(): number {
    return this.to - this.from;
  }

  /** Dimension of the maps: n, or 2n with momentum. */
  get dim(): number {
    return (this.run.config.train.momentum > 0 ? 2 : 1) * this.exp.theta.length;
  }

  /** One step of the experiment, checked against the stored loss; its map. */
  private advance(): StepMap {
    const out = this.exp.next();
    const { step } = out.metrics;
    const loss = out.metrics.values.loss;
    const stored = this.storedLoss.get(step);
    if (stored === undefined) throw new Error(`replay of run ${this.run.id}: step ${step} has no stored loss to check against`);
    if (!Object.is(loss, stored))
      throw new Error(
        `replay of run ${this.run.id} does not reproduce it: at step ${step} the loss is ${loss}, stored ${stored}. ` +
          `The run was recorded on TF.js backend '${this.run.env.backend}' with ${this.run.env.lapack}; this replay runs on '${this.backend}'.`,
      );
    if (!out.map) throw new Error(`replay of run ${this.run.id}: no spectrum at step ${step}`);
    return out.map;
  }

  private segmentLength(first: StepMap): number {
    if (this.segment > 0) return this.segment;
    return Math.max(1, Math.min(this.steps, Math.round(Math.sqrt((this.steps * cpBytes(this.marks[0])) / Math.max(1, first.bytes)))));
  }

  /**
   * Steps from → to in order. The first sweep leaves a checkpoint at every segment start and keeps all the maps
   * while they fit in the budget.
   */
  forward(visit: (step: number, map: StepMap) => void): void {
    if (this.cache) {
      this.cache.forEach((map, i) => visit(this.from + i, map));
      return;
    }
    this.exp.restore(this.marks[0]);
    this.held = null;
    let all: StepMap[] | null = this.swept ? null : [];
    let allBytes = 0;
    let current: StepMap[] = [];
    let bytes = 0;
    for (let t = this.from; t < this.to; t++) {
      const i = t - this.from;
      if (this.segment > 0 && i > 0 && i % this.segment === 0) {
        if (this.marks.length === i / this.segment) this.marks.push(this.exp.checkpoint(0));
        current = [];
        bytes = 0;
      }
      const map = this.advance();
      // A map's factors may grow when visited (J⁻¹ makes the eigendecomposition): counted after the visit.
      visit(t, map);
      if (this.segment === 0) this.segment = this.segmentLength(map);
      current.push(map);
      bytes += map.bytes;
      if (all) {
        all.push(map);
        allBytes += map.bytes;
        if (allBytes > this.budget) all = null;
      }
      this.peakMapBytes = Math.max(this.peakMapBytes, all ? allBytes : bytes);
    }
    this.swept = true;
    this.held = current;
    this.cache = all;
  }

  /** Steps to − 1 → from: from the cache, else replaying one segment at a time from the forward sweep's checkpoints. */
  backward(visit: (step: number, map: StepMap) => void): void {
    if (!this.swept) this.forward(() => {});
    if (this.cache) {
      for (let i = this.cache.length - 1; i >= 0; i--) visit(this.from + i, this.cache[i]);
      return;
    }
    const S = this.segment;
    for (let seg = Math.ceil(this.steps / S) - 1; seg >= 0; seg--) {
      const start = this.from + seg * S;
      const len = Math.min(S, this.to - start);
      let maps = seg === Math.ceil(this.steps / S) - 1 ? this.held : null;
      this.held = null;
      if (!maps) {
        this.exp.restore(this.marks[seg]);
        maps = [];
        for (let i = 0; i < len; i++) maps.push(this.advance());
      }
      for (let i = len - 1; i >= 0; i--) visit(start + i, maps[i]);
      this.peakMapBytes = Math.max(
        this.peakMapBytes,
        maps.reduce((b, m) => b + m.bytes, 0),
      );
    }
  }

  memory(): ReplayMemory {
    return {
      cached: this.cache !== null,
      segment: this.segment,
      segments: this.segment > 0 ? Math.ceil(this.steps / this.segment) : 0,
      checkpointBytes: this.marks.reduce((s, cp) => s + cpBytes(cp), 0),
      peakMapBytes: this.peakMapBytes,
    };
  }

  dispose(): void {
    this.tf?.dispose();
  }
}
