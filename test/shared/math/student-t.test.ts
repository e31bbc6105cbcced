import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from '../../../src/shared/math/student-t';

describe('Student t quantile', () => {
  it('matches closed forms and tabulated values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9); // 12.7062
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.975 * 0.025), 10); // 4.3027
    const table: [number, number, number][] = [
      [0.975, 1, 12.706204736],
      [0.975, 3, 3.182446305],
      [0.975, 4, 2.776445105],
      [0.975, 10, 2.228138852],
      [0.975, 30, 2.042272456],
      [0.95, 5, 2.015048373],
      [0.995, 7, 3.499483297],
      [0.975, 1e7, 1.959964222],
    ];
    for (const [p, nu, q] of table) expect(Math.abs(studentTQuantile(p, nu) - q)).toBeLessThan(1e-8);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445105, 8);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 14);
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(() => studentTQuantile(1, 3)).toThrow(/p must be in \(0, 1\), got 1/);
  });
});
