// The Hessian spectrum drawn two ways: over steps as a heatmap of counts per symlog λ bin (the spectrogram), and
// at one step as a histogram with count labels, stacked by class in the semantic colours (negative; positive and
// stable; chaotic beyond 2/γ, where (1 − γλ)² > 1, DESIGN §2, counted per eigenvalue). Guides at λ = 0 and
// λ = 2/γ; the null part |λ| ≤ τ is a multiplicity, not drawn. An estimated spectrum (SLQ, DESIGN §6) is drawn as its
// expected count per bin with a ± SE band instead of bars, the Lanczos extremes as dots on the axis in the same
// colours, and labelled an estimate.
import { readoutNumber } from './format';
import { GUIDE, INK, SEMANTIC } from './palette';
import { axisTitle } from './quantities';
import { SYMLOG_C } from './scales';
import type { ColorScale, Mark, Panel, RuleMark } from './spec';
import type { ColumnEstimate, SpectrumColumn } from './spectrum-bins';
import { BINS, binCentre, binRange, estimateLabel, isNegativeBin, occupiedBins } from './spectrum-bins';

const guides = (lr: number, axis: 'x' | 'y', prefix: string): RuleMark[] => [
  { type: 'rule', axis, value: 0, text: `${prefix}0`, color: GUIDE },
  { type: 'rule', axis, value: 2 / lr, text: `${prefix}2/γ`, color: SEMANTIC.chaotic },
];

/** Largest count in any bin of any column: the top of a shared colour scale. */
export function maxCount(columns: SpectrumColumn[]): number {
  let max = 1;
  for (const c of columns) for (let b = 0; b < BINS; b++) if (c.counts[b] > max) max = c.counts[b];
  return max;
}

/** Counts per bin on a log colour scale from 1 to `max` (shared between panels when the caller passes one max). */
export const countScale = (max: number, estimate = false): ColorScale => ({
  map: 'inferno',
  kind: 'log',
  domain: [1, Math.max(2, max)],
  title: `${axisTitle('eigen_per_bin')}${estimate ? ' (SLQ estimate)' : ''}`,
});

export function spectrogramPanel(columns: SpectrumColumn[], o: { lr: number; title?: string; xDomain?: [number, number]; colorMax?: number }): Panel {
  const [b0, b1] = occupiedBins(columns);
  const edges = Array.from({ length: b1 - b0 + 2 }, (_, i) => binRange(b0 + i)[0]);
  const color = countScale(
    o.colorMax ?? maxCount(columns),
    columns.some((c) => c.estimate),
  );
  const first = columns.length ? columns[0].step : 0;
  const last = columns.length ? columns[columns.length - 1].step : 1;
  return {
    title: o.title,
    x: { title: axisTitle('step'), scale: 'linear', domain: o.xDomain ?? [first, last > first ? last : first + 1] },
    y: { title: axisTitle('lambda'), scale: 'symlog', constant: SYMLOG_C, domain: [edges[0], edges[edges.length - 1]] },
    marks: [
      { type: 'heatmap', x: columns.map((c) => c.step), edges, values: columns.map((c) => c.counts.subarray(b0, b1 + 1)), color },
      ...guides(o.lr, 'y', 'λ = '),
    ],
    colorBar: color,
  };
}

/** The class of λ: 0 negative, 1 positive below 2/γ, 2 chaotic beyond 2/γ. */
const classOf = (lambda: number, lr: number): number => (lambda < 0 ? 0 : lambda > 2 / lr ? 2 : 1);

function estimatedPanel(column: SpectrumColumn, e: ColumnEstimate, o: { lr: number; title?: string }): Panel {
  const [b0, b1] = occupiedBins([column]);
  const x: number[] = [];
  const y: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let b = b0; b <= b1; b++) {
    x.push(binCentre(b));
    y.push(column.counts[b]);
    lo.push(Math.max(0, column.counts[b] - e.se[b]));
    hi.push(column.counts[b] + e.se[b]);
  }
  const label = estimateLabel(e);
  const marks: Mark[] = e.probes
    ? [
        { type: 'band', x, lo, hi, length: x.length, color: INK, opacity: 0.18 },
        { type: 'line', data: { x, y, length: x.length }, color: INK, label: `${label} ± SE` },
      ]
    : [];
  const names = ['Lanczos λ < 0', 'Lanczos 0 < λ < 2/γ', 'Lanczos λ > 2/γ'];
  const colors = [SEMANTIC.negative, SEMANTIC.positive, SEMANTIC.chaotic];
  const ritz = [...e.ritz].sort((a, b) => a - b);
  for (let k = 0; k < 3; k++) {
    const at = ritz.filter((l) => classOf(l, o.lr) === k);
    if (at.length) marks.push({ type: 'dot', data: { x: at, y: at.map(() => 0), length: at.length }, color: colors[k], label: `${names[k]}: ${at.length}` });
  }
  const nullNote = e.probes
    ? `estimated null: ${readoutNumber(column.nullCount)} ± ${readoutNumber(e.nullSe)} with |λ| ≤ τ_c = ${readoutNumber(column.nullTol)} (not drawn; SLQ cannot tell them from null)`
    : 'no SLQ probes (spectrum.probes empty): the Lanczos extremes only';
  return {
    title: o.title,
    x: { title: axisTitle('lambda'), scale: 'symlog', constant: SYMLOG_C, domain: [binRange(b0)[0], binRange(b1)[1]] },
    y: { title: `${axisTitle('eigen_per_bin')} (${label})`, scale: 'linear', include: [0, 1] },
    marks: [...marks, ...guides(o.lr, 'x', '')],
    notes: [nullNote],
  };
}

/**
 * Bars of counts per bin, stacked by class: negative (λ < −τ, every one of them chaotic), positive and stable, and
 * positive chaotic, the last two counted eigenvalue by eigenvalue with isChaotic (a bin across 2/γ holds both).
 */
export function densityPanel(column: SpectrumColumn | null, o: { lr: number; title?: string }): Panel {
  if (column?.estimate) return estimatedPanel(column, column.estimate, o);
  const [b0, b1] = occupiedBins(column ? [column] : []);
  const x0: number[] = [];
  const x1: number[] = [];
  const y: number[] = [];
  const parts: number[][] = [[], [], []];
  for (let b = b0; b <= b1; b++) {
    const [lo, hi] = binRange(b);
    const count = column ? column.counts[b] : 0;
    // Bins never straddle 0 (it is a bin edge): a bin is all negative or all positive.
    const negative = isNegativeBin(b);
    const chaotic = column && !negative ? column.chaotic[b] : 0;
    x0.push(lo);
    x1.push(hi);
    y.push(count);
    parts[0].push(negative ? count : 0);
    parts[1].push(negative ? 0 : count - chaotic);
    parts[2].push(chaotic);
  }
  const total = (k: number): number => parts[k].reduce((a, v) => a + v, 0);
  const notes = column
    ? [
        `null: ${column.nullCount} with |λ| ≤ ${readoutNumber(column.nullTol)} (not drawn)`,
        `chaotic, (1 − γλ)² > 1: ${total(0) + total(2)} (${total(0)} negative, ${total(2)} beyond 2/γ)`,
      ]
    : [];
  return {
    title: o.title,
    x: { title: axisTitle('lambda'), scale: 'symlog', constant: SYMLOG_C, domain: [binRange(b0)[0], binRange(b1)[1]] },
    y: { title: axisTitle('eigen_per_bin'), scale: 'linear', include: [0, 1] },
    marks: [
      {
        type: 'bar',
        x0,
        x1,
        y,
        parts,
        classes: [
          { label: `negative λ < −τ (chaotic): ${total(0)}`, color: SEMANTIC.negative },
          { label: `positive, (1 − γλ)² ≤ 1: ${total(1)}`, color: SEMANTIC.positive },
          { label: `chaotic λ > 2/γ: ${total(2)}`, color: SEMANTIC.chaotic },
        ],
        labels: true,
      },
      ...guides(o.lr, 'x', ''),
    ],
    notes,
  };
}
