// Spectra without an exact eigendecomposition (DESIGN §6), each against a baseline measured in the same run:
// - the paper's MLP and CNN on a real USPS batch: the exact path (exactStep + all eigenpairs) vs Lanczos
//   top-20 + bottom-20 and SLQ (10 probes × 80 steps + Hutch++) through Hessian-vector products — the ratio that
//   informs the cost estimate's recommendation (exact vs lanczos), and the Lanczos error against the exact path;
// - the 784-100-10 MLP (79,510 parameters) on 8 Fashion-MNIST images at 28×28: Hessian-vector product, top-20
//   Lanczos with full and with partial reorthogonalisation, SLQ, against the MLP's own exact (reduced) path;
//   targets: top-20 ≤ 2 s, SLQ ≤ 10 s per step; peak RSS of one such step in a child process ≤ 1 GB.
// Wall and CPU time (user + system, all threads) are both printed: on a shared machine wall time includes waiting.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { exactStep } from '../src/main/engine/curvature/exact';
import { hessianOperator } from '../src/main/engine/curvature/hvp';
import { stochasticSpectrum } from '../src/main/engine/curvature/slq';
import { HessianSpectrum } from '../src/main/engine/curvature/spectrum';
import { BatchSampler, gatherBatch } from '../src/main/engine/data/sampler';
import { loadUsps } from '../src/main/engine/data/usps';
import { lanczosExtremes, type LanczosExtremes } from '../src/main/engine/linalg/lanczos';
import { initParams, modelSpec } from '../src/main/engine/models/spec';
import type { ModelConfig } from '../src/shared/config';
import { USPS_DIR } from './engine';
import { BATCH, LANCZOS, SLQ, TOP_K, mlp784 } from './lanczos-setup';

interface Timing {
  wall: number;
  cpu: number;
}

/** Median wall and CPU ms of fn over reps runs (and the last result). */
function timed<T>(fn: () => T, reps: number): Timing & { result: T } {
  const walls: number[] = [];
  const cpus: number[] = [];
  let result!: T;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: median(walls), cpu: median(cpus), result };
}

const fmt = (t: Timing): string => `${t.wall >= 1000 ? `${(t.wall / 1000).toFixed(2)} s` : `${t.wall.toFixed(0)} ms`} (CPU ${(t.cpu / 1000).toFixed(2)} s)`;
const worstResidual = (r: LanczosExtremes): number => Math.max(...r.top.residuals, ...r.bottom.residuals) / r.scale;

export async function benchLanczos(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};

  // The paper's models on a real USPS batch: exact path vs Hessian-vector-product estimates.
  const data = loadUsps(USPS_DIR);
  const b = gatherBatch(data.train, new BatchSampler(data.train.count, BATCH, 0).next().indices);
  const paper: [string, string, ModelConfig][] = [
    ['mlp', 'MLP 256-20-10', { kind: 'mlp', hidden: 20, activation: 'relu' }],
    ['cnn', 'CNN base 4', { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' }],
  ];
  for (const [key, label, config] of paper) {
    const spec = modelSpec(config);
    const theta = initParams(spec, 0);
    const exact = timed(() => new HessianSpectrum(exactStep(spec, theta, b.x, b.y, b.size), { nullTol: null }), 5);
    const lanczos = timed(() => lanczosExtremes(hessianOperator(spec, theta, b.x, b.y, b.size).apply, spec.n, { k: TOP_K, steps: 400, seed: 0 }), 3);
    const slq = timed(() => stochasticSpectrum(hessianOperator(spec, theta, b.x, b.y, b.size).apply, spec.n, SLQ), 1);
    const all = exact.result.allEigenvalues();
    const n = spec.n;
    const scale = Math.max(-all[0], all[n - 1]);
    let err = 0;
    for (let i = 0; i < TOP_K; i++) {
      err = Math.max(err, Math.abs(lanczos.result.top.values[i] - all[n - 1 - i]), Math.abs(lanczos.result.bottom.values[i] - all[i]));
    }
    out[`${key}_exact_ms`] = exact.wall;
    out[`${key}_lanczos40_ms`] = lanczos.wall;
    out[`${key}_slq_ms`] = slq.wall;
    out[`${key}_lanczos_vs_exact`] = lanczos.wall / exact.wall;
    out[`${key}_lanczos_err_rel`] = err / scale;
    console.log(
      `${label} (n=${n}): exact spectrum (all eigenpairs) ${fmt(exact)}; Lanczos top-${TOP_K} + bottom-${TOP_K} ${fmt(lanczos)} ` +
        `(${lanczos.result.steps} steps, ${(lanczos.wall / exact.wall).toFixed(1)}× the exact path; eigenvalues agree to ${(err / scale).toExponential(1)}·max|λ|); ` +
        `SLQ ${SLQ.probes}×${SLQ.steps} + Hutch++ ${fmt(slq)} (${(slq.wall / exact.wall).toFixed(1)}×)`,
    );
  }

  // 784-100-10 MLP at 28×28: the issue's targets.
  const { spec, theta, x, y, op } = mlp784();
  const n = spec.n;
  const probe = new Float64Array(16 * n).fill(1 / Math.sqrt(n));
  op.apply(probe, 16);
  const hv = timed(() => op.apply(probe, 16), 3);
  out.mlp784_hvp_ms = hv.wall / 16;
  console.log(`MLP 784-100-10 (n=${n}), 8 Fashion-MNIST images at 28×28: Hessian-vector product ${(hv.wall / 16).toFixed(2)} ms per vector (16 per call)`);
  for (const mode of ['full', 'partial'] as const) {
    const t = timed(() => lanczosExtremes(op.apply, n, { ...LANCZOS, reorthogonalize: mode }), 1);
    out[`mlp784_top20_${mode}_ms`] = t.wall;
    out[`mlp784_top20_${mode}_cpu_ms`] = t.cpu;
    out[`mlp784_top20_${mode}_steps`] = t.result.steps;
    console.log(
      `  top-${TOP_K} Lanczos, ${mode} reorthogonalisation: ${fmt(t)} (target ≤ 2 s); ${t.result.steps} steps, ${t.result.reorthogonalizations} full orthogonalisations, ` +
        `converged ${t.result.converged}, worst residual ${worstResidual(t.result).toExponential(1)}·λ_max, λ_1 = ${t.result.top.values[0].toFixed(6)}, λ_20 = ${t.result.top.values[TOP_K - 1].toFixed(6)}`,
    );
  }
  const slq = timed(() => stochasticSpectrum(op.apply, n, SLQ), 1);
  out.mlp784_slq_ms = slq.wall;
  out.mlp784_slq_cpu_ms = slq.cpu;
  const c = slq.result.counts;
  console.log(
    `  SLQ ${SLQ.probes} probes × ${SLQ.steps} steps + Hutch++ (${slq.result.matvecs} products): ${fmt(slq)} (target ≤ 10 s); ` +
      `trace ${slq.result.trace.value.toFixed(2)} ± ${slq.result.trace.se.toFixed(2)}, λ < −${slq.result.countTol.toFixed(3)}: ${c.negative.value.toFixed(0)} ± ${c.negative.se.toFixed(0)}, ` +
      `λ > ${slq.result.countTol.toFixed(3)}: ${c.positive.value.toFixed(0)} ± ${c.positive.se.toFixed(0)}`,
  );
  const exact = timed(() => new HessianSpectrum(exactStep(spec, theta, x, y, BATCH), { nullTol: null }), 1);
  out.mlp784_exact_ms = exact.wall;
  console.log(
    `  baseline: the MLP's exact path (reduced dimension ${exact.result.m}, all eigenpairs) ${fmt(exact)} — ` +
      `top-20 Lanczos (partial) is ${(out.mlp784_top20_partial_ms / exact.wall).toFixed(2)}× that, SLQ ${(slq.wall / exact.wall).toFixed(2)}×`,
  );

  for (const mode of ['full', 'partial']) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lanczos-rss-child.ts'), mode], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`lanczos RSS child (${mode}) failed: ${child.stderr}`);
    const mb = (JSON.parse(line) as { maxRssKb: number }).maxRssKb / 1024;
    out[`mlp784_step_rss_${mode}_mb`] = mb;
    console.log(`  peak RSS of one step (data, operator, top-20 ${mode}, SLQ) in a fresh process: ${mb.toFixed(0)} MB (target ≤ 1024 MB)`);
  }
  return out;
}
