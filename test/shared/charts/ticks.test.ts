// Ticks on log and symlog axes, and on colour bars.
import { describe, expect, it } from 'vitest';
import { colorBarTicks, colorOf, colorPosition } from '../../../src/shared/charts/colorbar';
import { labelText } from '../../../src/shared/charts/format';
import { makeScale } from '../../../src/shared/charts/scales';
import { axisTicks, logMinorTicks, tickTexts } from '../../../src/shared/charts/ticks';

const none = (): number => 0;

describe('ticks', () => {
  it('puts decades on log axes (all as 10ᵏ unless all lie in 0.1…100), and 1-2-5 ticks within a decade', () => {
    const y = makeScale('log', [1e-3, 10], [200, 0]);
    expect(axisTicks('log', y, 200, 4, () => 10).map((t) => t.label)).toEqual([
      { text: '10', sup: '\u22123' },
      { text: '10', sup: '\u22122' },
      { text: '10', sup: '\u22121' },
      { text: '10', sup: '0' },
      { text: '10', sup: '1' },
    ]);
    expect(tickTexts(axisTicks('log', makeScale('log', [0.1, 100], [200, 0]), 200, 4, () => 10))).toEqual(['0.1', '1', '10', '100']);
    // Short axis: every other decade, so labels 10 units tall keep 4 apart.
    const short = axisTicks('log', makeScale('log', [1e-6, 1e3], [60, 0]), 60, 4, () => 10);
    expect(short.length).toBeLessThan(10);
    for (let i = 1; i < short.length; i++) expect(Math.log10(short[i].value / short[i - 1].value)).toBe(Math.log10(short[1].value / short[0].value));
    expect(tickTexts(axisTicks('log', makeScale('log', [2, 8], [200, 0]), 200, 4, () => 10))).toEqual(['2', '3', '4', '5', '6', '7', '8']);
    // A loss axis 0.12…2.2: the evenly spaced 0.5…2 would leave its lower third bare; 1-2-5 steps continue below.
    expect(tickTexts(axisTicks('log', makeScale('log', [0.12, 2.2], [200, 0]), 200, 4, () => 10))).toEqual(['0.2', '0.5', '1', '1.5', '2']);
    expect(logMinorTicks(1, 100)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('puts 0 and ±10ᵏ on symlog axes, thinned so that labels keep apart', () => {
    const y = makeScale('symlog', [-100, 1e4], [300, 0]);
    const ticks = axisTicks('symlog', y, 300, 6, () => 12);
    const values = ticks.map((t) => t.value);
    expect(values).toContain(0);
    expect(values).toContain(1e4);
    expect(values).toContain(-100);
    for (let i = 1; i < ticks.length; i++) expect(Math.abs(y(ticks[i].value) - y(ticks[i - 1].value))).toBeGreaterThanOrEqual(18);
    expect(ticks.map((t) => labelText(t.label))).toContain('10' + '4');
  });

  it('thins linear ticks until their labels fit', () => {
    const x = makeScale('linear', [0, 36_480], [0, 120]);
    const ticks = axisTicks('linear', x, 120, 5, (l) => 6 * labelText(l).length);
    for (let i = 1; i < ticks.length; i++) expect(x(ticks[i].value) - x(ticks[i - 1].value)).toBeGreaterThanOrEqual(6 * 3 + 5);
    expect(axisTicks('linear', x, 120, 5, none).length).toBeGreaterThan(ticks.length - 1);
  });

  it('maps colours on log and discrete scales, with colour-bar ends always labelled', () => {
    const log = { map: 'inferno' as const, kind: 'log' as const, domain: [1, 1000] as [number, number], title: 'count' };
    expect(colorPosition(log, 1)).toBe(0);
    expect(colorPosition(log, 1000)).toBe(1);
    expect(colorPosition(log, 10)).toBeCloseTo(1 / 3, 12);
    expect(colorOf(log, 0)).toBeNull();
    // Exponent as a superscript: the text is 10 then 0, 1, 2, 3.
    expect(colorBarTicks(log, 200, 4, () => 10).map((t) => t.label)).toEqual([0, 1, 2, 3].map((k) => ({ text: '10', sup: String(k) })));
    const k32 = { map: 'viridis' as const, kind: 'linear' as const, domain: [1, 32] as [number, number], steps: 32, title: 'exponent index' };
    const t = colorBarTicks(k32, 150, 2, () => 10);
    expect(t[0].value).toBe(1);
    expect(t[t.length - 1].value).toBe(32);
    expect(t.every((x) => Number.isInteger(x.value))).toBe(true);
    expect(colorPosition(k32, 1)).toBe(0);
    expect(colorPosition(k32, 32)).toBe(1);
  });
});
