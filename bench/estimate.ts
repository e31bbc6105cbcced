// The cost estimate: how long estimateCost takes (it must answer within 2 s for any config) and how close its time
// per step comes to one real step of the same config, timed in the same run (the baseline), and to a real short run
// of the paper's MLP preset (what `npm run lab -- estimate` promises: within 30 %). Configs too large for memory are
// refused at once, naming the field.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG, type RunConfig } from '../src/shared/config';
import { PRESETS } from '../src/shared/presets';
import { estimateCost, timeStep } from '../src/main/engine/estimate';
import { runExperiment } from '../src/main/engine/runner';
import { StoreLibrary } from '../src/main/store/run-library';
import { RunStore } from '../src/main/store/run-store';

const cnn = (baseChannels: number): RunConfig => ({ ...DEFAULT_CONFIG, model: { kind: 'cnn', baseChannels, blocks: 1, activation: 'relu' } });
const mlp = (hidden: number): RunConfig => ({ ...DEFAULT_CONFIG, model: { kind: 'mlp', hidden, activation: 'relu' } });

export async function benchEstimate(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  let worst = 0;
  // [label, config, time one real step as the baseline]
  const cases: [string, RunConfig, boolean][] = [
    ['mlp-20', mlp(20), true],
    ['cnn-4', cnn(4), true],
    ['cnn-8', cnn(8), true],
    ['mlp-512', mlp(512), false],
    ['cnn-64', cnn(64), false],
  ];
  for (const [label, config, baseline] of cases) {
    const t0 = performance.now();
    let line: string;
    try {
      const e = estimateCost(config);
      const wall = performance.now() - t0;
      line = `${e.msPerStep.toFixed(1)} ms/step${e.extrapolated ? ' (extrapolated)' : ''}, memory ${(e.memoryBytes / 2 ** 20).toFixed(0)} MiB`;
      if (baseline) {
        const real = timeStep(config);
        line += `; one real step ${real.toFixed(1)} ms → estimate/real ${(e.msPerStep / real).toFixed(2)}`;
        out[`${label}.ratio`] = e.msPerStep / real;
      }
      out[`${label}.ms`] = wall;
      worst = Math.max(worst, wall);
      console.log(`estimate ${label}: answered in ${wall.toFixed(0)} ms — ${line}`);
    } catch (e) {
      const wall = performance.now() - t0;
      worst = Math.max(worst, wall);
      out[`${label}.ms`] = wall;
      console.log(`estimate ${label}: refused in ${wall.toFixed(0)} ms — ${(e as Error).message}`);
    }
  }
  console.log(`slowest estimate: ${worst.toFixed(0)} ms (target ≤ 2000 ms)`);
  out.worstMs = worst;
  out['preset.ratio'] = await estimateVsRun();
  return out;
}

/** The estimate's time per step against the median step time of a real 60-step run of the paper's MLP preset. */
async function estimateVsRun(): Promise<number> {
  const STEPS = 60;
  const preset = PRESETS.find((p) => p.id === 'fig1-sgd')!;
  const config: RunConfig = { ...preset.config, train: { ...preset.config.train, steps: STEPS }, data: { ...preset.config.data, testEvery: 0 } };
  const e = estimateCost(config);
  const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-bench-estimate-'));
  try {
    const db = path.join(dir, 'bench.db');
    const { runId } = await runExperiment(config, { library: StoreLibrary.open(db) });
    const store = RunStore.open(db, { readonly: true });
    // step_ms: the wall time of each whole step (SGD step, exact spectrum, metrics); the first steps warm up.
    const ms = Array.from(store.readSeries(runId, 'step_ms').values)
      .slice(5)
      .sort((a, b) => a - b);
    store.close();
    const median = ms[ms.length >> 1];
    const ratio = e.msPerStep / median;
    console.log(
      `estimate fig1-sgd (paper MLP, batch 8): estimate ${e.msPerStep.toFixed(1)} ms/step; real run median ${median.toFixed(1)} ms/step over ${ms.length} steps → estimate/real ${ratio.toFixed(2)} (target 0.70–1.30)`,
    );
    return ratio;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
