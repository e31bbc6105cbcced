// One semantic palette; colour-blind-safe run colours; a sequential map for k ordered exponents.
import { rgb } from 'd3';
import { describe, expect, it } from 'vitest';
import { RUN_PALETTES, SEMANTIC, isHexColor, runColors, sequentialColors } from '../../../src/shared/charts/palette';

/** Relative luminance (WCAG) of a #rrggbb or rgb() colour. */
function luminance(c: string): number {
  const { r, g, b } = rgb(c);
  const lin = (v: number): number => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

describe('palette', () => {
  it('gives every semantic category its own colour', () => {
    const colors = Object.values(SEMANTIC);
    expect(new Set(colors).size).toBe(colors.length);
    expect(colors.every(isHexColor)).toBe(true);
  });

  it('colours k = 32 exponents in order of luminance (a sequential map, not a rainbow)', () => {
    const c = sequentialColors('viridis', 32);
    expect(new Set(c).size).toBe(32);
    const l = c.map(luminance);
    for (let i = 1; i < 32; i++) expect(l[i]).toBeGreaterThan(l[i - 1]);
  });

  it('gives each run a colour that does not depend on the other runs compared, from any palette', () => {
    for (const palette of Object.values(RUN_PALETTES)) {
      const ids = Array.from({ length: palette.length }, (_, i) => `run-${i}-${i * 7919}`);
      const all = runColors(ids, palette);
      expect(new Set(all.values()).size).toBe(palette.length);
      for (const id of ids) expect(palette).toContain(all.get(id));
      expect(runColors([ids[3]], palette).get(ids[3])).toBe(runColors([ids[3], 'zzz'], palette).get(ids[3]));
    }
  });

  it('accepts only #rrggbb as a user colour', () => {
    expect(['#00ff00', '#ABCDEF'].every(isHexColor)).toBe(true);
    expect(['red', '#fff', '#00ff00" onload="x', 'url(#a)', null].some(isHexColor)).toBe(false);
  });
});
