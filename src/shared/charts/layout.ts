// Layout of a figure in its user units: panel boxes on a grid, and in each panel the margins that the measured
// text needs (tick labels, axis titles, legend rows, colour bar, notes), so that nothing overlaps or leaves the
// figure at any width or font size. Fonts scale with the figure's base size (points in print).
import { ASCENT, DESCENT, textWidth } from './font';
import type { Label } from './format';
import type { PlacedEntry } from './legend';
import { legendEntries, legendMetrics, placeLegend } from './legend';
import { visibleRange } from './lod';
import type { PositionScale, ScaleKind } from './scales';
import { domainFor, makeScale, showable } from './scales';
import type { ColorScale, Figure, Mark, Panel } from './spec';
import type { Tick } from './ticks';
import { axisTicks, logMinorTicks } from './ticks';
import { colorBarTicks } from './colorbar';
import type { Rect } from './marks';

export interface Fonts {
  title: number;
  panelTitle: number;
  axis: number;
  tick: number;
  legend: number;
  note: number;
  barLabel: number;
}
export const fontsFor = (size: number): Fonts => ({
  title: 1.15 * size,
  panelTitle: size,
  axis: size,
  tick: 0.875 * size,
  legend: 0.875 * size,
  note: 0.8 * size,
  barLabel: 0.75 * size,
});
/** Tick mark length and the small gaps around text, as fractions of the base font size. */
const TICK = 0.35;
const PAD = 0.3;

export interface LegendLayout {
  x: number;
  y: number;
  placed: PlacedEntry[];
  rows: number;
}
export interface ColorBarLayout {
  scale: ColorScale;
  /** The bar itself (figure coordinates). */
  bar: Rect;
  ticks: Tick[];
}
export interface PanelLayout {
  panel: Panel;
  box: Rect;
  /** Plot area in figure coordinates; scales map into [0, w] × [h, 0]. */
  plot: Rect;
  x: PositionScale;
  y: PositionScale;
  xTicks: Tick[];
  yTicks: Tick[];
  yMinor: number[];
  xMinor: number[];
  title: { text: string; x: number; y: number } | null;
  legend: LegendLayout | null;
  colorBar: ColorBarLayout | null;
  notes: { text: string; x: number; y: number }[];
}
export interface FigureLayout {
  figure: Figure;
  fonts: Fonts;
  panels: PanelLayout[];
  title: { text: string; x: number; y: number } | null;
  legend: LegendLayout | null;
  colorBar: ColorBarLayout | null;
}

const lineHeight = (size: number): number => (ASCENT + DESCENT) * size;
const labelWidth = (l: Label, size: number): number => textWidth(l.text, size) + (l.sup ? textWidth(l.sup, 0.7 * size) : 0);

function extend(ext: [number, number], v: number, kind: ScaleKind): void {
  if (!showable(kind, v)) return;
  if (v < ext[0]) ext[0] = v;
  if (v > ext[1]) ext[1] = v;
}

/** The x domain: fixed, or the extent of every mark's x. */
export function xDomain(p: Panel): [number, number] {
  if (p.x.domain) return p.x.domain;
  const k = p.x.scale;
  const ext: [number, number] = [Infinity, -Infinity];
  for (const v of p.x.include ?? []) extend(ext, v, k);
  for (const m of p.marks) {
    if (m.type === 'line' || m.type === 'dot') {
      if (m.off) continue;
      // x ascends: the first and last showable samples bound it.
      const first = Array.prototype.findIndex.call(m.data.x, (v: number, i: number) => i < m.data.length && showable(k, v));
      if (first < 0) continue;
      extend(ext, m.data.x[first], k);
      for (let i = m.data.length - 1; i >= first; i--)
        if (showable(k, m.data.x[i])) {
          extend(ext, m.data.x[i], k);
          break;
        }
    } else if (m.type === 'bar') {
      for (let i = 0; i < m.y.length; i++)
        if (m.y[i] > 0) {
          extend(ext, m.x0[i], k);
          extend(ext, m.x1[i], k);
        }
    } else if (m.type === 'heatmap' && m.x.length) {
      extend(ext, m.x[0], k);
      extend(ext, m.x[m.x.length - 1], k);
    }
  }
  return domainFor(k, ext[0], ext[1], false);
}

/** The y domain: fixed, or the extent of the marks' y inside the x domain [x0, x1] (and the guides). */
function yDomain(p: Panel, x0: number, x1: number, labelRoom: (hi: number) => number): [number, number] {
  if (p.y.domain) return p.y.domain;
  const k = p.y.scale;
  const ext: [number, number] = [Infinity, -Infinity];
  for (const v of p.y.include ?? []) extend(ext, v, k);
  const scan = (x: ArrayLike<number>, length: number, ...ys: ArrayLike<number>[]): void => {
    const [from, to] = visibleRange(x, length, x0, x1);
    for (let i = from; i < to; i++) for (const y of ys) extend(ext, y[i], k);
  };
  for (const m of p.marks as Mark[]) {
    if ((m.type === 'line' || m.type === 'dot') && !m.off) scan(m.data.x, m.data.length, m.data.y);
    else if (m.type === 'band' && !m.off) scan(m.x, m.length, m.lo, m.hi);
    else if (m.type === 'rule' && m.axis === 'y') extend(ext, m.value, k);
    else if (m.type === 'bar') for (let i = 0; i < m.y.length; i++) extend(ext, m.y[i], k);
    else if (m.type === 'heatmap' && m.edges.length) {
      extend(ext, m.edges[0], k);
      extend(ext, m.edges[m.edges.length - 1], k);
    }
  }
  if (ext[1] > ext[0]) ext[1] = labelRoom(ext[1]);
  return domainFor(k, ext[0], ext[1], !p.marks.some((m) => m.type === 'heatmap'));
}

/** Layout of one panel inside `box`. */
function layoutPanel(p: Panel, box: Rect, f: Fonts, fig: Figure, showLegend: boolean, showColorBar: boolean): PanelLayout {
  const base = f.axis;
  const pad = PAD * base;
  const tickLen = TICK * base;
  const titleH = p.title && !fig.interactive ? lineHeight(f.panelTitle) + pad : pad;
  const notes = fig.interactive ? [] : (p.notes ?? []);
  const legend = showLegend ? placeLegend(legendEntries([p], !!fig.interactive), box.w - 2 * pad, f.legend) : { placed: [], rows: 0 };
  const legendH = legend.rows ? legend.rows * legendMetrics(f.legend).row + pad : 0;
  const xTitleH = p.x.title ? lineHeight(f.axis) + pad : 0;
  const bottom = tickLen + pad + lineHeight(f.tick) + pad + xTitleH + legendH + notes.length * lineHeight(f.note);
  const top = titleH + lineHeight(f.tick) / 2;
  const plotH = Math.max(10, box.h - top - bottom);

  // Bar labels stand above their bars: leave them room at the top of the y domain.
  const bars = p.marks.find((m) => m.type === 'bar' && m.labels);
  const labelRoom = (hi: number): number => {
    if (!bars) return hi;
    const room = textWidth(String(Math.round(hi)), f.barLabel) + 2 * pad;
    return plotH > 2 * room ? (hi * plotH) / (plotH - room) : hi;
  };
  const xd = xDomain(p);
  const yd = yDomain(p, Math.min(...xd), Math.max(...xd), labelRoom);
  const y = makeScale(p.y.scale, yd, [plotH, 0], p.y.constant);
  const yTicks = axisTicks(p.y.scale, y, plotH, 0.5 * f.tick, () => lineHeight(f.tick), 3.5 * f.tick, p.y.constant);
  const yLabelW = Math.max(0, ...yTicks.map((t) => labelWidth(t.label, f.tick)));
  const yTitleW = p.y.title ? lineHeight(f.axis) + pad : 0;
  const left = pad + yTitleW + yLabelW + pad + tickLen;

  let colorBar: ColorBarLayout | null = null;
  let right = pad;
  if (p.colorBar && showColorBar) {
    const cb = colorBarBlock(p.colorBar, plotH, f);
    right = pad + cb.width;
    colorBar = { scale: p.colorBar, bar: { x: 0, y: box.y + top, w: cb.barW, h: plotH }, ticks: cb.ticks };
  }
  let plotW = Math.max(10, box.w - left - right);
  let x = makeScale(p.x.scale, xd, [0, plotW], p.x.constant);
  const xLabel = (t: Tick): Label => (p.xTickLabel ? p.xTickLabel(t.value) : t.label);
  const xTicksFor = (s: PositionScale): Tick[] =>
    axisTicks(p.x.scale, s, plotW, 0.8 * f.tick, (l) => labelWidth(l, f.tick), 6 * f.tick, p.x.constant).map((t) => ({ value: t.value, label: xLabel(t) }));
  let xTicks = xTicksFor(x);
  // The last tick label may reach past the plot: keep it inside the figure.
  const last = xTicks.length ? xTicks[xTicks.length - 1] : null;
  const overhang = last ? x(last.value) + labelWidth(last.label, f.tick) / 2 - plotW : 0;
  if (overhang > right) {
    plotW = Math.max(10, plotW - (overhang - right));
    x = makeScale(p.x.scale, xd, [0, plotW], p.x.constant);
    xTicks = xTicksFor(x);
  }
  const plot = { x: box.x + left, y: box.y + top, w: plotW, h: plotH };
  if (colorBar) colorBar.bar.x = plot.x + plotW + 2 * pad;
  const legendY = plot.y + plotH + tickLen + pad + lineHeight(f.tick) + pad + xTitleH;
  const [ylo, yhi] = y.domain();
  const [xlo, xhi] = x.domain();
  return {
    panel: p,
    box,
    plot,
    x,
    y,
    xTicks,
    yTicks,
    yMinor: p.y.scale === 'log' ? logMinorTicks(Math.min(ylo, yhi), Math.max(ylo, yhi)) : [],
    xMinor: p.x.scale === 'log' ? logMinorTicks(Math.min(xlo, xhi), Math.max(xlo, xhi)) : [],
    title: p.title && !fig.interactive ? { text: p.title, x: box.x + pad, y: box.y + ASCENT * f.panelTitle } : null,
    legend: legend.rows ? { x: box.x + pad, y: legendY, ...legend } : null,
    colorBar,
    notes: notes.map((text, i) => ({ text, x: box.x + pad, y: legendY + legendH + (i + ASCENT) * lineHeight(f.note) })),
  };
}

/** The colour bar block beside a plot `height` tall: bar width, ticks, total width with labels and title. */
function colorBarBlock(s: ColorScale, height: number, f: Fonts): { barW: number; width: number; ticks: Tick[] } {
  const barW = 0.9 * f.axis;
  const ticks = colorBarTicks(s, height, 0.5 * f.tick, () => lineHeight(f.tick));
  const labelW = Math.max(0, ...ticks.map((t) => labelWidth(t.label, f.tick)));
  const pad = PAD * f.axis;
  return { barW, ticks, width: pad + barW + TICK * f.axis + pad + labelW + pad + lineHeight(f.axis) };
}

/** Positions of everything in the figure. */
export function layoutFigure(fig: Figure): FigureLayout {
  const f = fontsFor(fig.fontSize);
  const pad = PAD * f.axis;
  const n = fig.panels.length;
  const cols = Math.max(1, Math.min(n, fig.columns ?? 1));
  const rows = Math.max(1, Math.ceil(n / cols));
  const title = fig.title && !fig.interactive ? { text: fig.title, x: pad, y: pad + ASCENT * f.title } : null;
  const top = title ? lineHeight(f.title) + 2 * pad : 0;
  const shared = fig.sharedLegend ? placeLegend(legendEntries(fig.panels, !!fig.interactive), fig.width - 2 * pad, f.legend) : null;
  const legendH = shared?.rows ? shared.rows * legendMetrics(f.legend).row + pad : 0;
  const sharedBar = fig.sharedColorBar ? fig.panels.find((p) => p.colorBar)?.colorBar : undefined;
  const gridH = Math.max(20, fig.height - top - legendH);
  const barBlock = sharedBar ? colorBarBlock(sharedBar, gridH * 0.8, f) : null;
  const gridW = fig.width - (barBlock ? barBlock.width + pad : 0);
  const cellW = gridW / cols;
  const cellH = gridH / rows;
  const panels = fig.panels.map((p, i) =>
    layoutPanel(p, { x: (i % cols) * cellW, y: top + Math.floor(i / cols) * cellH, w: cellW, h: cellH }, f, fig, !fig.sharedLegend, !sharedBar),
  );
  let colorBar: ColorBarLayout | null = null;
  if (sharedBar && barBlock) {
    // Beside the panels it explains.
    const coloured = panels.filter((p) => p.panel.colorBar);
    const y0 = Math.min(...coloured.map((p) => p.plot.y));
    const y1 = Math.max(...coloured.map((p) => p.plot.y + p.plot.h));
    const ticks = colorBarTicks(sharedBar, y1 - y0, 0.5 * f.tick, () => lineHeight(f.tick));
    colorBar = { scale: sharedBar, bar: { x: gridW + pad, y: y0, w: barBlock.barW, h: y1 - y0 }, ticks };
  }
  return {
    figure: fig,
    fonts: f,
    panels,
    title,
    legend: shared?.rows ? { x: pad, y: top + gridH + pad, ...shared } : null,
    colorBar,
  };
}
