// The chart core end to end in Node: layout that fits its text at any width and font size, well-formed SVG with
// axis titles, legends shown once per series, colour bars, vector heatmaps and labelled histogram bars.
import fc from 'fast-check';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../../src/shared/charts/font';
import type { Label } from '../../../src/shared/charts/format';
import type { FigureLayout } from '../../../src/shared/charts/layout';
import { layoutFigure } from '../../../src/shared/charts/layout';
import { linePanel } from '../../../src/shared/charts/line-panel';
import { SEMANTIC, sequentialColors } from '../../../src/shared/charts/palette';
import type { Figure, Panel } from '../../../src/shared/charts/spec';
import { densityPanel, spectrogramPanel } from '../../../src/shared/charts/spectrum-panels';
import { binOf, binRange, binSpectrum } from '../../../src/shared/charts/spectrum-bins';
import { svgDocument } from '../../../src/shared/charts/svg';
import { findAll, hasClass, parseXml, textOf } from '../../helpers/xml';

const steps = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i);
const xy = (y: Float64Array) => ({ x: steps(y.length), y, length: y.length });
const lossPanel = (n = 2000, title = 'Loss'): Panel =>
  linePanel(
    [
      { label: 'train', color: SEMANTIC.train, data: xy(steps(n).map((i) => 2 * Math.exp(-i / 500) + 0.1)) },
      { label: 'test', color: SEMANTIC.test, data: xy(steps(n).map((i) => 2 * Math.exp(-i / 600) + 0.2)), dash: true },
    ],
    { title, x: { title: 'step', scale: 'linear' }, y: { title: 'loss (nats)', scale: 'log' }, guides: [{ value: 1, text: 'one' }] },
  );
const figure = (panels: Panel[], over: Partial<Figure> = {}): Figure => ({ width: 252, height: 160, fontSize: 8, unit: 'pt', panels, ...over });
const spectra = Array.from({ length: 50 }, (_, t) =>
  binSpectrum(
    { step: t * 10, n: 100, nullCount: 60, nullTol: 1e-9, eigenvalues: Float64Array.from({ length: 40 }, (_, i) => (i - 8) * 0.05 * (1 + t / 50)) },
    0.1,
  ),
);

/** A label's width as drawn: the exponent at 70 %. */
const width = (l: Label, size: number): number => textWidth(l.text, size) + (l.sup ? textWidth(l.sup, 0.7 * size) : 0);

/** Every text's box (from the font metrics) inside the figure; tick labels of one axis apart. */
function checkFits(l: FigureLayout): void {
  const { width: figW, height } = l.figure;
  const f = l.fonts;
  for (const p of l.panels) {
    const boxes = p.xTicks.map((t) => {
      const w = width(t.label, f.tick);
      const cx = p.plot.x + p.x(t.value);
      return [cx - w / 2, cx + w / 2];
    });
    for (const [a, b] of boxes) {
      expect(a).toBeGreaterThanOrEqual(-0.05);
      expect(b).toBeLessThanOrEqual(figW + 0.05);
    }
    for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThan(boxes[i - 1][1]);
    const yLabelW = Math.max(0, ...p.yTicks.map((t) => width(t.label, f.tick)));
    // y title (a line high) + labels + tick inside the box on the left.
    expect(p.plot.x - yLabelW - 1.2 * f.axis).toBeGreaterThanOrEqual(p.box.x - 0.01);
    const ys = p.yTicks.map((t) => p.plot.y + p.y(t.value)).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(f.tick - 1e-9);
    expect(p.plot.w).toBeGreaterThan(0);
    expect(p.plot.h).toBeGreaterThan(0);
    if (p.legend) for (const e of p.legend.placed) expect(p.legend.x + e.x + 1.95 * f.legend + textWidth(e.label, f.legend)).toBeLessThanOrEqual(figW + 0.05);
    for (const n of p.notes) expect(n.y).toBeLessThanOrEqual(height + 0.05);
    if (p.colorBar) {
      const labelW = Math.max(...p.colorBar.ticks.map((t) => width(t.label, f.tick)));
      expect(p.colorBar.bar.x + p.colorBar.bar.w + 0.7 * f.axis + labelW + 1.2 * f.axis).toBeLessThanOrEqual(figW + 0.05);
    }
  }
}

describe('chart core', () => {
  it('lays out single- and double-column figures at 6–12 pt so that no text leaves the figure or overlaps', () => {
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 160, max: 720 }),
          aspect: fc.double({ min: 0.5, max: 0.9, noNaN: true }),
          font: fc.double({ min: 6, max: 12, noNaN: true }),
          n: fc.integer({ min: 2, max: 40_000 }),
          columns: fc.integer({ min: 1, max: 2 }),
        }),
        ({ width, aspect, font: f, n, columns }) => {
          // Fonts a figure of that width can carry (12 pt on 160 pt is a poster, not a figure).
          const font = Math.min(f, width / 22);
          const panels = [lossPanel(n), spectrogramPanel(spectra, { lr: 0.01, title: 'Spectrogram' })];
          checkFits(layoutFigure(figure(panels, { width, height: width * aspect * (columns === 1 ? 2 : 1), fontSize: font, columns })));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes a well-formed SVG document with axis titles, ticks, guides and one legend entry per series', () => {
    const svg = svgDocument(layoutFigure(figure([lossPanel()], { title: 'Figure <1> & "2"' })));
    expect(() => new Resvg(svg)).not.toThrow();
    const root = parseXml(svg);
    expect(root.attrs).toMatchObject({ width: '252pt', height: '160pt', viewBox: '0 0 252 160' });
    expect(findAll(root, hasClass('figure-title')).map(textOf)).toEqual(['Figure <1> & "2"']);
    expect(findAll(root, hasClass('axis-title')).map(textOf)).toEqual(['step', 'loss (nats)']);
    const xTicks = findAll(root, hasClass('x-axis'))[0];
    expect(findAll(xTicks, hasClass('tick')).map(textOf)).toEqual(['0', '500', '1k', '1.5k']);
    expect(findAll(root, hasClass('legend-entry')).map(textOf)).toEqual(['train', 'test']);
    expect(findAll(root, hasClass('guide-label')).map(textOf)).toEqual(['one']);
    expect(svg).not.toContain('<image');
  });

  it('shows a series once in a shared legend however many panels draw it', () => {
    const panels = [lossPanel(500, 'a'), lossPanel(500, 'b'), lossPanel(500, 'c')];
    const root = parseXml(svgDocument(layoutFigure(figure(panels, { sharedLegend: true, columns: 3, width: 504 }))));
    expect(findAll(root, hasClass('legend-entry')).map(textOf)).toEqual(['train', 'test']);
    // Within a panel too: a group's min and max lines share one entry.
    const minmax = linePanel(
      [
        { label: 'min/max', color: '#123456', data: xy(steps(10)), dash: true, faint: true },
        { label: 'min/max', color: '#123456', data: xy(steps(10).map((v) => v + 1)), dash: true, faint: true },
      ],
      { x: { title: 'step', scale: 'linear' }, y: { title: 'v', scale: 'linear' } },
    );
    expect(findAll(parseXml(svgDocument(layoutFigure(figure([minmax])))), hasClass('legend-entry')).map(textOf)).toEqual(['min/max']);
  });

  it('draws k = 32 exponents in a sequential map with a colour bar instead of 32 legend entries', () => {
    const colors = sequentialColors('viridis', 32);
    const panel = linePanel(
      colors.map((color, i) => ({ label: `λ${i + 1}`, color, data: xy(steps(100).map((t) => (16 - i) * 1e-3 * Math.exp(-t / 50))) })),
      {
        x: { title: 'step', scale: 'linear' },
        y: { title: 'exponent (1/step)', scale: 'linear' },
        colorBar: { map: 'viridis', kind: 'linear', domain: [1, 32], steps: 32, title: 'exponent index i' },
      },
    );
    const root = parseXml(svgDocument(layoutFigure(figure([panel]))));
    expect(findAll(root, hasClass('legend-entry'))).toEqual([]);
    const bar = findAll(root, hasClass('colorbar'))[0];
    expect(findAll(bar, (e) => e.name === 'rect').length).toBe(33);
    const ticks = findAll(bar, hasClass('tick')).map(textOf);
    expect(ticks[0]).toBe('1');
    expect(ticks.at(-1)).toBe('32');
    expect(findAll(bar, hasClass('colorbar-title')).map(textOf)).toEqual(['exponent index i']);
  });

  it('draws the spectrogram as vector cells with a count colour bar, shared across panels on request', () => {
    const panel = spectrogramPanel(spectra, { lr: 0.01, title: 'one' });
    const root = parseXml(svgDocument(layoutFigure(figure([panel]))));
    const cells = findAll(findAll(root, hasClass('heatmap'))[0], (e) => e.name === 'rect');
    expect(cells.length).toBeGreaterThan(40);
    expect(findAll(root, hasClass('colorbar')).length).toBe(1);
    expect(findAll(root, hasClass('colorbar-title')).map(textOf)).toEqual(['eigenvalues per bin']);
    expect(findAll(root, hasClass('axis-title')).map(textOf)).toEqual(['step', 'Hessian eigenvalue λ']);
    // Two panels, one shared scale: one colour bar for the figure, both panels coloured on the same domain.
    const half = spectra.slice(40).map((c) => ({ ...c, counts: c.counts.map((v) => Math.ceil(v / 2)) }));
    const max = Math.max(...spectra.flatMap((c) => [...c.counts]));
    const shared = figure([spectrogramPanel(spectra, { lr: 0.01, colorMax: max }), spectrogramPanel(half, { lr: 0.01, colorMax: max })], {
      sharedColorBar: true,
    });
    const sharedRoot = parseXml(svgDocument(layoutFigure(shared)));
    expect(findAll(sharedRoot, hasClass('colorbar')).map((e) => e.attrs['data-hi'])).toEqual([String(max)]);
    const own = figure([spectrogramPanel(spectra, { lr: 0.01 }), spectrogramPanel(half, { lr: 0.01 })]);
    const his = findAll(parseXml(svgDocument(layoutFigure(own))), hasClass('colorbar')).map((e) => Number(e.attrs['data-hi']));
    expect(his.length).toBe(2);
    expect(his[0]).toBe(max);
    expect(his[1]).toBeLessThan(max);
  });

  it('labels histogram bars with their counts, coloured by class, with the null part as a note', () => {
    const column = spectra[49];
    const root = parseXml(svgDocument(layoutFigure(figure([densityPanel(column, { lr: 0.1 })], { width: 400, height: 220 }))));
    const bars = findAll(root, hasClass('bar'));
    const labels = findAll(root, hasClass('bar-label')).map((e) => Number(textOf(e)));
    const nonEmpty = [...column.counts].filter((c) => c > 0);
    expect(bars.length).toBe(nonEmpty.length);
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((c) => nonEmpty.includes(c))).toBe(true);
    expect(labels.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(40);
    const neg = [...column.counts].reduce((t, c, b) => t + (binRange(b)[1] <= 0 ? c : 0), 0);
    expect(findAll(root, hasClass('legend-entry')).map(textOf)).toEqual([`negative λ < −τ (chaotic): ${neg}`, `positive, (1 − γλ)² ≤ 1: ${40 - neg}`]);
    expect(new Set(bars.map((b) => b.attrs.fill))).toEqual(new Set([SEMANTIC.negative, SEMANTIC.positive]));
    expect(findAll(root, hasClass('note')).map(textOf)).toEqual([
      'null: 60 with |λ| ≤ 1e\u22129 (not drawn)',
      `chaotic, (1 − γλ)² > 1: ${neg} (${neg} negative, 0 beyond 2/γ)`,
    ]);
  });

  it('colours chaotic eigenvalues one by one with isChaotic: a bin across 2/γ is a stack of stable and chaotic parts', () => {
    const lr = 0.1;
    const b = binOf(2 / lr);
    const [lo, hi] = binRange(b);
    expect(lo).toBeLessThan(20);
    expect(hi).toBeGreaterThan(20);
    // Three stable and two chaotic eigenvalues in the one bin holding 2/γ = 20; one negative elsewhere, and one
    // just below 0, in the bin whose upper edge is 0 up to round-off.
    const eigenvalues = Float64Array.from([-0.5, -1e-5, lo + 1e-9, (lo + 20) / 2, 20, 20 + 1e-9, (20 + hi) / 2]);
    const column = binSpectrum({ step: 0, n: 10, nullCount: 4, nullTol: 1e-6, eigenvalues }, lr);
    expect(column.counts[b]).toBe(5);
    expect(column.chaotic[b]).toBe(2);
    expect(column.chaotic[binOf(-0.5)]).toBe(1);
    expect(binRange(binOf(-1e-5))[1]).not.toBeLessThan(0);
    const p = densityPanel(column, { lr });
    const bars = p.marks.find((m) => m.type === 'bar')!;
    if (bars.type !== 'bar') throw new Error('no bars');
    const root = parseXml(svgDocument(layoutFigure(figure([p], { width: 400, height: 220 }))));
    const rects = findAll(root, hasClass('bar'));
    const inBin = rects.filter((r) => r.attrs.fill !== SEMANTIC.negative);
    expect(inBin.map((r) => r.attrs.fill)).toEqual([SEMANTIC.positive, SEMANTIC.chaotic]);
    // Stacked: the chaotic part sits on the stable part, heights 3 : 2.
    const [stable, chaotic] = inBin.map((r) => ({ y: Number(r.attrs.y), h: Number(r.attrs.height) }));
    expect(chaotic.y + chaotic.h).toBeCloseTo(stable.y, 1);
    expect(stable.h / chaotic.h).toBeCloseTo(3 / 2, 1);
    expect(findAll(root, hasClass('bar-label')).map(textOf).sort()).toEqual(['1', '1', '5']);
    expect(findAll(root, hasClass('legend-entry')).map(textOf)).toEqual(['negative λ < −τ (chaotic): 2', 'positive, (1 − γλ)² ≤ 1: 3', 'chaotic λ > 2/γ: 2']);
  });

  it('escapes text and survives empty, flat and non-finite data', () => {
    const weird = linePanel(
      [
        { label: '<script>alert("x")</script> & co', color: '#000000', data: xy(Float64Array.from([NaN, Infinity, 0, -1])) },
        { label: 'empty', color: '#111111', data: { x: [], y: [], length: 0 } },
        { label: 'flat', color: '#222222', data: xy(Float64Array.from([3, 3, 3])) },
      ],
      { x: { title: 'x & y', scale: 'log' }, y: { title: 'y', scale: 'log' }, xName: 'step' },
    );
    const svg = svgDocument(layoutFigure(figure([weird, densityPanel(null, { lr: 0.01 }), spectrogramPanel([], { lr: 0.01 })], { columns: 3 })));
    expect(() => new Resvg(svg)).not.toThrow();
    const root = parseXml(svg);
    expect(svg).not.toContain('<script');
    expect(findAll(root, hasClass('legend-entry')).map(textOf)[0]).toBe('<script>alert("x")</script> & co');
    expect(findAll(root, hasClass('note')).map(textOf)).toEqual(['not drawn on log axes: 2 with step ≤ 0, 4 with value ≤ 0']);
  });
});
