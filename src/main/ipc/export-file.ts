// Figure and data export: the renderer sends the content and a suggested file name, main asks the save-target
// chooser (a native dialog in Electron) where to put it, checks the content against its declared format and
// writes it. The renderer never names a path.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ExportFormat } from '../../shared/ipc';
import { IpcError } from '../../shared/ipc';
import { replaceFile, targetProblem } from '../store/file-target';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const EXPORT_FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  png: { name: 'PNG image', extensions: ['png'] },
  svg: { name: 'SVG image', extensions: ['svg'] },
  csv: { name: 'CSV table', extensions: ['csv'] },
};

/** The bytes to write for a payload, or an IpcError naming the field that is wrong. */
export function exportBytes(format: ExportFormat, data: string): Buffer {
  if (format === 'png') {
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR')
      throw new IpcError('export.save: data is not a base64 PNG image', [{ field: 'data', message: 'is not a base64 PNG image' }]);
    return bytes;
  }
  if (format === 'svg' && !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data))
    throw new IpcError('export.save: data is not an SVG document (must start with <svg)', [{ field: 'data', message: 'is not an SVG document' }]);
  return Buffer.from(data, 'utf8');
}

/**
 * Ask for a target, write the file through a temporary file renamed into place; the chosen path gets the format's
 * extension if it lacks it. The dialog confirmed replacing an existing file; the open `database` is never a
 * target. Null: cancelled.
 */
export async function saveExport(
  choose: (defaultName: string, filter: { name: string; extensions: string[] }) => Promise<string | null>,
  format: ExportFormat,
  name: string,
  data: string,
  database: string,
): Promise<string | null> {
  const bytes = exportBytes(format, data);
  const chosen = await choose(name, EXPORT_FILTERS[format]);
  if (!chosen) return null;
  const file = extname(chosen).toLowerCase() === `.${format}` ? chosen : `${chosen}.${format}`;
  const problem = targetProblem(file, database, true);
  if (problem) throw new IpcError(`export.save: ${problem}: nothing was written`);
  try {
    replaceFile(file, (tmp) => writeFileSync(tmp, bytes));
  } catch (e) {
    throw new IpcError(`export.save: could not write ${file}: ${(e as Error).message}`);
  }
  return file;
}
