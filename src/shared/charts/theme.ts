// Light and dark chart themes. Figures are specified once, in the palette's colours for a white page (exports and
// print always use them); the app's interactive charts on a dark page draw a themed copy: every mark colour with
// less than 3:1 contrast against the dark background (WCAG 2.1 §1.4.11, graphics) is lightened until it has it,
// text and axes take the theme's ink, and sequential maps leave out their darkest end.
import type { ColorScale, Mark, Panel } from './spec';

export interface ChartTheme {
  dark: boolean;
  /** The plot background the colours must stand out on. */
  background: string;
  /** Axes, ticks and text. */
  ink: string;
  /** Notes and bar labels. */
  muted: string;
}
export const LIGHT_THEME: ChartTheme = { dark: false, background: '#ffffff', ink: '#1d232b', muted: '#4a5563' };
export const DARK_THEME: ChartTheme = { dark: true, background: '#1b2027', ink: '#e3e7ec', muted: '#aab3be' };

/** Least contrast of a mark against the background (graphics), and of text (WCAG AA for small text). */
export const GRAPHICS_CONTRAST = 3;
export const TEXT_CONTRAST = 4.5;

/** The channels of a #rrggbb colour (the only form palette and user colours take). */
const channels = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const toHex = (c: number[]): string => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = channels(hex);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio (1–21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const memo = new Map<string, string>();
/**
 * A #rrggbb `color` on the theme's background: unchanged where it has ≥ 3:1 contrast, the ink where it is ink
 * itself (near black: train, fits), else mixed toward the ink until it has 3:1.
 */
export function readable(color: string, theme: ChartTheme): string {
  if (!theme.dark) return color;
  const key = `${color}\u0000${theme.background}`;
  let out = memo.get(key);
  if (out === undefined) {
    const from = channels(color);
    const to = channels(theme.ink);
    out = contrast(color, '#ffffff') >= 15 ? theme.ink : color;
    for (let t = 0.1; contrast(out, theme.background) < GRAPHICS_CONTRAST && t < 1.05; t += 0.1) out = toHex(from.map((v, i) => v + (to[i] - v) * t));
    memo.set(key, out);
  }
  return out;
}

function themedMark(m: Mark, theme: ChartTheme): Mark {
  switch (m.type) {
    case 'bar':
      return { ...m, classes: m.classes.map((c) => ({ ...c, color: readable(c.color, theme) })) };
    case 'heatmap':
      return { ...m, color: themedScale(m.color, theme) };
    default:
      return { ...m, color: readable(m.color, theme) };
  }
}
const themedScale = (s: ColorScale, theme: ChartTheme): ColorScale => ({ ...s, dark: theme.dark });

/** The panel as drawn on the theme's background (the light theme returns it as it is). */
export function themedPanel(p: Panel, theme: ChartTheme): Panel {
  if (!theme.dark) return p;
  return { ...p, marks: p.marks.map((m) => themedMark(m, theme)), colorBar: p.colorBar && themedScale(p.colorBar, theme) };
}
