// Number labels for axes, colour bars and readouts, as a typesetter would write them: 0, 2k, 4k (never 0k or
// 0.1k), 0.25, 1.5M, powers of ten as 10 with a superscript exponent, a true minus sign (U+2212).
import { format } from 'd3-format';

/** A label: text, optionally followed by a superscript (the exponent of 10^k). */
export interface Label {
  text: string;
  sup?: string;
}
export const labelText = (l: Label): string => l.text + (l.sup ?? '');

const MINUS = '\u2212';
const minus = (s: string): string => s.replace(/-/g, MINUS);
const SI = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;

/** Decimals needed to tell apart values `spacing` apart (0 for integers), at most 6. */
function decimalsFor(spacing: number): number {
  if (!(spacing > 0) || !Number.isFinite(spacing)) return 0;
  return Math.min(6, Math.max(0, Math.ceil(-Math.log10(spacing) - 1e-9)));
}

/**
 * `v` on an axis whose ticks are `spacing` apart: |v| ≥ 1000 with an SI suffix (2k, 36.5k, 1.2M), plain decimals
 * from 0.001 up, 10ᵏ notation below that (and above 10¹²); 0 is "0".
 */
export function humanNumber(v: number, spacing = 0): Label {
  if (v === 0) return { text: '0' };
  if (!Number.isFinite(v)) return { text: Number.isNaN(v) ? '—' : v > 0 ? '∞' : `${MINUS}∞` };
  const a = Math.abs(v);
  if (a >= 1e12 || a < 1e-3) return scientific(v);
  for (const [unit, suffix] of SI)
    if (a >= unit) {
      const d = spacing > 0 ? decimalsFor(spacing / unit) : 3;
      return { text: minus(trim((v / unit).toFixed(d))) + suffix };
    }
  const d = spacing > 0 ? decimalsFor(spacing) : Math.max(0, 3 - Math.floor(Math.log10(a)));
  return { text: minus(trim(v.toFixed(d))) };
}

const trim = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
const mantissa = format('.2~');

/** m × 10ᵏ; exact powers of ten as 10ᵏ alone. */
export function scientific(v: number): Label {
  const k = Math.floor(Math.log10(Math.abs(v)) + 1e-12);
  const m = v / 10 ** k;
  const sign = v < 0 ? MINUS : '';
  if (Math.abs(Math.abs(m) - 1) < 1e-9) return { text: `${sign}10`, sup: minus(String(k)) };
  return { text: `${minus(mantissa(m))}×10`, sup: minus(String(k)) };
}

/** A power of ten (or its negative) as 10ᵏ; 0.1, 1, 10, 100 plainly when `plain`. */
export function powerOfTen(v: number, plain = true): Label {
  if (v === 0) return { text: '0' };
  const k = Math.round(Math.log10(Math.abs(v)));
  if (plain && k >= -1 && k <= 2) return { text: minus(String(v)) };
  return { text: `${v < 0 ? MINUS : ''}10`, sup: minus(String(k)) };
}

/** Labels of ±10ᵏ ticks on one axis, written alike: plainly when all lie in 0.1…100, else all as 10ᵏ. */
export function decadeLabels(values: number[]): Label[] {
  const plain = values.every((v) => v === 0 || (Math.abs(v) >= 0.09 && Math.abs(v) <= 101));
  return values.map((v) => powerOfTen(v, plain));
}

/** A value in a readout or caption: 4 significant digits, a true minus, exponent form outside [1e-3, 1e5). */
export function readoutNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : labelText(humanNumber(v));
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return minus(format('.3~e')(v));
  return minus(format('.4~g')(v));
}
