// Engine benchmarks, each against a baseline measured in the same run:
// - MLP per-step exact spectrum + CGD update (low-rank reduction) vs the dense path (5350×5350 H, LAPACK dsyevd);
// - CNN per-step exact spectrum + CGD update (structurally nonzero coordinates, implicit eigenvectors) vs the
//   dense path (all rows of H, dsyevd with every eigenvector);
// - top-32 Lyapunov exponents on top of the MLP spectrum;
// - replica throughput (1 reference + 5 replicas, no spectra) vs a single model;
// - peak RSS of an MLP run with a spectrum at every step (child process).
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultSection, validateConfig, type RunConfig } from '../src/shared/config';
import { cnnHessian } from '../src/main/engine/curvature/cnn-hessian';
import { exactStep } from '../src/main/engine/curvature/exact';
import { HessianSpectrum } from '../src/main/engine/curvature/spectrum';
import { loadUsps } from '../src/main/engine/data/usps';
import { BatchSampler, gatherBatch } from '../src/main/engine/data/sampler';
import { eigh, matmul } from '../src/main/engine/linalg/eigh';
import { setLinalgThreads, threadsFor } from '../src/main/engine/linalg/lapack';
import { initParams, modelSpec } from '../src/main/engine/models/spec';
import { cgdUpdate, selectPruned } from '../src/main/engine/optim/cgd';
import { LyapunovQR, batchHv, sgdJacobian } from '../src/main/engine/chaos/lyapunov';
import { hessianVector, hessianVectors, type ExactStep } from '../src/main/engine/curvature/reduced';
import { Rng } from '../src/main/engine/rng';
import { runExperiment } from '../src/main/engine/runner';
import { RunStore } from '../src/main/store/run-store';
import { StoreLibrary } from '../src/main/store/run-library';

export const USPS_DIR = process.env.CHAOSLAB_USPS ?? path.resolve(__dirname, '../../shared/data/usps');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn: () => void, reps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** The same exact Hessian assembled densely: H = U·Hr·Uᵀ as an n×n matrix. */
function denseHessian(step: ExactStep): Float64Array {
  const { n, m } = step.basis;
  const u = new Float64Array(n * m); // U, row-major n×m
  const e = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    e.fill(0);
    e[j] = 1;
    const col = step.basis.fromReduced(e);
    for (let i = 0; i < n; i++) u[i * m + j] = col[i];
  }
  const uh = matmul(u, step.hr, n, m, m);
  const ut = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ut[j * n + i] = u[i * m + j];
  return matmul(uh, ut, n, m, n);
}

const CGD = { ...defaultSection('cgd'), prune: 'neg' as const };

export async function benchEngine(opts: { dense: boolean }): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const data = loadUsps(USPS_DIR);
  const sampler = new BatchSampler(data.train.count, 8, 0);
  const batches = Array.from({ length: 40 }, () => gatherBatch(data.train, sampler.next().indices));

  // MLP: per-step exact spectrum (all eigenpairs) + CGD update, over 40 different real batches.
  const mlp = modelSpec({ kind: 'mlp', hidden: 20, activation: 'relu' });
  const th = initParams(mlp, 0);
  let bi = 0;
  let lastM = 0;
  const mlpStep = (): void => {
    const b = batches[bi++ % batches.length];
    const st = exactStep(mlp, th, b.x, b.y, b.size);
    const sp = new HessianSpectrum(st, { nullTol: null });
    cgdUpdate(sp, selectPruned(sp.values, sp.tau, CGD, 0.01, new Rng(0)), st.grad, CGD, new Rng(0));
    lastM = st.basis.m;
  };
  time(mlpStep, 5);
  const mlpMs = median(time(mlpStep, 40));
  out.mlp_step_ms = mlpMs;
  out.mlp_reduced_dim = lastM;
  console.log(
    `MLP 256-20-10 (n=${mlp.n}), batch 8: exact spectrum + CGD update  median ${mlpMs.toFixed(2)} ms/step (reduced dimension m=${lastM}; target ≤ 20 ms)`,
  );

  if (opts.dense) {
    const b = batches[0];
    const st = exactStep(mlp, th, b.x, b.y, b.size);
    const t0 = performance.now();
    const h = denseHessian(st);
    const t1 = performance.now();
    const dense = eigh(h, mlp.n, { vectors: true });
    const t2 = performance.now();
    const sp = new HessianSpectrum(st, { nullTol: null });
    const all = sp.allEigenvalues();
    let diff = 0;
    let maxAbs = 0;
    for (let i = 0; i < mlp.n; i++) {
      diff = Math.max(diff, Math.abs(all[i] - dense.values[i]));
      maxAbs = Math.max(maxAbs, Math.abs(all[i]));
    }
    const denseMs = t2 - t0;
    out.mlp_dense_step_ms = denseMs;
    out.mlp_speedup_vs_dense = denseMs / mlpMs;
    out.mlp_dense_vs_reduced_maxdiff_rel = diff / maxAbs;
    console.log(
      `  dense path: assemble 5350×5350 H ${(t1 - t0).toFixed(0)} ms + dsyevd ${(t2 - t1).toFixed(0)} ms = ${denseMs.toFixed(0)} ms  →  reduced path ${out.mlp_speedup_vs_dense.toFixed(0)}× faster (target ≥ 500×); eigenvalues agree to ${out.mlp_dense_vs_reduced_maxdiff_rel.toExponential(1)}·max|λ|`,
    );
  }

  // Top-32 Lyapunov exponents on top of the spectrum: J = I − γH applied to 32 vectors + QR.
  {
    const b = batches[1];
    const st = exactStep(mlp, th, b.x, b.y, b.size);
    const lyap = LyapunovQR.random(mlp.n, 32, new Rng(0));
    const n = st.basis.n;
    const hvk = (vectors: Float64Array, k: number): Float64Array => hessianVectors(st, vectors, k);
    const J = sgdJacobian(hvk, 0.01);
    time(() => lyap.step(J), 5);
    const ms = median(time(() => lyap.step(J), 40));
    const naive = sgdJacobian(
      batchHv((v) => hessianVector(st, v), n),
      0.01,
    );
    const msNaive = median(time(() => lyap.step(naive), 10));
    out.lyap32_ms = ms;
    console.log(
      `Lyapunov top-32 (QR method) on top of the MLP spectrum: ${ms.toFixed(2)} ms/step (target ≤ 15 ms); one-vector-at-a-time baseline ${msNaive.toFixed(2)} ms (${(msNaive / ms).toFixed(1)}×)`,
    );
  }

  // CNN: per-step exact spectrum + CGD update on the structurally nonzero coordinates, against the dense path
  // of before (all n rows of H, dsyevd with every eigenvector, explicit projection) on the same batches, interleaved.
  {
    const cnn = modelSpec({ kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' });
    const tc = initParams(cnn, 0);
    const n = cnn.n;
    const reduced = (b: (typeof batches)[number]): { values: Float64Array; m: number; hessMs: number } => {
      const t0 = performance.now();
      const st = exactStep(cnn, tc, b.x, b.y, b.size);
      const hessMs = performance.now() - t0;
      const sp = new HessianSpectrum(st, { nullTol: null });
      cgdUpdate(sp, selectPruned(sp.values, sp.tau, CGD, 0.01, new Rng(0)), st.grad, CGD, new Rng(0));
      return { values: sp.allEigenvalues(), m: st.basis.m, hessMs };
    };
    const dense = (b: (typeof batches)[number]): Float64Array => {
      const st = cnnHessian(cnn, tc, b.x, b.y, b.size, { dense: true });
      const { values, vectors } = eigh(st.hr, n, { vectors: true });
      const tau = n * Number.EPSILON * Math.max(-values[0], values[n - 1]);
      const update = st.grad.slice();
      for (let i = 0; i < n && values[i] < -tau; i++) {
        const v = vectors!.subarray(i * n, (i + 1) * n);
        let d = 0;
        for (let j = 0; j < n; j++) d += v[j] * st.grad[j];
        for (let j = 0; j < n; j++) update[j] -= d * v[j];
      }
      return values;
    };
    reduced(batches[0]);
    dense(batches[0]);
    // The reduced path on the thread budget (the CLI's; OpenBLAS in dsytrd/dstedc/dormtr) and on one thread, wall
    // and process CPU: CPU on one thread is the step's single-core work, close to its wall time on a quiet machine.
    const budget = threadsFor();
    const wall: Record<number, number[]> = { 1: [], [budget]: [] };
    const cpu: Record<number, number[]> = { 1: [], [budget]: [] };
    const denseMs: number[] = [];
    const hessMs: number[] = [];
    const dims: number[] = [];
    let diff = 0;
    const load0 = os.loadavg()[0];
    try {
      for (let k = 0; k < 12; k++) {
        const b = batches[k];
        let r: ReturnType<typeof reduced> | null = null;
        for (const threads of new Set([budget, 1])) {
          setLinalgThreads(threads);
          const t0 = performance.now();
          const c0 = process.cpuUsage();
          r = reduced(b);
          wall[threads].push(performance.now() - t0);
          const c1 = process.cpuUsage(c0);
          cpu[threads].push((c1.user + c1.system) / 1000);
          if (threads === budget) hessMs.push(r.hessMs);
        }
        dims.push(r!.m);
        setLinalgThreads(budget);
        const t0 = performance.now();
        const d = dense(b);
        denseMs.push(performance.now() - t0);
        const scale = Math.max(-d[0], d[n - 1]);
        for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(r!.values[i] - d[i]) / scale);
      }
    } finally {
      setLinalgThreads(budget);
    }
    out.cnn_step_ms = median(wall[budget]);
    out.cnn_step_cpu_ms = median(cpu[budget]);
    out.cnn_step_1thread_ms = median(wall[1]);
    out.cnn_step_1thread_cpu_ms = median(cpu[1]);
    out.cnn_hessian_ms = median(hessMs);
    out.cnn_reduced_dim = median(dims);
    out.cnn_dense_step_ms = median(denseMs);
    out.cnn_speedup_vs_dense = out.cnn_dense_step_ms / out.cnn_step_ms;
    out.cnn_dense_vs_reduced_maxdiff_rel = diff;
    console.log(
      `CNN (4 base channels, n=${n}), batch 8: exact spectrum + CGD update  median ${out.cnn_step_ms.toFixed(1)} ms/step on ${budget} thread(s) ` +
        `(process CPU ${out.cnn_step_cpu_ms.toFixed(1)} ms; Hessian ${out.cnn_hessian_ms.toFixed(1)} ms; reduced dimension m=${out.cnn_reduced_dim}; target ≤ 60 ms); ` +
        `1 thread ${out.cnn_step_1thread_ms.toFixed(1)} ms (CPU ${out.cnn_step_1thread_cpu_ms.toFixed(1)} ms); load avg ${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(
      `  dense path (all ${n} rows of H, dsyevd with every eigenvector, explicit projection): ${out.cnn_dense_step_ms.toFixed(0)} ms  →  ` +
        `${out.cnn_speedup_vs_dense.toFixed(1)}× faster; eigenvalues agree to ${diff.toExponential(1)}·max|λ| (target ≤ 1e-12)`,
    );
  }

  // Replica throughput: 1 reference + 5 replicas in lock-step, float32 TF.js, no spectra; baseline: 1 model.
  const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-bench-'));
  try {
    const cfg = (replicas: boolean): RunConfig => {
      const v = validateConfig({
        name: 'bench',
        data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 },
        model: { kind: 'mlp', hidden: 20, activation: 'relu' },
        train: { steps: 300, batchSize: 8, lr: 0.01 },
        spectrum: { every: 0 },
        replicas: replicas ? { strategy: 'randn', eps: [0.1], seeds: [0, 1, 2, 3, 4] } : null,
        checkpointEvery: 0,
      });
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      return v.config;
    };
    const rate = async (replicas: boolean): Promise<number> => {
      let r = 0;
      await runExperiment(cfg(replicas), { library: StoreLibrary.open(path.join(dir, `r${replicas}.db`)), hooks: { progress: (p) => (r = p.stepsPerSec) } });
      return r;
    };
    const single = await rate(false);
    const six = await rate(true);
    out.replica_steps_per_s = six;
    out.single_steps_per_s = single;
    console.log(
      `Replicas (1 reference + 5, MLP, float32 TF.js, no spectra): ${six.toFixed(0)} steps/s (= ${(6 * six).toFixed(0)} model-steps/s); single model ${single.toFixed(0)} steps/s (${((6 * six) / single).toFixed(2)}× per-model efficiency)`,
    );

    // Precision drift: the same 300-step replica experiment (ε = 0.1) in float32 (TF.js) and float64 (exact engine).
    {
      const runs: { theta: Float64Array; d: number[] }[] = [];
      for (const precision of ['float32', 'float64'] as const)
        runs.push(
          await (async () => {
            const c = cfg(false);
            c.train.precision = precision;
            c.replicas = { ...defaultSection('replicas'), strategy: 'randn', eps: [0.1], seeds: [0] };
            const db = path.join(dir, `drift-${precision}.db`);
            const r = await runExperiment(c, { library: StoreLibrary.open(db) });
            const s = RunStore.open(db);
            const theta = s.latestCheckpoint(r.runId)!.blobs.theta;
            const d = s.readReplicas(r.runId).map((f) => f.distances[0]);
            s.close();
            return { theta, d };
          })(),
        );
      const [f32, f64] = runs;
      const dTheta = Math.sqrt(f32.theta.reduce((s, v, i) => s + (v - f64.theta[i]) ** 2, 0));
      const thetaNorm = Math.sqrt(f64.theta.reduce((s, v) => s + v * v, 0));
      const last = f64.d.length - 1;
      out.drift_theta_rel = dTheta / thetaNorm;
      out.drift_distance_rel = Math.abs(f32.d[last] - f64.d[last]) / f64.d[last];
      console.log(
        `Precision drift over ${last + 1} MLP steps (ε = 0.1): ‖θ32 − θ64‖/‖θ64‖ = ${out.drift_theta_rel.toExponential(2)}; replica distance d(${last}) float32 ${f32.d[last].toFixed(6)} vs float64 ${f64.d[last].toFixed(6)} (rel. ${out.drift_distance_rel.toExponential(2)})`,
      );
    }

    // Peak RSS of a real MLP run with the exact spectrum at every step, in a fresh process.
    const rssCfg = cfg(false);
    rssCfg.spectrum.every = 1;
    rssCfg.cgd = { ...CGD };
    rssCfg.data.testEvery = 100;
    rssCfg.data.testLimit = null;
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'rss-child.ts'), JSON.stringify(rssCfg), path.join(dir, 'rss.db')], {
      encoding: 'utf8',
    });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    const rssMb = (JSON.parse(line) as { maxRssKb: number }).maxRssKb / 1024;
    out.mlp_run_rss_mb = rssMb;
    console.log(`MLP run with spectrum + CGD every step (300 steps, USPS, test set every 100): peak RSS ${rssMb.toFixed(0)} MB (target ≤ 300 MB)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
