// A panel of lines (the app's LineChart, the Compare overlays, report figures): each series drawn raw, or raw
// and faint under its EMA, or as dots when x is not monotonic in step; bands behind their lines; guides; what a
// log axis cannot show is counted in a note, never moved.
import type { ScaleKind } from './scales';
import { showable } from './scales';
import type { AxisSpec, ColorScale, Mark, Panel, XY } from './spec';
import { GUIDE } from './palette';

export interface LineSeries {
  label: string;
  color: string;
  data: XY;
  dash?: boolean;
  /** Drawn thin and half transparent (a group's min and max). */
  faint?: boolean;
  /** Band behind the line, indexed like `data`. */
  band?: { lo: ArrayLike<number>; hi: ArrayLike<number> };
  /** EMA of the values, indexed like `data`: drawn over the faint raw line. */
  smooth?: ArrayLike<number> | null;
  /** x is not monotonic in step: dots, not a line. */
  scatter?: boolean;
  /** Hidden by the user. */
  off?: boolean;
}
export interface Guide {
  value: number;
  text: string;
  color?: string;
  /** A horizontal line at y = value (default), or a vertical one at x = value. */
  axis?: 'x' | 'y';
}
export interface LinePanelSpec {
  title?: string;
  x: AxisSpec;
  y: AxisSpec;
  /** Name of x in notes ("3 with step ≤ 0"). */
  xName?: string;
  guides?: Guide[];
  /** Colour bar in place of legend entries (k ordered curves coloured on a sequential map). */
  colorBar?: ColorScale;
}

function nonPositive(kind: ScaleKind, v: ArrayLike<number>, length: number): number {
  let count = 0;
  if (kind === 'log') for (let i = 0; i < length; i++) if (!showable(kind, v[i])) count++;
  return count;
}

export function linePanel(series: LineSeries[], o: LinePanelSpec): Panel {
  const marks: Mark[] = [];
  const legend = !o.colorBar;
  for (const s of series) {
    const label = legend ? s.label : undefined;
    if (s.band && !s.off) marks.push({ type: 'band', x: s.data.x, lo: s.band.lo, hi: s.band.hi, length: s.data.length, color: s.color, opacity: 0.18 });
    if (s.scatter) {
      marks.push({ type: 'dot', data: s.data, color: s.color, label: s.smooth ? undefined : label, off: s.off, opacity: s.smooth ? 0.25 : 1 });
      if (s.smooth) marks.push({ type: 'dot', data: { x: s.data.x, y: s.smooth, length: s.data.length }, color: s.color, label, off: s.off });
      continue;
    }
    const opacity = s.smooth ? 0.25 : s.faint ? 0.5 : 1;
    const width = s.faint ? 0.75 : 1.25;
    marks.push({ type: 'line', data: s.data, color: s.color, dash: s.dash, opacity, width, label: s.smooth ? undefined : label, off: s.off });
    if (s.smooth) marks.push({ type: 'line', data: { x: s.data.x, y: s.smooth, length: s.data.length }, color: s.color, dash: s.dash, label, off: s.off });
  }
  for (const g of o.guides ?? []) marks.push({ type: 'rule', axis: g.axis ?? 'y', value: g.value, text: g.text, color: g.color ?? GUIDE });
  // What log axes cannot show, over the shown series.
  let nx = 0;
  let ny = 0;
  for (const s of series) {
    if (s.off) continue;
    nx += nonPositive(o.x.scale, s.data.x, s.data.length);
    ny += nonPositive(o.y.scale, s.data.y, s.data.length);
  }
  const parts = [nx ? `${nx} with ${o.xName ?? 'x'} ≤ 0` : '', ny ? `${ny} with value ≤ 0` : ''].filter(Boolean);
  return {
    title: o.title,
    x: o.x,
    y: o.y,
    marks,
    colorBar: o.colorBar,
    notes: parts.length ? [`not drawn on log axes: ${parts.join(', ')}`] : [],
  };
}
