// Tick and readout labels as a typesetter writes them.
import { describe, expect, it } from 'vitest';
import { humanNumber, labelText, powerOfTen, readoutNumber, scientific } from '../../../src/shared/charts/format';
import { linearTicks, tickTexts } from '../../../src/shared/charts/ticks';

describe('number labels', () => {
  it('writes step ticks as 0, 2k, 4k — never 0k or 0.1k', () => {
    expect(tickTexts(linearTicks(0, 10_000, 5))).toEqual(['0', '2k', '4k', '6k', '8k', '10k']);
    expect(tickTexts(linearTicks(0, 36_480, 8))).toEqual(['0', '5k', '10k', '15k', '20k', '25k', '30k', '35k']);
    expect(tickTexts(linearTicks(0, 600, 6))).toEqual(['0', '100', '200', '300', '400', '500', '600']);
    expect(tickTexts(linearTicks(0, 3000, 6))).toEqual(['0', '500', '1k', '1.5k', '2k', '2.5k', '3k']);
    expect(tickTexts(linearTicks(36_000, 36_500, 5))).toEqual(['36k', '36.1k', '36.2k', '36.3k', '36.4k', '36.5k']);
    expect(tickTexts(linearTicks(0, 2.5e6, 5))).toEqual(['0', '0.5M', '1M', '1.5M', '2M', '2.5M'].map((s) => (s === '0.5M' ? '500k' : s)));
    for (const t of [linearTicks(0, 1e5, 10), linearTicks(0, 1234, 7), linearTicks(-5000, 5000, 4)])
      for (const s of tickTexts(t)) expect(s).not.toMatch(/^0k$|^0\.\d+k$/);
  });

  it('writes fractions with the decimals the spacing needs and a true minus sign', () => {
    expect(tickTexts(linearTicks(0, 1, 5))).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(tickTexts(linearTicks(0.9, 0.95, 5))).toEqual(['0.9', '0.91', '0.92', '0.93', '0.94', '0.95']);
    expect(tickTexts(linearTicks(-2, 2, 4))).toEqual(['\u22122', '\u22121', '0', '1', '2']);
    expect(labelText(humanNumber(-2500, 500))).toBe('\u22122.5k');
  });

  it('writes powers of ten with a superscript exponent', () => {
    expect(powerOfTen(1e-4)).toEqual({ text: '10', sup: '\u22124' });
    expect(powerOfTen(1e3)).toEqual({ text: '10', sup: '3' });
    expect(powerOfTen(-1e5)).toEqual({ text: '\u221210', sup: '5' });
    expect(powerOfTen(0.1)).toEqual({ text: '0.1' });
    expect(powerOfTen(0.1, false)).toEqual({ text: '10', sup: '\u22121' });
    expect(powerOfTen(100)).toEqual({ text: '100' });
    expect(scientific(2.5e-5)).toEqual({ text: '2.5×10', sup: '\u22125' });
    expect(humanNumber(2e-4)).toEqual({ text: '2×10', sup: '\u22124' });
  });

  it('reads out values with four significant digits', () => {
    expect(readoutNumber(0.123456)).toBe('0.1235');
    expect(readoutNumber(-1234.5)).toBe('\u22121235');
    expect(readoutNumber(1.5e-6)).toBe('1.5e\u22126');
    expect(readoutNumber(NaN)).toBe('—');
  });
});
