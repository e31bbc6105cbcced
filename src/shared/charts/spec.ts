// What a figure is, independent of how it is drawn: panels with position axes and marks, legends and colour bars.
// The same spec becomes an SVG document (svg.ts) in Node or the browser, and the app's interactive charts draw
// from it too (their canvas layers use the geometry of marks.ts). Data stay in typed arrays: a mark refers to
// them, it does not copy them.
import type { Label } from './format';
import type { SequentialName } from './palette';
import type { ScaleKind } from './scales';

/** Points sorted by x (ascending); the first `length` entries count. */
export interface XY {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  length: number;
}

export interface AxisSpec {
  /** Axis title with its unit, e.g. "loss (nats)", "wall time (s)". */
  title: string;
  scale: ScaleKind;
  /** Fixed domain; else the extent of the marks (nice on linear axes). */
  domain?: [number, number];
  /** Include these values in the automatic domain (e.g. 0 for counts). */
  include?: number[];
  /** Symlog scales: linear within ±this (default 1). */
  constant?: number;
}

interface Keyed {
  /** Legend label; no label = no legend entry. Entries with equal label and style are shown once. */
  label?: string;
  color: string;
  /** Hidden by the user: not drawn, shown struck through in an interactive legend. */
  off?: boolean;
}
export interface LineMark extends Keyed {
  type: 'line';
  data: XY;
  width?: number;
  dash?: boolean;
  opacity?: number;
}
export interface DotMark extends Keyed {
  type: 'dot';
  data: XY;
  opacity?: number;
}
export interface BandMark extends Keyed {
  type: 'band';
  x: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
  length: number;
  opacity?: number;
}
/** A guide: a horizontal (axis 'y') or vertical (axis 'x') line at `value`, labelled at its end. */
export interface RuleMark {
  type: 'rule';
  axis: 'x' | 'y';
  value: number;
  text: string;
  color: string;
}
/**
 * Histogram bars [x0, x1) × [0, y], each a stack of classes (colour and legend entry): parts[k][i] of bar i is of
 * class k, bottom to top, Σₖ parts[k][i] = y[i]; optionally with count labels.
 */
export interface BarMark {
  type: 'bar';
  x0: ArrayLike<number>;
  x1: ArrayLike<number>;
  y: ArrayLike<number>;
  parts: ArrayLike<number>[];
  classes: { label: string; color: string }[];
  /** Write each non-zero bar's value above it where it fits. */
  labels: boolean;
}
/** A colour scale: a sequential map over [lo, hi], linear or log, or `steps` discrete colours (indices lo…hi). */
export interface ColorScale {
  map: SequentialName;
  kind: 'linear' | 'log';
  domain: [number, number];
  steps?: number;
  /** Colour-bar title with its unit. */
  title: string;
  /** Drawn on a dark background (theme.ts): the map's dark end is left out. */
  dark?: boolean;
}
/** Cells of columns × rows: column c spans x[c] to x[c+1] (the last as wide as the one before), row r spans edges[r] to edges[r+1]. */
export interface HeatmapMark {
  type: 'heatmap';
  x: ArrayLike<number>;
  edges: ArrayLike<number>;
  /** values[c][r]; cells ≤ 0 (or NaN) are left empty. */
  values: ArrayLike<ArrayLike<number>>;
  color: ColorScale;
}
export type Mark = LineMark | DotMark | BandMark | RuleMark | BarMark | HeatmapMark;

export interface Panel {
  title?: string;
  x: AxisSpec;
  y: AxisSpec;
  marks: Mark[];
  /** A colour bar beside the plot (a heatmap's counts, the index of k ordered curves). */
  colorBar?: ColorScale;
  /** Short lines under the plot, e.g. what a log axis cannot show. */
  notes?: string[];
  /** Custom tick labels for x (e.g. λ on a transformed axis); default: from the scale. */
  xTickLabel?: (v: number) => Label;
}

export interface Figure {
  /** Size in user units: CSS pixels on screen, points (1/72 in) in print. */
  width: number;
  height: number;
  /** Base font size in user units (axis titles); ticks and legends are a little smaller. */
  fontSize: number;
  unit: 'px' | 'pt';
  title?: string;
  panels: Panel[];
  /** Panels per row. */
  columns?: number;
  /** One legend for the figure (entries deduplicated across panels) instead of one per panel. */
  sharedLegend?: boolean;
  /** One colour bar for the figure (the panels' colour scales are equal) instead of one per panel. */
  sharedColorBar?: boolean;
  /** Drawn behind interactive layers: no background, no panel titles, no notes; legend entries of hidden series stay (struck through). */
  interactive?: boolean;
}
