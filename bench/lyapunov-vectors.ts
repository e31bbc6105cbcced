// Initial-frame top-32 Lyapunov vectors of Figure 3's Lyapunov run, computed the way `lab lyapunov-vectors` computes
// them (the run's own QR vectors as the start, block Krylov, tol 1e-8; DESIGN §7), against the run itself — the
// time of its steps, Σ step_ms (target ≤ 3×):
// `npm run bench -- --only lyapunov-vectors [--usps DIR] [--steps S]` runs the preset for S steps first (default 2000);
// `--db FILE --run ID` takes a stored run instead (the paper's 36,440 USPS steps take ~25 min to make).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../src/shared/presets';
import { describeMemory, lyapunovVectors } from '../src/main/engine/lyapunov-vectors';
import { runExperiment } from '../src/main/engine/runner';
import { StoreLibrary } from '../src/main/store/run-library';

const K = 32;

async function benchStored(dbFile: string, runId: string): Promise<Record<string, number>> {
  const library = StoreLibrary.open(dbFile);
  try {
    const run = library.find(runId);
    const stepMs = library.series(run.id, 'step_ms').values;
    const runSeconds = stepMs.reduce((s, v) => s + v, 0) / 1000;
    const steps = run.lastStep + 1;
    console.log(
      `Lyapunov run ${run.id.slice(0, 8)}: ${steps} steps, ${runSeconds.toFixed(1)} s of steps (${((1000 * runSeconds) / steps).toFixed(1)} ms/step)`,
    );
    const t0 = performance.now();
    const ends: number[] = [];
    const lines: string[] = [];
    const v = await lyapunovVectors(library, run.id, { frame: 'initial', which: 'top', k: K, recompute: true }, (line) => {
      if (/^half-sweep \d+ \((forward|backward), [^)]*\): /.test(line)) ends.push(performance.now());
      if (!/ of \d+ steps$/.test(line)) lines.push(line);
    });
    const seconds = (performance.now() - t0) / 1000;
    const rec = v.record!;
    const perStep = ends.map((e, i) => (e - (i === 0 ? t0 : ends[i - 1])) / steps);
    for (const l of lines) console.log(`  ${l}`);
    console.log(
      `Initial-frame top-${K} vectors over ${steps} steps (block ${rec.block}): ${rec.halfSweeps} half-sweeps (Krylov space up to ${rec.krylov}), ` +
        `${rec.converged ? 'converged' : 'NOT converged'} to ${rec.tol} (largest change ${Math.max(...(rec.changes ?? [NaN])).toExponential(2)}), in ${seconds.toFixed(1)} s = ` +
        `${(seconds / runSeconds).toFixed(2)}× the run (target ≤ 3×); per half-sweep ${perStep.map((m) => m.toFixed(1)).join(' / ')} ms/step; ` +
        `λ₁ = ${v.exponents[0].toExponential(3)}, λ₃₂ = ${v.exponents[K - 1].toExponential(3)} per step; memory: ${describeMemory(rec.memory)}`,
    );
    return {
      steps,
      run_seconds: runSeconds,
      initial_frame_seconds: seconds,
      initial_frame_vs_run: seconds / runSeconds,
      half_sweeps: rec.halfSweeps ?? NaN,
      converged: rec.converged ? 1 : 0,
      largest_change: Math.max(...(rec.changes ?? [NaN])),
    };
  } finally {
    library.close();
  }
}

export async function benchLyapunovVectors(uspsDir: string | null, steps: number, stored: { db: string; run: string } | null): Promise<Record<string, number>> {
  if (stored) return benchStored(stored.db, stored.run);
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
    const r = await runExperiment(config, { library: StoreLibrary.open(dbFile) });
    if (r.status !== 'finished') throw new Error(`Lyapunov run: ${r.status} ${r.error ?? ''}`);
    return await benchStored(dbFile, r.runId);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
