// `npm run bench -- --only paper [--usps DIR] [--fig2]`: the paper's claims rerun end to end from the presets
// (Figures 1 and 3; with --fig2 also Figure 2, four 15,000-step runs), on USPS when a directory is given, else on
// Fashion-MNIST. Minutes, so not part of the default run.
// Baselines measured in the same run: SGD for the CGD variants, random-direction replicas for those perturbed
// along the top Lyapunov vector.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../src/shared/config';
import { PREVIOUS_RUN } from '../src/shared/ipc';
import { PRESETS } from '../src/shared/presets';
import type { DivergenceAnalysis } from '../src/shared/math/divergence';
import { runExperiment } from '../src/main/engine/runner';
import { RunStore } from '../src/main/store/run-store';
import { StoreLibrary } from '../src/main/store/run-library';
import { benchInitialFrame } from './lyapunov-vectors';

const preset = (id: string): RunConfig => {
  const p = PRESETS.find((x) => x.id === id);
  if (!p) throw new Error(`no preset ${id}`);
  return p.config;
};
const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
const g = (v: number): string => v.toPrecision(3);

export async function benchPaper(uspsDir: string | null, fig2: boolean): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-paper-'));
  const dbFile = join(dir, 'paper.db');
  const withData = (c: RunConfig): RunConfig => ({
    ...c,
    data: uspsDir ? { ...c.data, dataset: 'usps', dir: uspsDir } : c.data,
    checkpointEvery: 0,
  });
  const run = async (c: RunConfig): Promise<{ id: string; msPerStep: number }> => {
    const t0 = performance.now();
    const r = await runExperiment(withData(c), { library: StoreLibrary.open(dbFile) });
    if (r.status !== 'finished') throw new Error(`${c.name}: ${r.status} ${r.error ?? ''}`);
    return { id: r.runId, msPerStep: (performance.now() - t0) / r.steps };
  };
  const out: Record<string, number> = {};
  try {
    console.log(`data: ${uspsDir ? `USPS from ${uspsDir}` : 'Fashion-MNIST (pass --usps DIR for the paper’s data)'}`);

    // Figure 1: removing negative curvature hurts training; SGD in the same run is the baseline.
    let sgdAcc = NaN;
    for (const [id, key] of [
      ['fig1-sgd', 'sgd'],
      ['fig1-cgd-neg', 'neg'],
      ['fig1-cgd-pos', 'pos'],
      ['fig1-cgd-chaotic', 'chaotic'],
    ] as const) {
      const c = preset(id);
      const { id: runId, msPerStep } = await run(c);
      const s = RunStore.open(dbFile, { readonly: true });
      const acc = s.readSeries(runId, 'test_acc').values.at(-1)!;
      const loss = s.readSeries(runId, 'loss').values;
      const neg = mean(s.readSeries(runId, 'n_neg').values);
      const chaotic = mean(s.readSeries(runId, 'n_chaotic').values);
      s.close();
      if (key === 'sgd') sgdAcc = acc;
      const lateLoss = mean(loss.subarray(Math.max(0, loss.length - 100)));
      const vsSgd = key === 'sgd' ? '' : ` (${(acc - sgdAcc >= 0 ? '+' : '') + (100 * (acc - sgdAcc)).toFixed(1)} points vs SGD)`;
      console.log(
        `Fig. 1 ${c.name.padEnd(16)} ${loss.length} steps: test accuracy ${pct(acc)}${vsSgd}, train loss (last 100 steps) ${g(lateLoss)}, ` +
          `mean λ<0 count ${neg.toFixed(1)}, mean chaotic count ${chaotic.toFixed(1)}, ${msPerStep.toFixed(1)} ms/step`,
      );
      Object.assign(out, { [`fig1_${key}_test_acc`]: acc, [`fig1_${key}_late_loss`]: lateLoss, [`fig1_${key}_mean_n_neg`]: neg });
    }

    // Figure 2: SGD until a step, then CGD without negative curvature; SGD over the same steps is the baseline.
    if (fig2) {
      const prunes = PRESETS.filter((p) => p.group === 'Figure 2');
      const sgd = { ...prunes[0].config, name: 'fig2 SGD', cgd: null };
      let sgdAcc = NaN;
      for (const c of [sgd, ...prunes.map((p) => p.config)]) {
        const { id: runId, msPerStep } = await run(c);
        const st = RunStore.open(dbFile, { readonly: true });
        const acc = st.readSeries(runId, 'test_acc');
        st.close();
        const start = c.cgd?.start ?? null;
        const final = acc.values.at(-1)!;
        if (start === null) sgdAcc = final;
        // Test accuracy at the last evaluation before pruning starts, to see what pruning undoes.
        const before = start === null ? NaN : acc.values[acc.steps.filter((s) => s < start).length - 1];
        console.log(
          `Fig. 2 ${c.name.padEnd(18)} ${c.train.steps} steps: final test accuracy ${pct(final)}` +
            (start === null ? '' : ` (${pct(before)} before step ${start}; ${(100 * (final - sgdAcc)).toFixed(1)} points vs SGD)`) +
            `, ${msPerStep.toFixed(1)} ms/step`,
        );
        out[`fig2_${start ?? 'sgd'}_test_acc`] = final;
      }
    }

    // Figure 3: Lyapunov run, then replicas along its top expanding vector, against random-direction replicas.
    const fig3 = PRESETS.find((p) => p.id === 'fig3-lyapunov-replicas')!;
    const lyap = await run(fig3.config);
    const s = RunStore.open(dbFile, { readonly: true });
    const lmax = s.readSeries(lyap.id, 'lyap_max').values.at(-1)!;
    const npos = s.readSeries(lyap.id, 'lyap_npos').values.at(-1)!;
    s.close();
    console.log(
      `Fig. 3 Lyapunov (k = 32): after ${fig3.config.train.steps} steps λ_max = ${g(lmax)} per step (paper convention e^{2λ} = ${Math.exp(2 * lmax).toFixed(6)}), ${npos} of 32 positive; ${lyap.msPerStep.toFixed(1)} ms/step`,
    );
    Object.assign(out, { fig3_lyap_max: lmax, fig3_lyap_npos: npos });
    const steps = fig3.config.train.steps!;
    Object.assign(out, await benchInitialFrame(dbFile, lyap.id, (lyap.msPerStep * steps) / 1000, steps, 6));

    const follow = fig3.followUp!;
    const along = await run({
      ...follow,
      replicas: { ...follow.replicas!, lyapunovSource: follow.replicas!.lyapunovSource === PREVIOUS_RUN ? lyap.id : follow.replicas!.lyapunovSource },
    });
    const random = await run(preset('fig3-replicas-random'));
    for (const [label, r] of [
      ['max_chaos', along],
      ['randn', random],
    ] as const) {
      const st = RunStore.open(dbFile, { readonly: true });
      const analysis = st.loadResult(r.id, 'divergence') as DivergenceAnalysis;
      const dEnd = mean(st.readReplicas(r.id).at(-1)!.distances);
      st.close();
      const grp = analysis.groups[0];
      if (!grp.quad) throw new Error(`Fig. 3 ${label}: ${grp.regimes}`);
      const quad = grp.quad;
      const regimes = grp.crossover
        ? `crossover at step ${grp.crossover.step}, early rate ${g(grp.early!.slope)}/step, late exponent ${g(grp.late!.slope)}`
        : String(grp.regimes);
      console.log(
        `Fig. 3 replicas ${label.padEnd(9)} (5 seeds, ε = 0.1): mean d(end) = ${g(dEnd)}; ${regimes}; ` +
          `d² = a·t + b·t² + d₀²: a = ${g(quad.a)} ± ${g(quad.se.a)}, b = ${g(quad.b)}, R² = ${quad.r2.toFixed(3)}`,
      );
      Object.assign(out, {
        [`fig3_${label}_d_end`]: dEnd,
        [`fig3_${label}_fit_a`]: quad.a,
        [`fig3_${label}_fit_r2`]: quad.r2,
        ...(grp.crossover ? { [`fig3_${label}_crossover`]: grp.crossover.step, [`fig3_${label}_late_exponent`]: grp.late!.slope } : {}),
      });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
