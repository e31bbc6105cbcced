// The replica divergence as the paper reads it (DESIGN §2, Fig. 3): two panels of the mean distance d(t) of a
// group of replica curves with its band, ln d against t with the early exponential fit ln d = c + r·t, and
// log d against log t with the late power law d ∝ t^α and the quadratic model d² = a·t + b·t² + d₀²; the
// crossover step between the regimes marked on both. The fits come from analyseCurve (shared/math/divergence):
// the app, the CLI and reports draw the same numbers.
import { readoutNumber } from './format';
import { fittedDistance } from '../math/divergence-fit';
import type { CurveAnalysis } from '../math/divergence';
import type { GroupBand } from '../math/group';
import { bandLabel } from '../math/group';
import type { LineSeries } from './line-panel';
import { linePanel } from './line-panel';
import { axisTitle } from './quantities';
import type { Panel } from './spec';

export interface DivergenceGroup {
  /** What the curves are, e.g. a run's name or "sgd ×3, ε = 0.1"; left out of labels when it is the only group. */
  label: string;
  color: string;
  band: Pick<GroupBand, 'steps' | 'mean' | 'lo' | 'hi' | 'n' | 'kind'>;
  analysis: CurveAnalysis;
}

/** `count` values from a to b, evenly spaced (log-spaced when `log`). */
function span(a: number, b: number, count: number, log: boolean): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => {
    const u = count > 1 ? i / (count - 1) : 0;
    return log ? a * (b / a) ** u : a + (b - a) * u;
  });
}
const curve = (t: Float64Array, f: (t: number) => number) => ({ x: t, y: t.map(f), length: t.length });

/** The two panels (early: ln d vs t; late: log d vs log t) for one or more groups, x zoomed to `domain` if given. */
export function divergencePanels(groups: DivergenceGroup[], domain: [number, number] | null = null): [Panel, Panel] {
  const early: LineSeries[] = [];
  const late: LineSeries[] = [];
  const rules: { value: number; text: string; color: string; axis: 'x' }[] = [];
  const one = groups.length === 1;
  let minPositive = Infinity;
  for (const g of groups) {
    const { band, analysis: a, color } = g;
    const len = band.steps.length;
    if (!len) continue;
    const name = (what: string): string => (one ? what : `${g.label}: ${what}`);
    const mean: LineSeries = {
      label: `${g.label}: ${bandLabel(band)}`,
      color,
      data: { x: band.steps, y: band.mean, length: len },
      band: { lo: band.lo, hi: band.hi },
    };
    early.push(mean);
    late.push(mean);
    const t0 = band.steps[0];
    const t1 = band.steps[len - 1];
    const firstPositive = Array.prototype.find.call(band.steps, (t: number) => t > 0) as number | undefined;
    if (firstPositive !== undefined) minPositive = Math.min(minPositive, firstPositive);
    if (a.crossover && a.early && a.late) {
      const tc = a.crossover.step;
      const e = a.early;
      const l = a.late;
      early.push({
        label: name(`exponential: r = ${readoutNumber(e.slope)}/step`),
        color,
        dash: true,
        data: curve(span(t0, tc, 64, false), (t) => Math.exp(e.intercept + e.slope * t)),
      });
      late.push({
        label: name(`power law: d ∝ t^${readoutNumber(l.slope)}`),
        color,
        dash: true,
        data: curve(span(tc, t1, 64, true), (t) => Math.exp(l.intercept) * t ** l.slope),
      });
      // Several groups: the rule's colour names its group (long group labels at nearby steps would overprint).
      rules.push({ axis: 'x', value: tc, text: one ? `crossover t = ${tc}` : `t = ${tc}`, color });
    }
    const q = a.quad;
    if (q && firstPositive !== undefined && t1 > firstPositive)
      late.push({ label: name('d² = a·t + b·t² + d₀²'), color, faint: true, data: curve(span(firstPositive, t1, 128, true), (t) => fittedDistance(q, t)) });
  }
  const y = { title: axisTitle('distance'), scale: 'log' as const };
  const x = axisTitle('step');
  return [
    linePanel(early, {
      title: 'ln d against t: early exponential',
      x: { title: x, scale: 'linear', domain: domain ?? undefined },
      y,
      xName: 'step',
      guides: rules,
    }),
    linePanel(late, {
      title: 'log d against log t: late power law',
      x: { title: `${x} (log)`, scale: 'log', domain: domain && domain[1] > minPositive ? [Math.max(domain[0], minPositive), domain[1]] : undefined },
      y,
      xName: 'step',
      guides: rules,
    }),
  ];
}
