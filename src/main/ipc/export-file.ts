// Figure and data export: the renderer sends the content and a suggested file name, main asks the save-target
// chooser (a native dialog in Electron) where to put it, checks the content against its declared format and
// writes it. PDF arrives as the figure's SVG document and is printed by Chromium (a PdfPrinter: Electron's
// printToPDF in the app). A figure set goes into a new folder. The renderer never names a path.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ExportFormat } from '../../shared/ipc';
import { IpcError } from '../../shared/ipc';
import { replaceFile, targetProblem } from '../store/file-target';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const EXPORT_FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  png: { name: 'PNG image', extensions: ['png'] },
  svg: { name: 'SVG image', extensions: ['svg'] },
  pdf: { name: 'PDF document', extensions: ['pdf'] },
  csv: { name: 'CSV table', extensions: ['csv'] },
};
export const FOLDER_FILTER = { name: 'Folder (created)', extensions: [] as string[] };

/** Page size in points (1/72 in). */
export interface PageSize {
  width: number;
  height: number;
}
/** Prints an SVG document to a one-page PDF of `size`. */
export type PdfPrinter = (svg: string, size: PageSize) => Promise<Buffer>;

const refuse = (channel: string, field: string, message: string): never => {
  throw new IpcError(`${channel}: ${field} ${message}`, [{ field, message }]);
};
const isSvg = (data: string): boolean => /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data);

/** The page size of an SVG document from its root's width and height (pt, or px at 96 per inch). */
export function svgPageSize(svg: string): PageSize | null {
  const root = /^\s*(?:<\?xml[^>]*>\s*)?<svg\b([^>]*)>/.exec(svg)?.[1] ?? '';
  const dim = (name: string): number => {
    const m = new RegExp(`\\b${name}="([\\d.]+)(pt|px)?"`).exec(root);
    return m ? Number(m[1]) * (m[2] === 'pt' ? 1 : 0.75) : NaN;
  };
  const size = { width: dim('width'), height: dim('height') };
  // Chromium prints pages up to 200 in.
  return size.width >= 1 && size.height >= 1 && size.width <= 14_400 && size.height <= 14_400 ? size : null;
}

/** The document Chromium prints: the SVG alone on a page of its size, no script, no outside resources. */
export function printHtml(svg: string, size: PageSize): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<style>@page{size:${size.width}pt ${size.height}pt;margin:0}html,body{margin:0;padding:0}svg{display:block;width:${size.width}pt;height:${size.height}pt}</style>` +
    `</head><body>${svg}</body></html>`
  );
}

/** The bytes to write for a payload, or an IpcError naming the field that is wrong. */
export async function exportBytes(channel: string, field: string, format: ExportFormat, data: string, print?: PdfPrinter): Promise<Buffer> {
  if (format === 'png') {
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR')
      refuse(channel, field, 'is not a base64 PNG image');
    return bytes;
  }
  if ((format === 'svg' || format === 'pdf') && !isSvg(data)) refuse(channel, field, 'is not an SVG document (must start with <svg)');
  if (format === 'pdf') {
    const size = svgPageSize(data);
    if (!size) return refuse(channel, field, 'has no page size (width and height of 1–14400 pt on its <svg>)');
    if (!print) throw new IpcError(`${channel}: PDF export is not available here (no printer)`);
    const pdf = await print(data, size);
    if (pdf.toString('latin1', 0, 5) !== '%PDF-') throw new IpcError(`${channel}: printing the PDF failed`);
    return pdf;
  }
  return Buffer.from(data, 'utf8');
}

/** Write through a temporary file renamed into place; the open `database` (and its side files) is never a target. */
function write(channel: string, file: string, bytes: Buffer, database: string): void {
  const problem = targetProblem(file, database, true);
  if (problem) throw new IpcError(`${channel}: ${problem}: nothing was written`);
  try {
    replaceFile(file, (tmp) => writeFileSync(tmp, bytes));
  } catch (e) {
    throw new IpcError(`${channel}: could not write ${file}: ${(e as Error).message}`);
  }
}

export type Choose = (defaultName: string, filter: { name: string; extensions: string[] }) => Promise<string | null>;

/**
 * Ask for a target and write the file; the chosen path gets the format's extension if it lacks it. The dialog
 * confirmed replacing an existing file. Null: cancelled.
 */
export async function saveExport(
  choose: Choose,
  format: ExportFormat,
  name: string,
  data: string,
  database: string,
  print?: PdfPrinter,
): Promise<string | null> {
  const bytes = await exportBytes('export.save', 'data', format, data, print);
  const chosen = await choose(name, EXPORT_FILTERS[format]);
  if (!chosen) return null;
  const file = extname(chosen).toLowerCase() === `.${format}` ? chosen : `${chosen}.${format}`;
  write('export.save', file, bytes, database);
  return file;
}

/** A figure set: every file checked (and PDFs printed) first, then a new folder at the chosen path holding them. */
export async function saveExportSet(
  choose: Choose,
  name: string,
  files: { name: string; format: ExportFormat; data: string }[],
  database: string,
  print?: PdfPrinter,
): Promise<string | null> {
  const bytes: Buffer[] = [];
  for (const [i, f] of files.entries()) bytes.push(await exportBytes('export.saveSet', `files[${i}].data`, f.format, f.data, print));
  const dir = await newFolder('export.saveSet', choose, name);
  if (dir) files.forEach((f, i) => write('export.saveSet', join(dir, f.name), bytes[i], database));
  return dir;
}

/** Ask for a folder to create (it must not exist yet) and create it. Null: cancelled. */
export async function newFolder(channel: string, choose: Choose, name: string): Promise<string | null> {
  const dir = await choose(name, FOLDER_FILTER);
  if (!dir) return null;
  if (existsSync(dir)) throw new IpcError(`${channel}: ${dir} exists; choose a new folder name`);
  try {
    mkdirSync(dir);
  } catch (e) {
    throw new IpcError(`${channel}: could not create ${dir}: ${(e as Error).message}`);
  }
  return dir;
}

/** A run's export file name: its name in safe characters (with the id's start when several go in one folder). */
export const runFileName = (run: { id: string; name: string }, withId = false): string =>
  `${run.name.replace(/[^\w.-]+/g, '_')}${withId ? `_${run.id.slice(0, 8)}` : ''}.chaoslab`;
