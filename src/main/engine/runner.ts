// Runs an experiment end to end: loads data and files, records the environment, steps the Experiment,
// streams frames to hooks, writes everything to a RunSink (sink.ts), checkpoints, and resumes. Used by the CLI
// and by the app's worker threads alike. No Electron and no storage here: the caller passes a RunLibrary.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import { pathAt, type ReplicaConfig, type RunConfig } from '../../shared/config';
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, RunEnvironment, RunStatus, SpectrumFrame } from '../../shared/frames';
import { notContinuable } from '../../shared/frames';
import type { Progress } from '../../shared/records';
import { APP_VERSION } from '../../shared/version';
import { divergenceAnalysis, replicaLabels } from '../../shared/math/divergence';
import { sharpnessSummary, sharpnessText } from '../../shared/math/sharpness';
import type { LyapunovBasis } from './chaos/perturb';
import { QR_START_RESULT, checkQrStart, qrShape, qrStartRecord, readQrStart } from './chaos/qr-start';
import { loadData } from './data';
import { parseBatchOrder } from './data/sampler';
import { Experiment } from './experiment';
import { linalgInfo } from './linalg/lapack';
import { lyapunovVectors, VectorsRequestError } from './lyapunov-vectors';
import { jsonBound, parseJson, readInputText } from './input-files';
import { checkMemory } from './memory';
import { initParams, modelSpec, parseParams } from './models/spec';
import { parseBasis } from './optim/cgd';
import type { RunLibrary, RunSink, StoredRun } from './sink';
import { initBackend } from './tensor/backend';
import { TfModel } from './tensor/tf-model';

export interface RunHooks {
  started?(info: { runId: string; env: RunEnvironment; totalSteps: number }): void;
  metrics?(f: MetricFrame): void;
  spectrum?(f: SpectrumFrame): void;
  estimated?(f: EstimatedSpectrumFrame): void;
  lyapunov?(f: LyapunovFrame): void;
  replicas?(f: ReplicaFrame): void;
  log?(line: string): void;
  progress?(p: Progress): void;
}

/** Pause, resume and cancel a run from outside its loop (checked between steps). */
export class RunControl {
  private current: 'running' | 'paused' | 'cancelled' = 'running';
  private wake: (() => void) | null = null;

  get state(): 'running' | 'paused' | 'cancelled' {
    return this.current;
  }
  pause(): void {
    if (this.current === 'running') this.current = 'paused';
  }
  resume(): void {
    if (this.current === 'paused') this.current = 'running';
    this.wake?.();
  }
  cancel(): void {
    this.current = 'cancelled';
    this.wake?.();
  }
  /** Resolves when the run may continue (immediately unless paused). */
  async gate(): Promise<void> {
    while (this.current === 'paused') await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
  }
}

export interface RunOptions {
  /** Where the run is kept; closed when the run ends. */
  library: RunLibrary;
  /** Resume this run from its latest checkpoint instead of starting a new one (config is taken from the store). */
  resumeId?: string;
  control?: RunControl;
  hooks?: RunHooks;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  steps: number;
  error: string | null;
}

function machineFacts(): string {
  const cpus = os.cpus();
  return `${os.hostname()} · ${os.platform()} ${os.release()} · ${cpus[0]?.model ?? 'cpu'} ×${cpus.length} · ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}

/** Half-sweeps allowed when a replica run computes its source's initial-frame vectors (DESIGN §7: short windows and
 *  crowded exponents converge slowly; a vector that has not converged is refused, not used). */
const SOURCE_HALF_SWEEPS = 80;

/** The θ half of k saved vectors of dimension ≥ n (with momentum they live in (θ, b)-space). */
function parameterHalf(saved: { k: number; n: number; data: Float64Array }, n: number): Float64Array {
  const vectors = new Float64Array(saved.k * n);
  for (let j = 0; j < saved.k; j++) vectors.set(saved.data.subarray(j * saved.n, j * saved.n + n), j * n);
  return vectors;
}

/**
 * The Lyapunov vectors the replica strategies perturb along: a JSON file {exponents, vectors}, or a run id (or
 * prefix) in this database. A run's frame is its `lyapunov.frame` (DESIGN §7): 'initial' (also for a run without a
 * lyapunov section) — the initial-frame top vectors (for the chaos strategies) and bottom vectors (convergence)
 * over its steps 0…S−1, read when saved, else computed by replay and saved with it; 'final' — the QR vectors it
 * saved at S. S = replicas.lyapunovStep, else the latest (final) or every logged step (initial).
 */
async function lyapunovSource(replicas: ReplicaConfig, library: RunLibrary, n: number, log: (s: string) => void): Promise<LyapunovBasis> {
  const source = replicas.lyapunovSource as string;
  const step = replicas.lyapunovStep;
  if (existsSync(source)) {
    if (step !== null) throw new Error(`replicas.lyapunovStep: picks among a run's saved vectors; ${source} is a file, so leave it empty`);
    // k ≤ 2n vectors (momentum: (θ, b)-space) of n numbers.
    const v = parseJson(readInputText(source, 'replicas.lyapunovSource', jsonBound(2 * n * n)), source) as { exponents?: number[]; vectors?: number[][] };
    if (!Array.isArray(v.exponents) || !Array.isArray(v.vectors) || v.vectors.some((r) => !Array.isArray(r) || r.length !== n))
      throw new Error(`replicas.lyapunovSource: ${source} must hold {"exponents": [...], "vectors": [[${n} numbers], ...]}`);
    const vectors = new Float64Array(v.vectors.length * n);
    v.vectors.forEach((r, j) => vectors.set(r, j * n));
    return { exponents: Float64Array.from(v.exponents), vectors };
  }
  const run = library.find(source);
  if (run.env.nParams !== n) throw new Error(`replicas.lyapunovSource: run ${run.id} has ${run.env.nParams} parameters, the model has ${n}`);
  if ((run.config.lyapunov?.frame ?? 'initial') === 'initial') {
    const strategies = replicaLabels(replicas).map((l) => l.strategy);
    const which = (['top', 'bottom'] as const).filter((w) => strategies.some((s) => s.endsWith(w === 'top' ? '_chaos' : '_convergence')));
    const parts = [];
    for (const w of which) {
      try {
        const v = await lyapunovVectors(library, run.id, { frame: 'initial', which: w, step, maxHalfSweeps: SOURCE_HALF_SWEEPS }, log);
        // The max strategies use the first vector: it must have settled. The random combinations use them all; the last
        // of a crowded block may still turn within it (DESIGN §7), which is logged, not refused.
        const changes = v.record?.changes ?? [];
        if (v.record && v.record.converged === false) {
          const tol = v.record.tol ?? 0;
          if (!(changes[0] <= tol))
            throw new Error(
              `did not converge in ${v.record.halfSweeps} half-sweeps (the leading vector still moved by ${changes[0].toExponential(2)} > tol ${tol}); ` +
                `go on from the saved ones with \`lab lyapunov-vectors ${run.id}${w === 'bottom' ? ' --bottom' : ''} --continue --max-half-sweeps H\``,
            );
          log(
            `WARNING: initial-frame ${w} vectors of run ${run.id}: the leading vector converged, but vectors ${changes.findIndex((c) => c > tol) + 1}… still moved by up to ` +
              `${Math.max(...changes).toExponential(2)} > tol ${tol} in the last of ${v.record.halfSweeps} half-sweeps; the random combinations use them as they are`,
          );
        }
        parts.push(v);
      } catch (e) {
        const field = e instanceof VectorsRequestError && e.field === 'step' ? 'replicas.lyapunovStep' : 'replicas.lyapunovSource';
        throw new Error(`${field}: initial-frame ${w} vectors of run ${run.id}: ${(e as Error).message}`, { cause: e });
      }
    }
    // Top and bottom together: the chaos strategies take the positive exponents, the convergence ones the negative.
    const exponents = new Float64Array(parts.reduce((s, p) => s + p.k, 0));
    const vectors = new Float64Array(exponents.length * n);
    let j = 0;
    for (const p of parts) {
      exponents.set(p.exponents, j);
      vectors.set(parameterHalf({ k: p.k, n: p.dim, data: p.vectors }, n), j * n);
      j += p.k;
    }
    return { exponents, vectors };
  }
  const { saved, steps, runId } = library.vectors(run.id, 'lyapunov', step);
  if (!saved) {
    if (!steps.length) throw new Error(`replicas.lyapunovSource: run ${runId} has no saved Lyapunov vectors (run it with a lyapunov section)`);
    throw new Error(`replicas.lyapunovStep: run ${runId} saved Lyapunov vectors at steps ${steps.join(', ')}, not at ${step}`);
  }
  if (saved.n < n) throw new Error(`replicas.lyapunovSource: saved vectors have dimension ${saved.n}, the model has ${n} parameters`);
  return { exponents: saved.values, vectors: parameterHalf(saved, n) };
}

/**
 * Build the experiment from a config: every file it names is read and validated here, errors name the field.
 * The TF.js model is created when the config trains in float32 or evaluates the test set; the caller disposes it.
 */
export async function prepareExperiment(config: RunConfig, library: RunLibrary, log: (s: string) => void, opts: { mapsOnly?: boolean } = {}) {
  // Before anything is allocated: a config that cannot fit fails naming the field to change.
  checkMemory(config);
  const spec = modelSpec(config.model, config.data.imageSide);
  const t0 = performance.now();
  const data = loadData(config.data);
  log(`data: ${data.train.count} train / ${data.test.count} test from ${data.train.source} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const { train, cgd, replicas } = config;
  // Each file is read with a bound on what it can hold: n numbers, a basis of at most n vectors, an order of at most
  // every sample every epoch (or B indices per step).
  const read = (file: string, field: string, numbers: number): string => readInputText(file, field, jsonBound(numbers));
  const theta0 = train.initParamsFile
    ? parseParams(read(train.initParamsFile, 'train.initParamsFile', spec.n), train.initParamsFile, spec.n)
    : initParams(spec, config.seed);
  const orderSize = Math.max(data.train.count * train.epochs, (train.steps ?? 0) * train.batchSize);
  const order = train.batchOrderFile
    ? parseBatchOrder(read(train.batchOrderFile, 'train.batchOrderFile', orderSize), train.batchOrderFile, data.train.count)
    : null;
  const cgdBasis = cgd?.basisFile ? parseBasis(read(cgd.basisFile, 'cgd.basisFile', spec.n * spec.n), `cgd.basisFile: ${cgd.basisFile}`, spec.n, cgd.k) : null;
  const startFile = pathAt(config, 'lyapunov.start');
  const qr = qrShape(config, spec.n);
  const lyapStart = startFile && qr ? readQrStart(startFile, qr) : null;
  const startRecord = startFile && lyapStart ? qrStartRecord(startFile, lyapStart) : null;
  const direction = replicas?.directionFile
    ? parseParams(read(replicas.directionFile, 'replicas.directionFile', spec.n), replicas.directionFile, spec.n)
    : null;
  const lyapSource = replicas?.lyapunovSource ? await lyapunovSource(replicas, library, spec.n, log) : null;
  const backend = await initBackend();
  const tf = train.precision === 'float32' || config.data.testEvery > 0 ? new TfModel(spec) : null;
  const la = linalgInfo();
  const experiment = new Experiment({ config, spec, data, theta0, tf, order, cgdBasis, lyapStart, lyapSource, direction, mapsOnly: opts.mapsOnly });
  const env: RunEnvironment = {
    appVersion: APP_VERSION,
    backend: backend.name,
    backendNotes: backend.notes,
    lapack: la.detail + (la.warning ? ` — ${la.warning}` : ''),
    machine: machineFacts(),
    nParams: spec.n,
    totalSteps: experiment.totalSteps,
  };
  return { experiment, env, tf, la, startRecord };
}

/** Run `config`, or with opts.resumeId (config null) resume a stored run with its stored config. */
export async function runExperiment(configIn: RunConfig | null, opts: RunOptions): Promise<RunResult> {
  const { library } = opts;
  const hooks = opts.hooks ?? {};
  const log = (s: string): void => hooks.log?.(s);
  const control = opts.control ?? new RunControl();
  let prepared: Awaited<ReturnType<typeof prepareExperiment>>;
  let resumed: StoredRun | null;
  let config: RunConfig;
  try {
    resumed = opts.resumeId ? library.find(opts.resumeId, { toContinue: true }) : null;
    const refused = resumed && notContinuable(resumed.id, resumed.status);
    if (refused) throw new Error(refused);
    const c = resumed ? resumed.config : configIn;
    if (!c) throw new Error('runExperiment needs a config or a resumeId');
    config = c;
    prepared = await prepareExperiment(config, library, log);
    const { startRecord, tf } = prepared;
    if (resumed && startRecord)
      try {
        checkQrStart(library.result(resumed.id, QR_START_RESULT), startRecord);
      } catch (e) {
        tf?.dispose();
        throw e;
      }
  } catch (e) {
    library.close();
    throw e;
  }
  const { experiment: exp, env, tf, la } = prepared;
  let sink: RunSink;
  let wallOffset = 0;
  try {
    if (resumed) {
      const cp = resumed.checkpoint;
      sink = library.claim(resumed.id, cp?.step ?? 0);
      if (cp) wallOffset = exp.restore(cp).wall;
      // Steps logged after the checkpoint (0-based metric steps ≥ its step) are dropped by the claim and run again.
      const redo = Math.max(0, resumed.lastStep - exp.step + 1);
      log(`resuming run ${resumed.id} at step ${exp.step} (${redo} recorded step${redo === 1 ? '' : 's'} will be recomputed)`);
    } else {
      sink = library.create(config, env);
      if (prepared.startRecord) sink.saveResult(QR_START_RESULT, prepared.startRecord);
    }
  } catch (e) {
    tf?.dispose();
    library.close();
    throw e;
  }
  const runId = sink.runId;
  if (la.warning) log(`WARNING: ${la.warning}`);
  for (const note of env.backendNotes) log(`backend: ${note}`);
  log(`backend: ${env.backend}; linear algebra: ${la.detail}`);

  const total = exp.totalSteps;
  hooks.started?.({ runId, env, totalSteps: total });
  const startedAt = performance.now();
  const firstStep = exp.step;
  const wall = (): number => wallOffset + (performance.now() - startedAt) / 1000;
  const { checkpointEvery, lyapunov } = config;
  const saveLyapunovAt = new Set([...(lyapunov?.saveAt ?? []), ...(lyapunov?.saveAtEpochs ?? []).map((e) => e * exp.stepsPerEpoch)]);
  let status: RunStatus = 'finished';
  let error: string | null = null;
  let lastYield = performance.now();
  const saveLyapunov = (): void => {
    const s = exp.lyapunovState();
    if (s) sink.saveVectors('lyapunov', { step: exp.step, k: s.k, n: s.dim, values: s.exponents, data: s.vectors });
  };
  /** Full-batch GD: the sharpness λ_max against 2/η over the whole run (edge of stability, shared/math/sharpness.ts). */
  const saveSharpness = (): void => {
    sink.flush();
    const s = library.series(runId, 'lambda_max');
    const summary = sharpnessSummary(s.steps, s.values, config.train.lr);
    if (!summary) return;
    sink.saveResult('sharpness', summary);
    log(sharpnessText(summary));
  };
  try {
    while (exp.step < total) {
      if (performance.now() - lastYield > 50) {
        // Let the event loop deliver pause/cancel messages (worker threads, signals).
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      await control.gate();
      if (control.state === 'cancelled') {
        status = 'cancelled';
        break;
      }
      const out = exp.next();
      out.metrics.wall = wall();
      sink.step(out);
      hooks.metrics?.(out.metrics);
      if (out.spectrum) hooks.spectrum?.(out.spectrum);
      if (out.estimated) hooks.estimated?.(out.estimated);
      if (out.lyapunov) hooks.lyapunov?.(out.lyapunov);
      if (out.replicas) hooks.replicas?.(out.replicas);
      if (out.diverged) {
        status = 'diverged';
        error = `non-finite loss or parameters at step ${out.metrics.step}`;
        break;
      }
      if (saveLyapunovAt.has(exp.step)) saveLyapunov();
      if (checkpointEvery > 0 && exp.step % checkpointEvery === 0 && exp.step < total) sink.checkpoint(exp.checkpoint(wall()));
      const rate = (exp.step - firstStep) / Math.max(1e-9, (performance.now() - startedAt) / 1000);
      hooks.progress?.({ step: exp.step, total, stepsPerSec: rate, etaSec: (total - exp.step) / rate });
    }
  } catch (e) {
    status = 'failed';
    error = e instanceof Error ? e.message : String(e);
    log(`run failed at step ${exp.step}: ${error}`);
  }
  try {
    // A failed or diverged step may have left the state half-updated: keep the last good checkpoint then.
    if (status === 'finished' || status === 'cancelled') sink.checkpoint(exp.checkpoint(wall()));
    saveLyapunov();
    if (config.replicas) sink.saveResult('divergence', divergenceAnalysis(sink.replicaFrames(), replicaLabels(config.replicas)));
    if (config.train.mode === 'gd') saveSharpness();
  } catch (e) {
    error ??= `while saving results: ${e instanceof Error ? e.message : String(e)}`;
    if (status === 'finished') status = 'failed';
  }
  sink.finish(status, error);
  tf?.dispose();
  library.close();
  return { runId, status, steps: exp.step, error };
}
export { estimateCost } from './estimate';
