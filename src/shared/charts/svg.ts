// A laid-out figure as SVG: a standalone document (exports, the CLI's reports) or, for the app's interactive
// charts, the vector layers over their canvas (axes, guides, bars, legend, colour bar). Everything is vector:
// lines decimated per output column (lod.ts), heatmaps as merged cells, colour bars as rects. Text is escaped.
import { ASCENT, FONT_FAMILY, textWidth } from './font';
import type { Label } from './format';
import type { FigureLayout, PanelLayout, ColorBarLayout, LegendLayout, Fonts } from './layout';
import { legendMetrics } from './legend';
import type { Cell } from './marks';
import { bandOutline, barRects, dotPoints, heatCells, linePoints } from './marks';
import { sequential } from './palette';
import { GUIDE } from './palette';
import { makeScale } from './scales';
import type { Mark } from './spec';
import type { ChartTheme } from './theme';
import { LIGHT_THEME } from './theme';

const ESC: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string): string => s.replace(/[<>&"']/g, (c) => ESC[c]);
/** Coordinates with two decimals at most. */
const n = (v: number): string => String(Math.round(v * 100) / 100);

export interface SvgOptions {
  /** Prefix of element ids (clip paths), unique per document that holds several charts. */
  idPrefix?: string;
  /** Leave out lines, dots, bands and heatmaps (the interactive chart draws them on canvas). */
  canvasMarks?: boolean;
  /** Colours of axes and text (default: the light theme; the app's dark page passes its own). */
  theme?: ChartTheme;
}

function label(l: Label, x: number, y: number, size: number, attrs = ''): string {
  const sup = l.sup ? `<tspan baseline-shift="super" font-size="${n(0.7 * size)}">${esc(l.sup)}</tspan>` : '';
  return `<text x="${n(x)}" y="${n(y)}" font-size="${n(size)}"${attrs}>${esc(l.text)}${sup}</text>`;
}

function pathData(pts: Float64Array): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < pts.length; i += 2) {
    if (!Number.isFinite(pts[i]) || !Number.isFinite(pts[i + 1])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${n(pts[i])},${n(pts[i + 1])}`;
    pen = true;
  }
  return d;
}

/** Cells merged along rows where the colour repeats. */
function mergeCells(cells: Cell[]): Cell[] {
  const sorted = [...cells].sort((a, b) => a.y - b.y || a.x - b.x);
  const out: Cell[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last.y === c.y && last.h === c.h && last.color === c.color && Math.abs(last.x + last.w - c.x) < 1e-6) last.w = c.x + c.w - last.x;
    else out.push({ ...c });
  }
  return out;
}

function markSvg(m: Mark, p: PanelLayout, f: Fonts, opts: SvgOptions): string {
  const { x, y } = p;
  const lw = Math.max(0.5, f.axis / 9);
  switch (m.type) {
    case 'line': {
      if (m.off || opts.canvasMarks) return '';
      const dash = m.dash ? ` stroke-dasharray="${n(4 * lw)} ${n(3 * lw)}"` : '';
      const opacity = m.opacity !== undefined && m.opacity < 1 ? ` stroke-opacity="${m.opacity}"` : '';
      return `<path d="${pathData(linePoints(m, x, y, 2))}" fill="none" stroke="${esc(m.color)}" stroke-width="${n((m.width ?? 1.25) * lw)}" stroke-linejoin="round"${dash}${opacity}/>`;
    }
    case 'dot': {
      if (m.off || opts.canvasMarks) return '';
      const pts = dotPoints(m, x, y);
      let s = `<g fill="${esc(m.color)}"${m.opacity !== undefined ? ` fill-opacity="${m.opacity}"` : ''}>`;
      for (let i = 0; i < pts.length; i += 2) s += `<circle cx="${n(pts[i])}" cy="${n(pts[i + 1])}" r="${n(1.2 * lw)}"/>`;
      return `${s}</g>`;
    }
    case 'band': {
      if (m.off || opts.canvasMarks) return '';
      const pts = bandOutline(m, x, y, p.plot.w);
      return pts.length ? `<path d="${pathData(pts)}Z" fill="${esc(m.color)}" fill-opacity="${m.opacity ?? 0.2}" stroke="none"/>` : '';
    }
    case 'heatmap': {
      if (opts.canvasMarks) return '';
      const cells = mergeCells(heatCells(m, x, y));
      return `<g class="heatmap">${cells.map((c) => `<rect x="${n(c.x)}" y="${n(c.y)}" width="${n(c.w)}" height="${n(c.h)}" fill="${c.color}"/>`).join('')}</g>`;
    }
    case 'bar':
      return `<g class="bars">${barRects(m, x, y)
        .map((b) => `<rect class="bar" x="${n(b.x)}" y="${n(b.y)}" width="${n(b.w)}" height="${n(b.h)}" fill="${esc(b.color)}"/>`)
        .join('')}</g>`;
    case 'rule':
      return '';
  }
}

/** Count labels above bars: horizontal where they fit the bar, else vertical where the bar is a line high. */
function barLabels(p: PanelLayout, f: Fonts, th: ChartTheme): string {
  let s = '';
  const size = f.barLabel;
  for (const m of p.panel.marks) {
    if (m.type !== 'bar' || !m.labels) continue;
    for (const b of barRects(m, p.x, p.y)) {
      if (!b.top) continue;
      const text = String(b.value);
      const w = textWidth(text, size);
      const cx = b.x + b.w / 2;
      if (w <= b.w + 0.2 * size) s += label({ text }, cx, b.y - 0.25 * size, size, ' class="bar-label" text-anchor="middle"');
      else if (b.w >= 0.75 * size)
        s += `<text class="bar-label" transform="translate(${n(cx + 0.35 * size)},${n(b.y - 0.25 * size)}) rotate(-90)" font-size="${n(size)}">${esc(text)}</text>`;
    }
  }
  return s ? `<g class="bar-labels" fill="${th.muted}">${s}</g>` : '';
}

function guides(p: PanelLayout, f: Fonts): string {
  let s = '';
  const lw = Math.max(0.5, f.axis / 10);
  const size = f.note;
  for (const m of p.panel.marks) {
    if (m.type !== 'rule') continue;
    const color = esc(m.color || GUIDE);
    const dash = `stroke-dasharray="${n(4 * lw)} ${n(3 * lw)}"`;
    if (m.axis === 'y') {
      const v = p.y(m.value);
      if (!Number.isFinite(v) || v < -0.01 || v > p.plot.h + 0.01) continue;
      s += `<line class="guide" x1="0" x2="${n(p.plot.w)}" y1="${n(v)}" y2="${n(v)}" stroke="${color}" stroke-width="${n(lw)}" ${dash}/>`;
      s += label(
        { text: m.text },
        p.plot.w - 0.3 * size,
        Math.max(ASCENT * size, v - 0.3 * size),
        size,
        ` class="guide-label" text-anchor="end" fill="${color}"`,
      );
    } else {
      const v = p.x(m.value);
      if (!Number.isFinite(v) || v < -0.01 || v > p.plot.w + 0.01) continue;
      s += `<line class="guide" y1="0" y2="${n(p.plot.h)}" x1="${n(v)}" x2="${n(v)}" stroke="${color}" stroke-width="${n(lw)}" ${dash}/>`;
      s += label({ text: m.text }, v + 0.3 * size, ASCENT * size, size, ` class="guide-label" fill="${color}"`);
    }
  }
  return s ? `<g class="guides">${s}</g>` : '';
}

function axes(p: PanelLayout, f: Fonts, th: ChartTheme): string {
  const lw = Math.max(0.5, f.axis / 12);
  const tick = 0.35 * f.axis;
  const gap = 0.3 * f.axis;
  const { w, h } = p.plot;
  const line = (x1: number, y1: number, x2: number, y2: number): string => `<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"/>`;
  let xs = `<g class="axis x-axis" transform="translate(0,${n(h)})"><g stroke="${th.ink}" stroke-width="${n(lw)}">${line(0, 0, w, 0)}`;
  for (const v of p.xMinor) xs += line(p.x(v), 0, p.x(v), tick / 2);
  xs += '</g>';
  for (const t of p.xTicks) {
    const px = p.x(t.value);
    xs += `<g class="tick" transform="translate(${n(px)},0)"><line y2="${n(tick)}" stroke="${th.ink}" stroke-width="${n(lw)}"/>${label(t.label, 0, tick + gap + ASCENT * f.tick, f.tick, ' text-anchor="middle"')}</g>`;
  }
  const xTitleY = tick + gap + (ASCENT + 0.212) * f.tick + gap + ASCENT * f.axis;
  if (p.panel.x.title) xs += label({ text: p.panel.x.title }, w / 2, xTitleY, f.axis, ' class="axis-title" text-anchor="middle"');
  xs += '</g>';
  let ys = `<g class="axis y-axis"><g stroke="${th.ink}" stroke-width="${n(lw)}">${line(0, 0, 0, h)}`;
  for (const v of p.yMinor) ys += line(0, p.y(v), -tick / 2, p.y(v));
  ys += '</g>';
  let widest = 0;
  for (const t of p.yTicks) {
    const py = p.y(t.value);
    widest = Math.max(widest, textWidth(t.label.text, f.tick) + (t.label.sup ? textWidth(t.label.sup, 0.7 * f.tick) : 0));
    ys += `<g class="tick" transform="translate(0,${n(py)})"><line x2="${n(-tick)}" stroke="${th.ink}" stroke-width="${n(lw)}"/>${label(t.label, -tick - gap, 0.35 * f.tick, f.tick, ' text-anchor="end"')}</g>`;
  }
  if (p.panel.y.title) {
    const x = -(tick + gap + widest + gap + 0.212 * f.axis);
    ys += `<text class="axis-title" transform="translate(${n(x)},${n(h / 2)}) rotate(-90)" text-anchor="middle" font-size="${n(f.axis)}">${esc(p.panel.y.title)}</text>`;
  }
  return xs + ys + '</g>';
}

function legendSvg(l: LegendLayout, f: Fonts, interactive: boolean): string {
  const m = legendMetrics(f.legend);
  const lw = Math.max(0.75, f.axis / 6);
  let s = `<g class="legend" transform="translate(${n(l.x)},${n(l.y)})">`;
  for (const e of l.placed) {
    const cy = e.row * m.row + 0.5 * m.row;
    const color = esc(e.color);
    const symbol =
      e.symbol === 'line'
        ? `<line x1="0" x2="${n(m.swatch)}" y1="${n(cy)}" y2="${n(cy)}" stroke="${color}" stroke-width="${n(lw)}"${e.dash ? ` stroke-dasharray="${n(2 * lw)} ${n(1.5 * lw)}"` : ''}${e.opacity < 1 ? ` stroke-opacity="${e.opacity}"` : ''}/>`
        : e.symbol === 'dot'
          ? `<circle cx="${n(m.swatch / 2)}" cy="${n(cy)}" r="${n(0.3 * f.legend)}" fill="${color}"/>`
          : `<rect x="0" y="${n(cy - 0.35 * f.legend)}" width="${n(m.swatch)}" height="${n(0.7 * f.legend)}" fill="${color}"${e.opacity < 1 ? ` fill-opacity="${e.opacity}"` : ''}/>`;
    const off = e.off ? ' opacity="0.35" text-decoration="line-through"' : '';
    const button = interactive ? ` role="button" tabindex="0" aria-pressed="${!e.off}"` : '';
    s += `<g class="legend-entry${e.off ? ' off' : ''}" data-label="${esc(e.label)}" transform="translate(${n(e.x)},0)"${off}${button}>${symbol}${label({ text: e.label }, m.swatch + m.gap, cy + 0.35 * f.legend, f.legend)}</g>`;
  }
  return `${s}</g>`;
}

function colorBarSvg(c: ColorBarLayout, f: Fonts, th: ChartTheme): string {
  const { bar, scale } = c;
  const steps = scale.steps ?? 64;
  const h = bar.h / steps;
  let s = `<g class="colorbar" data-lo="${scale.domain[0]}" data-hi="${scale.domain[1]}" transform="translate(${n(bar.x)},${n(bar.y)})">`;
  for (let i = 0; i < steps; i++) {
    const t = steps > 1 ? i / (steps - 1) : 0;
    s += `<rect x="0" y="${n(bar.h - (i + 1) * h)}" width="${n(bar.w)}" height="${n(h + 0.05)}" fill="${sequential(scale.map, t, scale.dark)}"/>`;
  }
  const tick = 0.35 * f.axis;
  const gap = 0.3 * f.axis;
  const pos = makeScale(scale.kind, scale.domain, [bar.h - (scale.steps ? h / 2 : 0), scale.steps ? h / 2 : 0]);
  let widest = 0;
  s += `<rect width="${n(bar.w)}" height="${n(bar.h)}" fill="none" stroke="${th.ink}" stroke-width="${n(Math.max(0.5, f.axis / 12))}"/>`;
  for (const t of c.ticks) {
    const py = pos(t.value);
    widest = Math.max(widest, textWidth(t.label.text, f.tick) + (t.label.sup ? textWidth(t.label.sup, 0.7 * f.tick) : 0));
    s += `<g class="tick" transform="translate(${n(bar.w)},${n(py)})"><line x2="${n(tick)}" stroke="${th.ink}"/>${label(t.label, tick + gap, 0.35 * f.tick, f.tick)}</g>`;
  }
  const tx = bar.w + tick + gap + widest + gap + ASCENT * f.axis;
  s += `<text class="colorbar-title" transform="translate(${n(tx)},${n(bar.h / 2)}) rotate(-90)" text-anchor="middle" font-size="${n(f.axis)}">${esc(scale.title)}</text>`;
  return `${s}</g>`;
}

function panelSvg(p: PanelLayout, f: Fonts, opts: SvgOptions, i: number, interactive: boolean, th: ChartTheme): string {
  const clip = `${opts.idPrefix ?? 'chart'}-clip-${i}`;
  const marks = p.panel.marks.map((m) => markSvg(m, p, f, opts)).join('');
  let s = `<g class="panel" data-panel="${i}">`;
  if (p.title)
    s += `<text class="panel-title" x="${n(p.title.x)}" y="${n(p.title.y)}" font-size="${n(f.panelTitle)}" font-weight="bold">${esc(p.title.text)}</text>`;
  s += `<g class="plot" transform="translate(${n(p.plot.x)},${n(p.plot.y)})">`;
  s += `<clipPath id="${esc(clip)}"><rect width="${n(p.plot.w)}" height="${n(p.plot.h)}"/></clipPath>`;
  if (marks) s += `<g class="marks" clip-path="url(#${esc(clip)})">${marks}</g>`;
  s += guides(p, f) + barLabels(p, f, th) + axes(p, f, th) + '</g>';
  if (p.legend) s += legendSvg(p.legend, f, interactive);
  if (p.colorBar) s += colorBarSvg(p.colorBar, f, th);
  for (const note of p.notes) s += `<text class="note" x="${n(note.x)}" y="${n(note.y)}" font-size="${n(f.note)}" fill="${th.muted}">${esc(note.text)}</text>`;
  return s + '</g>';
}

/** The figure's content (no root element): panels, figure title, shared legend and colour bar. */
export function svgLayers(l: FigureLayout, opts: SvgOptions = {}): string {
  const f = l.fonts;
  const th = opts.theme ?? LIGHT_THEME;
  let s = '';
  if (l.title)
    s += `<text class="figure-title" x="${n(l.title.x)}" y="${n(l.title.y)}" font-size="${n(f.title)}" font-weight="bold">${esc(l.title.text)}</text>`;
  s += l.panels.map((p, i) => panelSvg(p, f, opts, i, !!l.figure.interactive, th)).join('');
  if (l.legend) s += legendSvg(l.legend, f, !!l.figure.interactive);
  if (l.colorBar) s += colorBarSvg(l.colorBar, f, th);
  return s;
}

/** A standalone SVG document of the figure (light theme: for print): width and height in the figure's unit, a white background. */
export function svgDocument(l: FigureLayout, opts: Omit<SvgOptions, 'theme'> = {}): string {
  const { width, height, unit } = l.figure;
  const u = unit === 'pt' ? 'pt' : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(width)}${u}" height="${n(height)}${u}" viewBox="0 0 ${n(width)} ${n(height)}" font-family="${esc(FONT_FAMILY)}" fill="${LIGHT_THEME.ink}">` +
    `<rect width="${n(width)}" height="${n(height)}" fill="${LIGHT_THEME.background}"/>${svgLayers(l, opts)}</svg>`
  );
}
