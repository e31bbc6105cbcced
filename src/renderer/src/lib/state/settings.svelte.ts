// Settings the user chooses, kept in this browser profile (localStorage): the run palette (Okabe–Ito, Tol bright
// or Tol muted) and colours picked for single runs, and the Library's columns. Read back validated: a stored
// value that is not a known palette, a #rrggbb colour or a column is ignored.
import { RUN_PALETTES, isHexColor, isRunPaletteName, runColors } from '../../../../shared/charts/palette';
import type { RunPaletteName } from '../../../../shared/charts/palette';

const PALETTE_KEY = 'chaoslab.runPalette';
const COLORS_KEY = 'chaoslab.runColors';

/** A value kept under `key`, as JSON. */
export const write = (key: string, value: unknown): void => localStorage.setItem(key, JSON.stringify(value));

export function read(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

class ChartSettings {
  palette = $state<RunPaletteName>(isRunPaletteName(read(PALETTE_KEY)) ? (read(PALETTE_KEY) as RunPaletteName) : 'okabe-ito');
  picked = $state<Record<string, string>>(
    Object.fromEntries(Object.entries((read(COLORS_KEY) as Record<string, unknown>) ?? {}).filter((e): e is [string, string] => isHexColor(e[1]))),
  );

  setPalette(name: RunPaletteName): void {
    this.palette = name;
    write(PALETTE_KEY, name);
  }
  /** A run's own colour (null: back to the palette's). */
  setRunColor(runId: string, color: string | null): void {
    const next = { ...this.picked };
    if (color && isHexColor(color)) next[runId] = color.toLowerCase();
    else delete next[runId];
    this.picked = next;
    write(COLORS_KEY, next);
  }
  /** The colour of each run: picked, else stable in the chosen palette. */
  colors(ids: string[]): Map<string, string> {
    const out = runColors(ids, RUN_PALETTES[this.palette]);
    for (const id of ids) if (this.picked[id]) out.set(id, this.picked[id]);
    return out;
  }
}

export const chartSettings = new ChartSettings();
