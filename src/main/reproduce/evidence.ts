// The measured evidence behind each of the paper's claims, read from the runs of a reproduce sweep: final test
// accuracy per variant (mean ± sd over seeds), the pruning-start effect, the replica divergence (early exponential
// rate, crossover, late power law, d² = a·t + b·t² + d₀² with SEs; shared/math/divergence.ts) and the top Lyapunov
// exponents. Every number here is read from the store or computed from what it holds; nothing is invented.
import type { DivergenceAnalysis } from '../../shared/math/divergence';
import type { PaperFigure, PaperRun } from '../../shared/presets';
import type { DivergenceEvidence, Evidence, VariantAccuracy } from '../../shared/reproduce';
import type { RunStore } from '../store/run-store';

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}
function sd(v: number[]): number {
  if (v.length < 2) return NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

function accuracy(store: RunStore, variant: string, ids: string[]): VariantAccuracy {
  const finals: number[] = [];
  const late: number[] = [];
  const neg: number[] = [];
  let steps = 0;
  for (const id of ids) {
    const acc = store.readSeries(id, 'test_acc').values;
    if (!acc.length) throw new Error(`run ${id} (${variant}) has no test accuracy: it needs data.testEvery > 0`);
    finals.push(acc[acc.length - 1]);
    const loss = store.readSeries(id, 'loss').values;
    steps = loss.length;
    late.push(mean(loss.subarray(Math.floor(0.9 * loss.length))));
    neg.push(mean(store.readSeries(id, 'n_neg').values));
  }
  return { variant, runs: ids, finals, mean: mean(finals), sd: sd(finals), lateLoss: mean(late), meanNeg: mean(neg), steps };
}

function variants(store: RunStore, runs: PaperRun[], ids: string[], figure: PaperFigure): VariantAccuracy[] {
  const order = [...new Set(runs.filter((r) => r.figure === figure).map((r) => r.variant))];
  return order.map((v) =>
    accuracy(
      store,
      v,
      runs.flatMap((r, i) => (r.figure === figure && r.variant === v ? [ids[i]] : [])),
    ),
  );
}

function divergence(runId: string, a: DivergenceAnalysis, finalDistances: Float64Array, labels: { strategy: string; eps: number }[]): DivergenceEvidence[] {
  return a.groups.map((g) => {
    const members = labels.flatMap((l, r) => (l.strategy === g.strategy && l.eps === g.eps ? [finalDistances[r]] : []));
    return {
      runId,
      strategy: g.strategy,
      eps: g.eps,
      seeds: g.seeds,
      rate: g.early ? { value: g.early.slope, se: g.early.se.slope } : null,
      crossover: g.crossover?.step ?? null,
      exponent: g.late ? { value: g.late.slope, se: g.late.se.slope } : null,
      fit: g.quad ? { a: g.quad.a, seA: g.quad.se.a, b: g.quad.b, seB: g.quad.se.b, d0sq: g.quad.d0sq, r2: g.quad.r2 } : null,
      final: mean(members),
    };
  });
}

/** The evidence of every figure in `runs` (ids[i] is the stored run of runs[i]). */
export function collectEvidence(store: RunStore, runs: PaperRun[], ids: string[]): Evidence {
  const out: Evidence = {};
  const figures = new Set(runs.map((r) => r.figure));
  if (figures.has(1)) out.fig1 = { variants: variants(store, runs, ids, 1) };
  if (figures.has(2)) out.fig2 = { variants: variants(store, runs, ids, 2) };
  if (figures.has(3)) {
    const idOf = (variant: string): string => ids[runs.findIndex((r) => r.figure === 3 && r.variant === variant)];
    const lyap = idOf('lyapunov');
    const frames = store.readLyapunov(lyap);
    const sums = store.readSeries(lyap, 'lyap_sum_all').values;
    const div: DivergenceEvidence[] = [];
    for (const v of ['replicas-all', 'replicas-randn']) {
      const id = idOf(v);
      const a = store.loadResult(id, 'divergence') as DivergenceAnalysis | undefined;
      if (!a) throw new Error(`run ${id} (${v}) has no divergence analysis`);
      const reps = store.readReplicas(id);
      div.push(...divergence(id, a, reps[reps.length - 1].distances, a.replicas));
    }
    const last = (m: 'lyap_subsim_1' | 'lyap_subsim_2' | 'lyap_subsim_random'): number | null => store.readSeries(lyap, m).values.at(-1) ?? null;
    const at = store.get(lyap).config.lyapunov?.subsimAt ?? [];
    const subsim = (['lyap_subsim_1', 'lyap_subsim_2'] as const).flatMap((m, i) => {
      const v = last(m);
      return v === null ? [] : [{ from: at[i], last: v }];
    });
    out.fig3 = {
      lyapunovRun: lyap,
      subsim,
      subsimRandom: last('lyap_subsim_random'),
      topExponents: frames.length ? Array.from(frames[frames.length - 1].exponents.subarray(0, 5)) : [],
      lyapSumAll: sums.length ? sums[sums.length - 1] : null,
      divergence: div,
    };
  }
  return out;
}
