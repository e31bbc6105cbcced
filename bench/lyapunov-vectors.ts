// Initial-frame top-32 Lyapunov vectors of a Lyapunov run, computed by replay (DESIGN §7), against the run itself
// measured in the same process (target ≤ 3× the run):
// `npm run bench -- --only lyapunov-vectors [--usps DIR] [--steps S] [--half-sweeps H]` runs Figure 3's Lyapunov
// preset for S steps (default 2000) first. H half-sweeps (default 6) of plain subspace iteration are timed; their
// contraction e^{−S·Δλ} gives the half-sweeps a tolerance needs, here and (as e^{−36,480·Δλ}) over the paper's run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/shared/presets';
import { initialFrameVectors } from '../src/main/engine/chaos/initial-frame';
import { describeMemory } from '../src/main/engine/lyapunov-vectors';
import { Replay } from '../src/main/engine/replay';
import { runExperiment } from '../src/main/engine/runner';
import { StoreLibrary } from '../src/main/store/run-library';

const PAPER_STEPS = 36_480;
const K = 32;
const TOL = 1e-8;

/** Vectors of run `runId` (in dbFile) that took runSeconds for its `steps` steps. */
async function benchInitialFrame(dbFile: string, runId: string, runSeconds: number, steps: number, halfSweeps: number): Promise<Record<string, number>> {
  const library = StoreLibrary.open(dbFile);
  const replay = await Replay.open(library, runId, {}, () => {});
  const t0 = performance.now();
  const ends: number[] = [];
  try {
    const [r] = initialFrameVectors(replay, {
      k: K,
      which: ['top'],
      tol: TOL,
      maxHalfSweeps: halfSweeps,
      accelerate: false,
      progress: (p) => p.done === p.of && ends.push(performance.now()),
    });
    const seconds = (performance.now() - t0) / 1000;
    const runMs = (1000 * runSeconds) / steps;
    const perStep = ends.map((e, i) => (e - (i === 0 ? t0 : ends[i - 1])) / steps);
    const sweepMs = perStep.reduce((s, v) => s + v, 0) / perStep.length;
    // Geometric-mean contraction of the largest change per half-sweep; it is e^{−T·Δλ}: to the power 36,480/steps
    // over the paper's run if the exponent gaps stay as they are after `steps` steps.
    const h = r.history;
    const rho = h.length > 1 ? (h.at(-1)! / h[0]) ** (1 / (h.length - 1)) : NaN;
    const toTol = (c: number): number => Math.max(0, Math.ceil(Math.log(TOL / h.at(-1)!) / Math.log(c)));
    const rhoPaper = rho ** (PAPER_STEPS / steps);
    const needed = r.halfSweeps + toTol(rho);
    const neededPaper = 2 + Math.max(0, Math.ceil(Math.log(TOL / h[0]) / Math.log(rhoPaper)));
    console.log(
      `Initial-frame top-${K} vectors by replay over ${steps} steps (block ${r.block}): ${r.halfSweeps} half-sweeps in ${seconds.toFixed(1)} s = ` +
        `${(seconds / runSeconds).toFixed(2)}× the run (${runSeconds.toFixed(1)} s, ${runMs.toFixed(1)} ms/step); per half-sweep ` +
        `${perStep.map((m) => m.toFixed(1)).join(' / ')} ms/step = ${(sweepMs / runMs).toFixed(2)}× the run; memory: ${describeMemory(replay.memory())}`,
    );
    console.log(
      `  largest change of a wanted vector per half-sweep: ${h.map((c) => c.toExponential(2)).join(', ')}; contraction ${rho.toFixed(3)} per half-sweep → ` +
        `≈ ${needed} half-sweeps to ${TOL} (≈ ${((needed * sweepMs) / runMs).toFixed(0)}× the run) without Chebyshev filters; λ₁ = ${r.exponents[0].toExponential(3)}, λ₃₂ = ${r.exponents[K - 1].toExponential(3)} per step`,
    );
    console.log(
      `  over ${PAPER_STEPS} steps (same gaps per step): contraction ≈ ${rhoPaper.toExponential(2)} per half-sweep → ≈ ${neededPaper} half-sweeps ≈ ` +
        `${((neededPaper * sweepMs) / runMs).toFixed(1)}× the run`,
    );
    return {
      initial_frame_seconds: seconds,
      initial_frame_vs_run: seconds / runSeconds,
      initial_frame_half_sweep_vs_run: sweepMs / runMs,
      initial_frame_change: h.at(-1) ?? NaN,
      initial_frame_contraction: rho,
      initial_frame_half_sweeps_to_tol: needed,
      initial_frame_paper_half_sweeps: neededPaper,
      initial_frame_paper_vs_run: (neededPaper * sweepMs) / runMs,
    };
  } finally {
    replay.dispose();
    library.close();
  }
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
