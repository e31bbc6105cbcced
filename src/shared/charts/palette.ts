// The one palette of every chart. Semantic colours keep one meaning on every page (Okabe–Ito, colour-blind safe):
// negative / positive / null / chaotic / pruned eigen-directions, train / test. Run colours come from a
// colour-blind-safe qualitative palette (Okabe–Ito or Paul Tol's), chosen by the user. Sequential maps (viridis,
// inferno) for ordered quantities: the k Lyapunov exponents (with a colour bar, never a rainbow), counts per bin.
import { interpolateInferno, interpolateViridis } from 'd3-scale-chromatic';

export const SEMANTIC = {
  negative: '#0072B2',
  positive: '#009E73',
  null: '#999999',
  chaotic: '#D55E00',
  pruned: '#CC79A7',
  train: '#000000',
  test: '#E69F00',
} as const;
export type Semantic = keyof typeof SEMANTIC;

/** Reference curves (fits) and guide lines that carry no category. */
export const INK = '#222222';
export const GUIDE = '#555555';

/** Qualitative palettes for runs: Okabe–Ito (without yellow, unreadable on white), Tol bright, Tol muted. */
export const RUN_PALETTES = {
  'okabe-ito': ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000'],
  'tol-bright': ['#4477AA', '#EE6677', '#228833', '#CCBB44', '#66CCEE', '#AA3377', '#BBBBBB'],
  'tol-muted': ['#CC6677', '#332288', '#DDCC77', '#117733', '#88CCEE', '#882255', '#44AA99', '#999933', '#AA4499'],
} as const;
export type RunPaletteName = keyof typeof RUN_PALETTES;
export const RUN_PALETTE_NAMES = Object.keys(RUN_PALETTES) as RunPaletteName[];
export const isRunPaletteName = (v: unknown): v is RunPaletteName => typeof v === 'string' && Object.hasOwn(RUN_PALETTES, v);

/** A colour a user may set: #rrggbb only (colours go into SVG attributes). */
export const isHexColor = (v: unknown): v is string => typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);

export const SEQUENTIAL = { viridis: interpolateViridis, inferno: interpolateInferno } as const;
export type SequentialName = keyof typeof SEQUENTIAL;
/**
 * The part of each map used. On white: inferno's darkest tenth is indistinguishable from black, viridis' last
 * from white. On the dark theme (theme.ts) the dark end goes instead: viridis from 0.4 keeps every colour at 3:1
 * or more against the background (lines), inferno from 0.3 keeps a heatmap's lowest counts visible.
 */
const SPAN: Record<SequentialName, [number, number]> = { viridis: [0, 0.92], inferno: [0.1, 1] };
const SPAN_ON_DARK: Record<SequentialName, [number, number]> = { viridis: [0.4, 1], inferno: [0.3, 1] };

/** Colour of t ∈ [0, 1] on a sequential map (on a dark background: `dark`). */
export function sequential(name: SequentialName, t: number, dark = false): string {
  const [a, b] = (dark ? SPAN_ON_DARK : SPAN)[name];
  return SEQUENTIAL[name](a + (b - a) * Math.min(1, Math.max(0, t)));
}

/** k ordered colours (index 0 = first), e.g. the exponents λ₁ ≥ … ≥ λ_k. */
export function sequentialColors(name: SequentialName, k: number, dark = false): string[] {
  return Array.from({ length: k }, (_, i) => sequential(name, k > 1 ? i / (k - 1) : 0, dark));
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * One colour per run, a function of the run id: a run keeps its colour whichever other runs are compared with
 * it, unless two ids want the same slot (then the later one, in id order, takes the next free slot).
 */
export function runColors(ids: string[], palette: readonly string[] = RUN_PALETTES['okabe-ito']): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const id of [...ids].sort()) {
    let slot = hash(id) % palette.length;
    for (let k = 0; k < palette.length && used.has(slot); k++) slot = (slot + 1) % palette.length;
    used.add(slot);
    if (used.size > palette.length) used.clear();
    out.set(id, palette[slot]);
  }
  return out;
}
