// Initial-frame top-32 Lyapunov vectors of a Lyapunov run, computed by replay (DESIGN §6), against the run itself
// measured in the same process (target ≤ 3× the run). Part of `--only paper` (on Figure 3's Lyapunov run); alone:
// `npm run bench -- --only lyapunov-vectors [--usps DIR] [--steps S] [--half-sweeps H]` runs Figure 3's Lyapunov
// preset for S steps (default 2000) first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/shared/presets';
import { describeMemory, lyapunovVectors } from '../src/main/engine/lyapunov-vectors';
import { runExperiment } from '../src/main/engine/runner';
import { StoreLibrary } from '../src/main/store/run-library';

const PAPER_STEPS = 36_480;
const K = 32;
const TOL = 1e-8;

/** Vectors of run `runId` (in dbFile) that took runSeconds for its `steps` steps. */
export async function benchInitialFrame(dbFile: string, runId: string, runSeconds: number, steps: number, halfSweeps: number): Promise<Record<string, number>> {
  const t0 = performance.now();
  const ends: number[] = [];
  const v = await lyapunovVectors(
    StoreLibrary.open(dbFile),
    runId,
    { frame: 'initial', which: 'top', k: K, maxHalfSweeps: halfSweeps, tol: TOL, recompute: true },
    (line) => {
      if (/^half-sweep \d+ \((forward|backward), J/.test(line)) ends.push(performance.now());
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  const rec = v.record!;
  const history = rec.history ?? [];
  const perStep = ends.map((e, i) => (e - (i === 0 ? t0 : ends[i - 1])) / steps);
  // Contraction of the change per half-sweep, geometric mean over the measured ones; it is e^{−T·Δλ}, so over the
  // paper's 36,480 steps it is this to the power 36,480/steps (if the exponent gaps stay as at `steps`).
  const rho = history.length > 1 ? (history.at(-1)! / history[0]) ** (1 / (history.length - 1)) : NaN;
  const rhoPaper = rho ** (PAPER_STEPS / steps);
  const needed = 2 + Math.max(0, Math.ceil(Math.log(TOL / history[0]) / Math.log(rhoPaper)));
  // Beyond the memory budget every half-sweep replays, as the first one does here.
  const paperRatio = (needed * perStep[0]) / ((1000 * runSeconds) / steps);
  console.log(
    `Initial-frame top-${K} vectors by replay over ${steps} steps (block ${rec.block}): ${rec.halfSweeps} half-sweeps in ${seconds.toFixed(1)} s = ` +
      `${(seconds / runSeconds).toFixed(2)}× the run (${runSeconds.toFixed(1)} s, target ≤ 3×); ${perStep.map((m) => m.toFixed(1)).join(' / ')} ms/step per half-sweep; ` +
      `memory: ${describeMemory(rec.memory)}`,
  );
  console.log(
    `  largest change of a vector in each half-sweep: ${history.map((r) => r.toExponential(2)).join(', ')} (tol ${TOL}: ${rec.converged ? 'converged' : 'not converged'}); ` +
      `top vector ${rec.changes![0].toExponential(2)}; λ₁ = ${v.exponents[0].toExponential(3)}, λ₃₂ = ${v.exponents[K - 1].toExponential(3)} per step`,
  );
  console.log(
    `  extrapolated to ${PAPER_STEPS} steps: contraction ${rho.toFixed(3)} per half-sweep here → ${rhoPaper.toExponential(2)} there; ` +
      `≈ ${needed} half-sweeps to ${TOL}, each ≈ ${perStep[0].toFixed(1)} ms/step (replayed) → ≈ ${paperRatio.toFixed(1)}× the run`,
  );
  return {
    initial_frame_seconds: seconds,
    initial_frame_vs_run: seconds / runSeconds,
    initial_frame_half_sweeps: rec.halfSweeps ?? NaN,
    initial_frame_change: history.at(-1) ?? NaN,
    initial_frame_first_half_sweep_ms_per_step: perStep[0],
    initial_frame_contraction: rho,
    initial_frame_paper_half_sweeps: needed,
    initial_frame_paper_vs_run: paperRatio,
  };
}

export async function benchLyapunovVectors(uspsDir: string | null, steps: number, halfSweeps: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-vectors-'));
  try {
    const dbFile = join(dir, 'vectors.db');
    const preset = PRESETS.find((p) => p.id === 'fig3-lyapunov-replicas')!.config;
    const config = {
      ...preset,
      data: uspsDir ? { ...preset.data, dataset: 'usps' as const, dir: uspsDir } : preset.data,
      train: { ...preset.train, steps },
      checkpointEvery: 0,
    };
    const t0 = performance.now();
    const r = await runExperiment(config, { library: StoreLibrary.open(dbFile) });
    if (r.status !== 'finished') throw new Error(`Lyapunov run: ${r.status} ${r.error ?? ''}`);
    const runSeconds = (performance.now() - t0) / 1000;
    console.log(
      `Lyapunov run (Figure 3 preset, k = ${K}, spectrum every step): ${steps} steps in ${runSeconds.toFixed(1)} s (${((1000 * runSeconds) / steps).toFixed(1)} ms/step)`,
    );
    return await benchInitialFrame(dbFile, r.runId, runSeconds, steps, halfSweeps);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
