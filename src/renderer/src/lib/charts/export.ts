// Figure export from the renderer: the chart core's SVG document of a figure (the current view of a chart, or
// several charts as panels of one figure), PNG rasterised from that SVG on a canvas, PDF printed by main from
// the same SVG, CSV of the plotted points. The content goes to main ('export.save' / 'export.saveSet'); main
// picks the path (save dialog). The renderer never names a path.
import type { ExportFormat } from '../../../../shared/ipc';
import { layoutFigure } from '../../../../shared/charts/layout';
import { rasterSize } from '../../../../shared/charts/print';
import type { Figure } from '../../../../shared/charts/spec';
import { svgDocument } from '../../../../shared/charts/svg';
import { api } from '../api';

export interface CsvTable {
  header: string[];
  rows: (string | number)[][];
}
/** How to export: the format, and for PNG the resolution (dpi for pt figures; 2× for on-screen px figures). */
export interface ExportChoice {
  format: ExportFormat;
  dpi: number;
}

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

export const figureSvg = (fig: Figure): string => svgDocument(layoutFigure(fig), { idPrefix: 'fig' });

/** PNG (base64, no data: prefix) of an SVG document drawn at `width` × `height` pixels on white. */
export async function svgToPng(svg: string, width: number, height: number): Promise<string> {
  // A data: URL, since the renderer's CSP allows images from 'self' and data: only.
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png').slice('data:image/png;base64,'.length);
}

/** The payload of one figure in one format (CSV: of `csv`). */
export async function payload(choice: ExportChoice, fig: Figure, csv: () => CsvTable): Promise<string> {
  if (choice.format === 'csv') return csvText(csv());
  const svg = figureSvg(fig);
  if (choice.format !== 'png') return svg;
  const px = rasterSize(fig.width, fig.height, fig.unit, choice.dpi);
  return svgToPng(svg, px.width, px.height);
}

/** Send one export to main; resolves with the written file (null: the user cancelled the dialog). */
export async function saveFigure(choice: ExportChoice, title: string, fig: () => Figure, csv: () => CsvTable): Promise<string | null> {
  const data = await payload(choice, fig(), csv);
  const { file } = await api.call('export.save', { format: choice.format, name: fileName(title, choice.format), data });
  return file;
}

/** Several figures (and the CSV behind each) as files of one new folder; resolves with the folder (null: cancelled). */
export async function saveFigureSet(
  folder: string,
  choice: ExportChoice,
  items: { title: string; figure: Figure; csv: () => CsvTable }[],
): Promise<string | null> {
  const files: { name: string; format: ExportFormat; data: string }[] = [];
  const used = new Set<string>();
  for (const [i, it] of items.entries()) {
    let stem = fileName(it.title, 'csv').slice(0, -4);
    if (used.has(stem)) stem = `${stem} (${i + 1})`;
    used.add(stem);
    files.push({ name: `${stem}.${choice.format}`, format: choice.format, data: await payload(choice, it.figure, it.csv) });
    if (choice.format !== 'csv') files.push({ name: `${stem}.csv`, format: 'csv', data: csvText(it.csv()) });
  }
  const { dir } = await api.call('export.saveSet', { name: fileName(folder, 'csv').slice(0, -4), files });
  return dir;
}
