// A line chart as a standalone SVG document for publication: title, axes with tick labels, axis labels,
// lines (decimated per pixel column like the canvas, lib/lod.ts), confidence bands, guides and a legend,
// laid out in exactly `width` × `height` CSS pixels.
import * as d3 from 'd3';
import { decimate } from './lod';
import type { GrowSeries } from './series';
import { symlogTicks } from './ticks';
import type { SvgFigure } from './export-figure';

export interface SvgLine {
  color: string;
  data: GrowSeries;
  opacity: number;
  dashed: boolean;
  scatter: boolean;
  /** Band around the line, indexed like `data`. */
  band: { lo: ArrayLike<number>; hi: ArrayLike<number> } | null;
}
export interface SvgChart {
  title: string;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  /** x scale of the plot area (range [0, plot width]). */
  x: d3.ScaleContinuousNumeric<number, number>;
  /** y scale; its range is set here to the exported plot height. */
  y: d3.ScaleContinuousNumeric<number, number>;
  ySymlog: boolean;
  /** Log y: label only the 1-2-5 ticks of each decade (d3's log tick format). */
  yLog: boolean;
  xTicks?: XTicks;
  lines: SvgLine[];
  guides: { y: number; label: string }[];
  legend: { label: string; color: string; dashed: boolean }[];
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface XTicks {
  values(lo: number, hi: number): number[];
  format(v: number): string;
}

/** The x axis of a chart: d3's ticks, or the chart's own values and labels. */
export function xAxis(x: d3.ScaleContinuousNumeric<number, number>, innerW: number, ticks?: XTicks): d3.Axis<d3.NumberValue> {
  const axis = d3.axisBottom(x);
  if (!ticks) return axis.ticks(Math.max(2, innerW / 80), '~s');
  const [lo, hi] = x.domain();
  return axis.tickValues(ticks.values(lo, hi)).tickFormat((v) => ticks.format(+v));
}

const TITLE_H = 22;
/** Clip-path ids must be unique within a document that stacks several charts. */
let clipIds = 0;
const XLABEL_H = 16;
const LEGEND_ROW = 15;
const fmtExp = d3.format('.2~e');
const fmtPlain = d3.format('.4~g');
const tickLabel = (v: number): string => (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) ? fmtExp(v) : fmtPlain(v));

function legendRows(items: SvgChart['legend'], width: number): { item: SvgChart['legend'][number]; x: number; row: number }[] {
  const out: { item: SvgChart['legend'][number]; x: number; row: number }[] = [];
  let x = 8;
  let row = 0;
  for (const item of items) {
    const w = 22 + item.label.length * 6 + 12;
    if (x + w > width - 8 && x > 8) {
      row++;
      x = 8;
    }
    out.push({ item, x, row });
    x += w;
  }
  return out;
}

function pathOf(pts: Float64Array): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < pts.length; i += 2) {
    if (!Number.isFinite(pts[i]) || !Number.isFinite(pts[i + 1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${pts[i].toFixed(1)},${pts[i + 1].toFixed(1)}`;
    pen = true;
  }
  return d;
}

export function chartSvg(c: SvgChart): SvgFigure {
  const { width, height, margin: M } = c;
  const legend = legendRows(c.legend, width);
  const legendH = legend.length ? (legend[legend.length - 1].row + 1) * LEGEND_ROW + 4 : 0;
  const innerW = c.x.range()[1];
  const innerH = Math.max(20, height - TITLE_H - M.top - M.bottom - XLABEL_H - legendH);
  const x = c.x;
  const y = c.y.copy().range([innerH, 0]);
  const [x0, x1] = x.domain();
  const svg = d3.create('svg').attr('width', width).attr('height', height);
  svg.attr('viewBox', `0 0 ${width} ${height}`).attr('font-family', 'sans-serif');
  svg.append('rect').attr('width', width).attr('height', height).attr('fill', '#fff');
  svg.append('text').attr('class', 'title').attr('x', 8).attr('y', 16).attr('font-size', 13).attr('font-weight', 600).text(c.title);
  const plot = svg.append('g').attr('transform', `translate(${M.left},${TITLE_H + M.top})`);
  const clip = `plot-area-${++clipIds}`;
  plot.append('clipPath').attr('id', clip).append('rect').attr('width', innerW).attr('height', innerH);
  const lines = plot.append('g').attr('clip-path', `url(#${clip})`);
  const px = (v: number): number => x(v);
  const py = (v: number): number => y(v);
  for (const l of c.lines) {
    const d = l.data;
    const from = Math.max(0, d.lowerBound(x0) - 1);
    const to = Math.min(d.length, d.lowerBound(x1) + 1);
    if (l.band) {
      const stride = Math.max(1, Math.floor((to - from) / (2 * innerW)));
      const top: string[] = [];
      const bottom: string[] = [];
      for (let i = from; i < to; i += stride) {
        const X = px(d.steps[i]);
        const lo = py(l.band.lo[i]);
        const hi = py(l.band.hi[i]);
        if (!Number.isFinite(X) || !Number.isFinite(lo) || !Number.isFinite(hi)) continue;
        top.push(`${X.toFixed(1)},${hi.toFixed(1)}`);
        bottom.push(`${X.toFixed(1)},${lo.toFixed(1)}`);
      }
      if (top.length > 1)
        lines
          .append('path')
          .attr('d', `M${top.join('L')}L${bottom.reverse().join('L')}Z`)
          .attr('fill', l.color)
          .attr('fill-opacity', 0.18);
    }
    if (l.scatter) {
      const g = lines.append('g').attr('fill', l.color).attr('fill-opacity', l.opacity);
      for (let i = from; i < to; i++) {
        const X = px(d.steps[i]);
        const Y = py(d.values[i]);
        if (Number.isFinite(X) && Number.isFinite(Y)) g.append('circle').attr('cx', X.toFixed(1)).attr('cy', Y.toFixed(1)).attr('r', 1.5);
      }
      continue;
    }
    const path = lines
      .append('path')
      .attr('d', pathOf(decimate(d, x0, x1, px, py)))
      .attr('fill', 'none')
      .attr('stroke', l.color);
    path.attr('stroke-width', 1.25).attr('stroke-opacity', l.opacity);
    if (l.dashed) path.attr('stroke-dasharray', '5 4');
  }
  for (const g of c.guides) {
    const Y = y(g.y);
    if (!Number.isFinite(Y) || Y < 0 || Y > innerH) continue;
    plot.append('line').attr('x1', 0).attr('x2', innerW).attr('y1', Y).attr('y2', Y).attr('stroke', '#c0262d').attr('stroke-dasharray', '4 3');
    plot
      .append('text')
      .attr('x', innerW - 4)
      .attr('y', Math.max(10, Y - 3))
      .attr('text-anchor', 'end')
      .attr('font-size', 10)
      .attr('fill', '#c0262d')
      .text(g.label);
  }
  plot
    .append('g')
    .attr('class', 'x-axis')
    .attr('transform', `translate(0,${innerH})`)
    .call(xAxis(x, innerW, c.xTicks));
  const yAxis = d3.axisLeft(y).tickFormat((v) => tickLabel(+v));
  if (c.ySymlog) yAxis.tickValues(symlogTicks(y, 16));
  else if (c.yLog) yAxis.tickFormat(null).ticks(Math.max(2, innerH / 35), '~g');
  else yAxis.ticks(Math.max(2, innerH / 35));
  plot.append('g').attr('class', 'y-axis').call(yAxis);
  plot
    .append('text')
    .attr('class', 'x-label')
    .attr('x', innerW / 2)
    .attr('y', innerH + M.bottom + XLABEL_H - 4)
    .attr('text-anchor', 'middle')
    .attr('font-size', 11)
    .text(c.xLabel);
  plot
    .append('text')
    .attr('class', 'y-label')
    .attr('transform', `translate(${-M.left + 11},${innerH / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('font-size', 11)
    .text(c.yLabel);
  const ly = TITLE_H + M.top + innerH + M.bottom + XLABEL_H + 2;
  const lg = svg.append('g').attr('class', 'legend').attr('font-size', 11);
  for (const { item, x: lx, row } of legend) {
    const e = lg
      .append('g')
      .attr('class', 'legend-entry')
      .attr('transform', `translate(${lx},${ly + row * LEGEND_ROW})`);
    const line = e.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 7).attr('y2', 7).attr('stroke', item.color).attr('stroke-width', 2);
    if (item.dashed) line.attr('stroke-dasharray', '4 2');
    e.append('text').attr('x', 20).attr('y', 11).text(item.label);
  }
  const node = svg.node()!;
  return { svg: new XMLSerializer().serializeToString(node), width, height };
}
