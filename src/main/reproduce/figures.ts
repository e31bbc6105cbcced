// The report's figures, drawn by the app's chart core (shared/charts: line panels → layout → SVG; PNG by resvg),
// with the CSV of exactly the plotted points beside each. Figures 1 and 2: test accuracy and smoothed batch loss
// per variant, mean over seeds with the seeds' band; Figure 3: replica distance per strategy (log–log) and the top
// Lyapunov exponents over steps.
import type { Series } from '../../shared/records';
import { linePanel, type LineSeries } from '../../shared/charts/line-panel';
import { layoutFigure } from '../../shared/charts/layout';
import { RUN_PALETTES } from '../../shared/charts/palette';
import { PRINT_FONT_PT, PRINT_WIDTHS } from '../../shared/charts/print';
import { svgDocument } from '../../shared/charts/svg';
import type { Figure } from '../../shared/charts/spec';
import { sequentialColors } from '../../shared/charts/palette';
import { ema } from '../../shared/math/ema';
import { groupBand } from '../../shared/math/group';
import type { DivergenceAnalysis } from '../../shared/math/divergence';
import { seriesCsv } from '../store/csv';
import type { RunStore } from '../store/run-store';
import type { Evidence, VariantAccuracy } from '../../shared/reproduce';

export interface ReportFigure {
  /** File stem: fig1, fig2, fig3. */
  id: string;
  title: string;
  svg: string;
  csv: string;
}

const COLORS = RUN_PALETTES['okabe-ito'];
/** EMA weight of the past in the smoothed batch loss (shared/math/ema.ts; batch 8 is noisy). */
const LOSS_ALPHA = 0.99;

function figure(title: string, panels: Figure['panels']): string {
  const width = PRINT_WIDTHS.double.pt;
  return svgDocument(
    layoutFigure({ width, height: 0.45 * width, fontSize: PRINT_FONT_PT, unit: 'pt', title, panels, columns: panels.length, sharedLegend: true }),
  );
}

const asSeries = (steps: ArrayLike<number>, values: ArrayLike<number>): Series => ({ steps: Int32Array.from(steps), values: Float64Array.from(values) });

/** Test accuracy and smoothed loss per variant (mean over seeds, band over seeds). */
function accuracyFigure(store: RunStore, id: string, title: string, variants: VariantAccuracy[]): ReportFigure {
  const acc: LineSeries[] = [];
  const loss: LineSeries[] = [];
  const csvNames: string[] = [];
  const csvSeries: Series[] = [];
  const drawn = new Map<string, string>();
  variants.forEach((v, i) => {
    const color = COLORS[i % COLORS.length];
    const a = groupBand(
      v.runs.map((r) => store.readSeries(r, 'test_acc')),
      { domain: 'unit' },
    );
    const l = groupBand(
      v.runs.map((r) => {
        const s = store.readSeries(r, 'loss');
        return { steps: s.steps, values: ema(s.values, s.values.length, LOSS_ALPHA) };
      }),
      { domain: 'nonneg' },
    );
    // A short run evaluates the test set once or twice: dots, which a line of one point would not show.
    const scatter = a.steps.length < 3;
    // A variant whose curves are exactly an earlier one's (CGD chaotic pruning only the negative set) hides under it: say so.
    const key = [a.mean, l.mean].map((m) => Buffer.from(m.buffer, m.byteOffset, m.byteLength).toString('base64')).join();
    const twin = drawn.get(key);
    if (!twin) drawn.set(key, v.variant);
    const label = twin ? `${v.variant} (= ${twin}, drawn over it)` : v.variant;
    acc.push({ label, color, data: { x: a.steps, y: a.mean, length: a.steps.length }, band: scatter ? undefined : { lo: a.lo, hi: a.hi }, scatter });
    loss.push({ label, color, data: { x: l.steps, y: l.mean, length: l.steps.length }, band: { lo: l.lo, hi: l.hi } });
    csvNames.push(`${v.variant} test_acc mean`, `${v.variant} test_acc lo`, `${v.variant} test_acc hi`, `${v.variant} loss ema mean`);
    csvSeries.push(asSeries(a.steps, a.mean), asSeries(a.steps, a.lo), asSeries(a.steps, a.hi), asSeries(l.steps, l.mean));
  });
  const panels = [
    linePanel(acc, { title: 'test accuracy', x: { title: 'step', scale: 'linear' }, y: { title: 'test accuracy (fraction)', scale: 'linear' } }),
    linePanel(loss, { title: `batch loss (EMA α = ${LOSS_ALPHA})`, x: { title: 'step', scale: 'linear' }, y: { title: 'loss (nats)', scale: 'log' } }),
  ];
  return { id, title, svg: figure(title, panels), csv: seriesCsv(csvNames, csvSeries) };
}

function divergenceFigure(store: RunStore, e: NonNullable<Evidence['fig3']>): ReportFigure {
  const dist: LineSeries[] = [];
  const names: string[] = [];
  const series: Series[] = [];
  const runs = [...new Set(e.divergence.map((d) => d.runId))];
  let c = 0;
  for (const id of runs) {
    const a = store.loadResult(id, 'divergence') as DivergenceAnalysis;
    for (const g of a.groups) {
      // The first step is the perturbation itself (t = 0): not drawable on a log axis, kept in the CSV.
      const x = a.steps;
      dist.push({
        label: `${g.strategy} ε=${g.eps}`,
        color: COLORS[c++ % COLORS.length],
        data: { x, y: g.band.mean, length: x.length },
        band: { lo: g.band.lo, hi: g.band.hi },
      });
      names.push(`${g.strategy} eps=${g.eps} distance mean`);
      series.push(asSeries(x, g.band.mean));
    }
  }
  const frames = store.readLyapunov(e.lyapunovRun);
  const k = Math.min(5, frames[0]?.exponents.length ?? 0);
  const colors = sequentialColors('viridis', Math.max(k, 1));
  const steps = frames.map((f) => f.step);
  const lyap: LineSeries[] = Array.from({ length: k }, (_, i) => {
    const y = Float64Array.from(frames, (f) => f.exponents[i]);
    names.push(`lambda_${i + 1}`);
    series.push(asSeries(steps, y));
    return { label: `λ${i + 1}`, color: colors[i], data: { x: steps, y, length: steps.length } };
  });
  const panels = [
    linePanel(dist, {
      title: 'replica distance d(t), mean over seeds',
      x: { title: 'step', scale: 'log' },
      xName: 'step',
      y: { title: 'distance', scale: 'log' },
    }),
    linePanel(lyap, {
      title: 'top Lyapunov exponents (QR)',
      x: { title: 'step', scale: 'linear' },
      y: { title: 'λ (nats/step)', scale: 'linear' },
      guides: [{ value: 0, text: '0' }],
    }),
  ];
  const title = 'Figure 3 — divergence of replicas and Lyapunov exponents';
  return { id: 'fig3', title, svg: figure(title, panels), csv: seriesCsv(names, series) };
}

export function reportFigures(store: RunStore, e: Evidence): ReportFigure[] {
  const out: ReportFigure[] = [];
  if (e.fig1) out.push(accuracyFigure(store, 'fig1', 'Figure 1 — SGD against CGD (pruned curvature)', e.fig1.variants));
  if (e.fig2) out.push(accuracyFigure(store, 'fig2', 'Figure 2 — pruning negative curvature from a later step', e.fig2.variants));
  if (e.fig3) out.push(divergenceFigure(store, e.fig3));
  return out;
}
