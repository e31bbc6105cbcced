// Figure export from the renderer: SVG documents of charts, PNG rasterized from that SVG at 2× resolution,
// CSV of the plotted points. The content goes to main through 'export.save'; main picks the path (save dialog).
import { getContext, setContext } from 'svelte';
import type { ExportFormat } from '../../../shared/ipc';
import { api } from './api';

export interface SvgFigure {
  svg: string;
  width: number;
  height: number;
}
export interface CsvTable {
  header: string[];
  rows: (string | number)[][];
}
/** What a chart hands to a view that exports several charts at once. */
export interface ChartExporter {
  title: string;
  svg(): SvgFigure;
  csv(): CsvTable;
}
export interface ChartRegistry {
  add(e: ChartExporter): () => void;
}

const REGISTRY = Symbol('chart-registry');
export function provideChartRegistry(): ChartExporter[] {
  const charts: ChartExporter[] = [];
  setContext<ChartRegistry>(REGISTRY, {
    add(e) {
      charts.push(e);
      return () => charts.splice(charts.indexOf(e), 1);
    },
  });
  return charts;
}
export const chartRegistry = (): ChartRegistry | undefined => getContext<ChartRegistry | undefined>(REGISTRY);

const cell = (v: string | number): string => {
  const s = typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function csvText(t: CsvTable): string {
  return [t.header, ...t.rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** A file name main accepts: letters, digits, space, _ . ( ) + - and the format's extension. */
export function fileName(title: string, format: ExportFormat): string {
  const stem =
    title
      .replace(/[^\w. ()+-]+/g, '_')
      .replace(/^[._ ]+/, '')
      .slice(0, 100) || 'figure';
  return `${stem}.${format}`;
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Several figures stacked vertically under one title, as one SVG document. */
export function stackFigures(title: string, parts: SvgFigure[]): SvgFigure {
  const head = 28;
  const width = Math.max(1, ...parts.map((p) => p.width));
  let y = head;
  const inner = parts.map((p) => {
    const s = p.svg.replace(/^<svg/, `<svg x="0" y="${y}"`);
    y += p.height;
    return s;
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">` +
    `<rect width="${width}" height="${y}" fill="#fff"/><text x="8" y="19" font-size="15" font-weight="600">${xmlEscape(title)}</text>${inner.join('')}</svg>`;
  return { svg, width, height: y };
}

/** PNG (base64, no data: prefix) of an SVG document drawn at `scale` × its size on a white background. */
export async function svgToPng(fig: SvgFigure, scale = 2): Promise<string> {
  // A data: URL, since the renderer's CSP allows images from 'self' and data: only.
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(fig.svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(fig.width * scale);
  canvas.height = Math.round(fig.height * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

/** Send one export to main; resolves with the written file (null: the user cancelled the dialog). */
export async function saveFigure(format: ExportFormat, title: string, make: { svg(): SvgFigure; csv(): CsvTable }): Promise<string | null> {
  const data = format === 'csv' ? csvText(make.csv()) : format === 'svg' ? make.svg().svg : await svgToPng(make.svg());
  const { file } = await api.call('export.save', { format, name: fileName(title, format), data });
  return file;
}

const INLINE = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-size', 'font-family', 'font-weight'];

/**
 * A chart drawn in the DOM (canvas layers under SVG axes, as Spectrogram and SpectrumDensity draw) as one SVG
 * document of the element's size: canvases become embedded PNG images, SVG layers are copied with their
 * computed styles inlined, and the title goes on top.
 */
export function domFigure(root: HTMLElement, title: string): SvgFigure {
  const box = root.getBoundingClientRect();
  const width = Math.round(root.clientWidth);
  const height = Math.round(root.clientHeight);
  const parts: string[] = [];
  for (const el of root.querySelectorAll<HTMLCanvasElement | SVGSVGElement>('canvas, svg')) {
    const r = el.getBoundingClientRect();
    const at = `x="${(r.left - box.left).toFixed(1)}" y="${(r.top - box.top).toFixed(1)}" width="${r.width.toFixed(1)}" height="${r.height.toFixed(1)}"`;
    if (el instanceof HTMLCanvasElement) {
      const smooth = getComputedStyle(el).imageRendering === 'pixelated' ? ' style="image-rendering:pixelated" image-rendering="optimizeSpeed"' : '';
      parts.push(`<image ${at} preserveAspectRatio="none"${smooth} xlink:href="${el.toDataURL('image/png')}"/>`);
      continue;
    }
    const copy = el.cloneNode(true) as SVGSVGElement;
    const src = [el, ...el.querySelectorAll('*')];
    const dst = [copy, ...copy.querySelectorAll('*')];
    src.forEach((s, i) => {
      const cs = getComputedStyle(s);
      (dst[i] as SVGElement).setAttribute('style', INLINE.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
    });
    copy.querySelectorAll('.overlay').forEach((o) => o.remove());
    for (const [k, v] of Object.entries({ x: r.left - box.left, y: r.top - box.top })) copy.setAttribute(k, v.toFixed(1));
    parts.push(new XMLSerializer().serializeToString(copy));
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>${parts.join('')}` +
    `<text x="8" y="15" font-size="13" font-weight="600">${xmlEscape(title)}</text></svg>`;
  return { svg, width, height };
}
