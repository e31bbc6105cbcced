// Chart text: the font stack and text widths from a metrics table (font-metrics.ts), so that layout needs no DOM.
// Liberation Sans is metric-compatible with Arial and Helvetica, which a reader's viewer substitutes.
import { BOLD, REGULAR } from './font-metrics';

export const FONT_FAMILY = "'Liberation Sans', Arial, Helvetica, sans-serif";
/** Ascent and descent of the font as fractions of the font size (Liberation Sans: 0.905 / 0.212). */
export const ASCENT = 0.905;
export const DESCENT = 0.212;

/** Advance width of `text` at `size` (user units), bold or regular; unknown characters count as an 'n'. */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let w = 0;
  for (const c of text) w += table[c] ?? table.n;
  return (w * size) / 1000;
}
