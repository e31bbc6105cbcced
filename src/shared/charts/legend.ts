// Legends: entries collected from the marks that carry a label, shown once per label and style (a run drawn in
// several panels, a group's min and max), laid out in rows that wrap at the available width.
import { textWidth } from './font';
import type { Mark, Panel } from './spec';

export interface LegendEntry {
  label: string;
  color: string;
  symbol: 'line' | 'dot' | 'rect';
  dash: boolean;
  opacity: number;
  off: boolean;
}
export interface PlacedEntry extends LegendEntry {
  x: number;
  row: number;
}

function entriesOf(m: Mark): LegendEntry[] {
  const base = { dash: false, opacity: 1, off: false };
  switch (m.type) {
    case 'line':
      return m.label ? [{ ...base, label: m.label, color: m.color, symbol: 'line', dash: !!m.dash, opacity: m.opacity ?? 1, off: !!m.off }] : [];
    case 'dot':
      return m.label ? [{ ...base, label: m.label, color: m.color, symbol: 'dot', off: !!m.off }] : [];
    case 'band':
      return m.label ? [{ ...base, label: m.label, color: m.color, symbol: 'rect', opacity: m.opacity ?? 0.2, off: !!m.off }] : [];
    case 'bar':
      return m.classes.filter((_, k) => Array.prototype.some.call(m.parts[k], (c: number) => c > 0)).map((c) => ({ ...base, ...c, symbol: 'rect' }));
    default:
      return [];
  }
}

/** The legend of some panels: entries in order of first appearance, each label-and-style once. */
export function legendEntries(panels: Panel[], interactive: boolean): LegendEntry[] {
  const seen = new Set<string>();
  const out: LegendEntry[] = [];
  for (const p of panels)
    for (const m of p.marks)
      for (const e of entriesOf(m)) {
        if (e.off && !interactive) continue;
        const key = `${e.label}\u0000${e.color}\u0000${e.symbol}\u0000${e.dash}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(e);
      }
  return out;
}

/** Sizes of a legend set in `fontSize`: swatch, gaps, row height. */
export const legendMetrics = (fontSize: number) => ({ swatch: 1.6 * fontSize, gap: 0.35 * fontSize, spacing: 1.1 * fontSize, row: 1.35 * fontSize });

/** Entries placed in rows no wider than `width`; a label too long for a row is its own row. */
export function placeLegend(entries: LegendEntry[], width: number, fontSize: number): { placed: PlacedEntry[]; rows: number } {
  const m = legendMetrics(fontSize);
  const placed: PlacedEntry[] = [];
  let x = 0;
  let row = 0;
  for (const e of entries) {
    const w = m.swatch + m.gap + textWidth(e.label, fontSize);
    if (x > 0 && x + w > width) {
      row++;
      x = 0;
    }
    placed.push({ ...e, x, row });
    x += w + m.spacing;
  }
  return { placed, rows: entries.length ? row + 1 : 0 };
}
