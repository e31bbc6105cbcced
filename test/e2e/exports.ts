// Reading back what a chart exported through the handler table's save dialog (a path in a temp dir here).
import { readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** PNG width and height from the IHDR chunk (bytes 16–23, big-endian). */
export function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** RFC 4180: cells may be quoted, with "" for a quote inside. */
export function parseCsv(file: string): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const text = readFileSync(file, 'utf8').trimEnd();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') cell += text[++i];
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += c;
  }
  rows.push([...row, cell]);
  return { header: rows[0], rows: rows.slice(1) };
}

/** Click an export button and wait for the chart (or view) to report the written file, which must lie in `dir`. */
export async function exportedFile(holder: Locator, button: Locator, dir: string): Promise<string> {
  await holder.evaluate((el) => el.setAttribute('data-exported', ''));
  await button.click();
  await expect.poll(() => holder.getAttribute('data-exported'), { timeout: 20_000 }).not.toBe('');
  const file = (await holder.getAttribute('data-exported'))!;
  expect(file.startsWith(dir), file).toBe(true);
  return file;
}

export const figureSize = (chart: Locator): Promise<{ w: number; h: number }> =>
  chart.evaluate((el) => ({ w: Math.round(el.clientWidth), h: Math.round(el.clientHeight) }));
