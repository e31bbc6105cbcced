// What a researcher looks at first about a run, in words: the run in one line (data, model, optimiser) and its
// headline numbers — final loss, test accuracy, eigenvalue counts at the last spectrum, the replica divergence
// fit (DESIGN §2), the top Lyapunov exponent, duration — as `run` ends and `runs show` prints them.
import { optimizerLabel, type RunConfig } from '../../shared/config';
import type { DivergenceAnalysis } from '../../shared/math/divergence';
import { fitText } from '../../shared/math/divergence-fit';
import type { RunRecord, RunStore } from '../store/run-store';
import { duration, numberText } from './format';

const DATASET_NAMES: Record<string, string> = { usps: 'USPS', 'fashion-mnist': 'Fashion-MNIST' };

/** Dataset, model, optimiser and spectrum in words, e.g. "USPS 16×16 · MLP 256-20-10 (relu), 5350 parameters · SGD, γ = 0.01, batch 8, float32 · exact spectrum every 1". */
export function describeRun(c: RunConfig, nParams: number): string {
  const side = c.data.imageSide;
  const data = `${DATASET_NAMES[c.data.dataset] ?? c.data.dataset} ${side}×${side}`;
  const m = c.model;
  const model =
    m.kind === 'mlp' ? `MLP ${side * side}-${m.hidden}-10 (${m.activation})` : `CNN ${m.baseChannels} base channels × ${m.blocks} blocks (${m.activation})`;
  const t = c.train;
  // The optimiser as the Library names it (shared/config/summary.ts), then the step size, batch and precision.
  const opt = [
    t.mode === 'gd' && !c.cgd ? optimizerLabel(c).replace(/^SGD/, 'GD') : optimizerLabel(c),
    `γ = ${t.lr}`,
    t.mode === 'gd' ? `full batch of ${t.subset ?? 'all'} images` : `batch ${t.batchSize}`,
    t.precision,
  ];
  const spectrum =
    c.spectrum.every > 0 ? `${c.spectrum.method === 'lanczos' ? 'Lanczos-estimated' : 'exact'} spectrum every ${c.spectrum.every}` : 'no spectrum';
  return `${data} · ${model}, ${nParams} parameters · ${opt.join(', ')} · ${spectrum}`;
}

/** The run's headline numbers, one per line ("final loss 0.1234 (step 2999)", …); only what it recorded. */
export function headline(store: RunStore, rec: RunRecord): string[] {
  const num = numberText(rec.config.train.precision);
  const last = (metric: string): { step: number; value: number } | null => {
    if (!rec.series.includes(metric)) return null;
    const s = store.readSeries(rec.id, metric);
    return s.steps.length ? { step: s.steps[s.steps.length - 1], value: s.values[s.values.length - 1] } : null;
  };
  const lines: string[] = [];
  const loss = last('loss');
  if (loss) lines.push(`final loss ${num(loss.value)} (step ${loss.step})`);
  const acc = last('test_acc');
  if (acc) lines.push(`test accuracy ${(100 * acc.value).toFixed(2)} % (step ${acc.step})`);
  const neg = last('n_neg');
  const chaotic = last('n_chaotic');
  if (neg && chaotic) lines.push(`last spectrum (step ${neg.step}): ${neg.value} negative, ${chaotic.value} chaotic eigenvalues`);
  // Lanczos runs: the SLQ estimates with their standard errors (DESIGN §6).
  const est = (name: string): string => `${last(name)!.value.toFixed(1)} ± ${(last(`${name}_se`)?.value ?? NaN).toFixed(1)}`;
  const negEst = last('n_neg_est');
  if (negEst && last('n_chaotic_est'))
    lines.push(`last estimated spectrum (step ${negEst.step}): ${est('n_neg_est')} negative, ${est('n_chaotic_est')} chaotic eigenvalues (SLQ)`);
  const analysis = rec.config.replicas ? (store.loadResult(rec.id, 'divergence') as DivergenceAnalysis | null) : null;
  for (const g of analysis?.groups ?? [])
    lines.push(`divergence ε = ${g.eps} (mean of ${g.seeds} seeds): ${g.quad ? fitText(g.quad) : (g.regimes ?? 'not fitted')}`);
  const lyap = last('lyap_max');
  if (lyap) lines.push(`top Lyapunov exponent λ₁ = ${lyap.value.toPrecision(4)} per step (step ${lyap.step})`);
  const wall = last('wall');
  if (wall) lines.push(`duration ${duration(wall.value)} of computing`);
  return lines;
}
