// Geometry of marks in plot coordinates (x right, y down, origin at the plot's top left), shared by the SVG
// renderer and the app's canvas layers, so that both draw the same thing.
import { colorOf } from './colorbar';
import { decimate, lowerBound, visibleRange } from './lod';
import type { PositionScale } from './scales';
import type { BandMark, BarMark, DotMark, HeatmapMark, LineMark } from './spec';

/** Polyline (x, y pairs; y NaN breaks it), decimated to `columns` points per unit of width. */
export function linePoints(m: LineMark, x: PositionScale, y: PositionScale, columns = 1): Float64Array {
  const [x0, x1] = x.domain();
  return decimate(m.data, Math.min(x0, x1), Math.max(x0, x1), x, y, columns);
}

/** Points inside the plot. */
export function dotPoints(m: DotMark, x: PositionScale, y: PositionScale): Float64Array {
  const [x0, x1] = x.domain();
  const [from, to] = [lowerBound(m.data.x, m.data.length, Math.min(x0, x1)), lowerBound(m.data.x, m.data.length, Math.max(x0, x1) + Number.EPSILON)];
  const out: number[] = [];
  for (let i = from; i < Math.min(to + 1, m.data.length); i++) {
    const px = x(m.data.x[i]);
    const py = y(m.data.y[i]);
    if (Number.isFinite(px) && Number.isFinite(py)) out.push(px, py);
  }
  return Float64Array.from(out);
}

/** The band's outline: upper edge left to right, then lower edge right to left, one vertex per ~half unit. */
export function bandOutline(m: BandMark, x: PositionScale, y: PositionScale, width: number): Float64Array {
  const [x0, x1] = x.domain();
  const [from, to] = visibleRange(m.x, m.length, Math.min(x0, x1), Math.max(x0, x1));
  const stride = Math.max(1, Math.floor((to - from) / (2 * width)));
  const top: number[] = [];
  const bottom: number[] = [];
  for (let i = from; i < to; i += stride) {
    const px = x(m.x[i]);
    const a = y(m.hi[i]);
    const b = y(m.lo[i]);
    if (Number.isFinite(px) && Number.isFinite(a) && Number.isFinite(b)) {
      top.push(px, a);
      bottom.push(px, b);
    }
  }
  if (top.length < 4) return new Float64Array(0);
  const out = top;
  for (let i = bottom.length - 2; i >= 0; i -= 2) out.push(bottom[i], bottom[i + 1]);
  return Float64Array.from(out);
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface BarRect extends Rect {
  color: string;
  /** The whole bar's value (all its classes). */
  value: number;
  /** The top segment of its bar (where the bar's label goes). */
  top: boolean;
}

/** Non-empty bars inside the x domain, clipped to the plot, one rect per class segment; bars are separated by a hairline gap. */
export function barRects(m: BarMark, x: PositionScale, y: PositionScale): BarRect[] {
  const [r0, r1] = x.range();
  const out: BarRect[] = [];
  const base = y.range()[0];
  for (let i = 0; i < m.y.length; i++) {
    const v = m.y[i];
    if (!(v > 0)) continue;
    const a = Math.max(Math.min(r0, r1), x(m.x0[i]));
    const b = Math.min(Math.max(r0, r1), x(m.x1[i]));
    if (!(b > a) || !Number.isFinite(y(v))) continue;
    const gap = Math.min(0.5, (b - a) / 4);
    let below = 0;
    const segments = m.classes.flatMap((c, k) => (m.parts[k][i] > 0 ? [{ color: c.color, count: m.parts[k][i] }] : []));
    segments.forEach((s, j) => {
      const bottom = below > 0 ? y(below) : base;
      below += s.count;
      const top = y(below);
      out.push({ x: a, y: top, w: b - a - gap, h: bottom - top, color: s.color, value: v, top: j === segments.length - 1 });
    });
  }
  return out;
}

export interface Cell extends Rect {
  color: string;
}

/**
 * Heatmap cells in plot coordinates. With more columns in view than units of width, each unit column shows the
 * data column under its centre (as many cells as the output can resolve); else one cell per data column.
 */
export function heatCells(m: HeatmapMark, x: PositionScale, y: PositionScale): Cell[] {
  const n = m.x.length;
  const out: Cell[] = [];
  if (!n) return out;
  const [r0, r1] = x.range();
  const width = Math.abs(r1 - r0);
  const end = (c: number): number => (c + 1 < n ? m.x[c + 1] : n > 1 ? 2 * m.x[n - 1] - m.x[n - 2] : m.x[0] + 1);
  const [d0, d1] = x.domain();
  const first = Math.max(0, lowerBound(m.x, n, d0) - 1);
  const last = Math.min(n, lowerBound(m.x, n, d1) + 1);
  const rows = m.edges.length - 1;
  const rowY = Array.from({ length: rows + 1 }, (_, r) => y(m.edges[r]));
  const emit = (c: number, px0: number, px1: number): void => {
    const a = Math.max(0, Math.min(px0, px1));
    const b = Math.min(width, Math.max(px0, px1));
    if (!(b > a)) return;
    const col = m.values[c];
    for (let r = 0; r < rows; r++) {
      const color = col[r] > 0 ? colorOf(m.color, col[r]) : null;
      if (!color) continue;
      const top = Math.min(rowY[r], rowY[r + 1]);
      out.push({ x: a, y: top, w: b - a, h: Math.abs(rowY[r + 1] - rowY[r]), color });
    }
  };
  if (last - first <= width) {
    for (let c = first; c < last; c++) emit(c, x(m.x[c]), x(end(c)));
    return out;
  }
  for (let px = 0; px < width; px++) {
    const at = x.invert(px + 0.5);
    const c = lowerBound(m.x, n, at + 1e-9) - 1;
    if (c >= 0 && at < end(c)) emit(c, px, px + 1);
  }
  return out;
}
