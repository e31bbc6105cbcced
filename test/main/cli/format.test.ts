// Numbers at the precision stored, durations, sizes and the progress line (pure functions; the CLI tests see them in use).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, duration, numberText, progressLine } from '../../../src/main/cli/format';

describe('numberText', () => {
  const f32 = numberText('float32');
  it('prints a float32 value as its shortest float32 decimal, a float64 run as the shortest double', () => {
    const v = Math.fround(2.048936);
    expect(v).toBe(2.048935890197754);
    expect(f32(v)).toBe('2.048936');
    expect(numberText('float64')(v)).toBe('2.048935890197754');
    expect(f32(0.1)).toBe('0.1');
    // Not a float32 value (computed in float64, e.g. the exact spectrum): all its digits.
    expect(f32(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(f32(-Math.fround(1e-30))).toBe('-1e-30');
    expect(f32(NaN)).toBe('NaN');
    expect(f32(0)).toBe('0');
  });
  it('round-trips every float32 through Math.fround, with at most 9 significant digits', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = f32(x);
        expect(Math.fround(Number(s))).toBe(x === 0 ? 0 : x);
        expect(Number(s).toExponential().split('e')[0].replace(/[-.]/g, '').length).toBeLessThanOrEqual(9);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('duration, bytes, progressLine', () => {
  it('reads like a person writes it', () => {
    expect(duration(4.24)).toBe('4.2s');
    expect(duration(65.4)).toBe('1m05s');
    expect(duration(3725)).toBe('1h02m05s');
    expect(duration(Infinity)).toBe('?');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(3.5 * 2 ** 20)).toBe('3.5 MiB');
  });
  it('shows step/total, the loss, steps/s and the ETA', () => {
    const line = progressLine({ step: 412, total: 3000, stepsPerSec: 12.34, etaSec: 209.7 }, 0.123456);
    expect(line).toContain('412/3000');
    expect(line).toContain('loss 0.1235');
    expect(line).toContain('12.3 steps/s');
    expect(line).toContain('ETA 3m30s');
  });
});
