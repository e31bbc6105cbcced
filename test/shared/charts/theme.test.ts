// Dark-mode chart colours: every palette colour drawn on the dark background keeps 3:1 contrast (WCAG 2.1
// §1.4.11), text 4.5:1; light figures (exports, print) are unchanged.
import { describe, expect, it } from 'vitest';
import { layoutFigure } from '../../../src/shared/charts/layout';
import { linePanel } from '../../../src/shared/charts/line-panel';
import { GUIDE, INK, RUN_PALETTES, SEMANTIC, sequentialColors } from '../../../src/shared/charts/palette';
import { densityPanel, spectrogramPanel } from '../../../src/shared/charts/spectrum-panels';
import { binSpectrum } from '../../../src/shared/charts/spectrum-bins';
import { svgDocument, svgLayers } from '../../../src/shared/charts/svg';
import { DARK_THEME, GRAPHICS_CONTRAST, LIGHT_THEME, TEXT_CONTRAST, contrast, luminance, readable, themedPanel } from '../../../src/shared/charts/theme';

const PALETTE = [...Object.values(SEMANTIC), INK, GUIDE, ...Object.values(RUN_PALETTES).flat()];

describe('contrast', () => {
  it('follows WCAG: black on white 21:1, a colour on itself 1:1, the luminance of mid grey', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 12);
    expect(contrast('#0072B2', '#0072B2')).toBe(1);
    // sRGB 0x77 = 119: ((119/255 + 0.055)/1.055)^2.4 = 0.18447…
    expect(luminance('#777777')).toBeCloseTo(0.184474, 5);
  });
});

describe('dark theme', () => {
  it('keeps every palette colour at ≥ 3:1 against the dark background, changing only those below it', () => {
    for (const c of PALETTE) {
      const d = readable(c, DARK_THEME);
      expect(contrast(d, DARK_THEME.background), `${c} → ${d}`).toBeGreaterThanOrEqual(GRAPHICS_CONTRAST);
      if (contrast(c, DARK_THEME.background) >= GRAPHICS_CONTRAST) expect(d).toBe(c);
    }
    // Ink-like colours (train, fits) become the theme's ink, not a grey that reads as "null".
    expect([readable(SEMANTIC.train, DARK_THEME), readable(INK, DARK_THEME)]).toEqual([DARK_THEME.ink, DARK_THEME.ink]);
    expect(readable(SEMANTIC.train, DARK_THEME)).not.toBe(readable(SEMANTIC.null, DARK_THEME));
    expect(readable('#123456', LIGHT_THEME)).toBe('#123456');
  });

  it('sets text at ≥ 4.5:1 in both themes, and k ordered colours (viridis) at ≥ 3:1 on dark', () => {
    for (const t of [LIGHT_THEME, DARK_THEME]) {
      expect(contrast(t.ink, t.background)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      expect(contrast(t.muted, t.background)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
    }
    for (const c of sequentialColors('viridis', 32, true)) expect(contrast(c, DARK_THEME.background)).toBeGreaterThanOrEqual(GRAPHICS_CONTRAST);
  });

  it('themes a panel for the dark page (lines, guides, bars, colour scales) and draws its chrome in the theme ink', () => {
    const line = linePanel([{ label: 'train', color: SEMANTIC.train, data: { x: [0, 1], y: [1, 2], length: 2 } }], {
      x: { title: 'step', scale: 'linear' },
      y: { title: 'loss (nats)', scale: 'linear' },
      guides: [{ value: 1, text: 'one' }],
    });
    expect(themedPanel(line, LIGHT_THEME)).toBe(line);
    const dark = themedPanel(line, DARK_THEME);
    expect(dark.marks.map((m) => (m.type === 'line' || m.type === 'rule' ? m.color : ''))).toEqual([DARK_THEME.ink, readable(GUIDE, DARK_THEME)]);
    const column = binSpectrum({ step: 0, n: 4, nullCount: 1, nullTol: 1e-9, eigenvalues: Float64Array.from([-1, 2, 300]) }, 0.01);
    const bars = themedPanel(densityPanel(column, { lr: 0.01 }), DARK_THEME).marks.find((m) => m.type === 'bar');
    expect(bars?.type === 'bar' && bars.classes.every((c) => contrast(c.color, DARK_THEME.background) >= GRAPHICS_CONTRAST)).toBe(true);
    const heat = themedPanel(spectrogramPanel([column], { lr: 0.01 }), DARK_THEME);
    expect(heat.colorBar?.dark).toBe(true);
    expect(heat.marks.find((m) => m.type === 'heatmap')).toMatchObject({ color: { dark: true } });
    const layout = layoutFigure({ width: 300, height: 200, fontSize: 11, unit: 'px', panels: [dark], interactive: true });
    const layers = svgLayers(layout, { theme: DARK_THEME });
    expect(layers).toContain(`stroke="${DARK_THEME.ink}"`);
    expect(layers).not.toContain(LIGHT_THEME.ink);
    // A document for print is light whatever the app shows.
    expect(svgDocument(layoutFigure({ width: 300, height: 200, fontSize: 8, unit: 'pt', panels: [line] }))).toContain(`stroke="${LIGHT_THEME.ink}"`);
  });
});
