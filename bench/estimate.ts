// The cost estimate: how long estimateCost takes (it must answer within 2 s for any config) and how close its time
// per step comes to one real step of the same config, timed in the same run (the baseline). Configs too large for
// memory are refused at once, naming the field.
import { DEFAULT_CONFIG, type RunConfig } from '../src/shared/config';
import { estimateCost, timeStep } from '../src/main/engine/estimate';

const cnn = (baseChannels: number): RunConfig => ({ ...DEFAULT_CONFIG, model: { kind: 'cnn', baseChannels, blocks: 1, activation: 'relu' } });
const mlp = (hidden: number): RunConfig => ({ ...DEFAULT_CONFIG, model: { kind: 'mlp', hidden, activation: 'relu' } });

export function benchEstimate(): Record<string, number> {
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
  return out;
}
