// The edge-of-stability readout against an explicit small computation.
import { describe, expect, it } from 'vitest';
import { sharpnessSummary, sharpnessText } from '../../../src/shared/math/sharpness';

describe('sharpnessSummary', () => {
  it('measures λ_max against 2/η: start, first step at the limit, peak, and the plateau over the second half', () => {
    // η = 0.5 → 2/η = 4. Steps 0, 10, …, 80.
    const steps = [0, 10, 20, 30, 40, 50, 60, 70, 80];
    const lambda = [1, 2, 3, 4.2, 3.8, 4.1, 3.9, 4.0, 4.0];
    const s = sharpnessSummary(steps, lambda, 0.5)!;
    expect(s.limit).toBe(4);
    expect(s.initialRatio).toBe(0.25);
    expect(s.reachedStep).toBe(30);
    expect(s.peakRatio).toBeCloseTo(1.05, 12);
    expect(s.peakStep).toBe(30);
    // Second half: steps ≥ 40, ratios 0.95, 1.025, 0.975, 1, 1.
    const r = [0.95, 1.025, 0.975, 1, 1];
    const mean = r.reduce((a, b) => a + b) / 5;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(s.plateauFrom).toBe(40);
    expect(s.plateauCount).toBe(5);
    expect(s.plateauRatio).toBeCloseTo(mean, 12);
    expect(s.plateauSd).toBeCloseTo(sd, 12);
    expect(sharpnessText(s)).toBe(
      'sharpness λ_max: 0.25·2/η at the start, reached 2/η = 4.00 at step 30 (peak 1.05·2/η at step 30); over steps ≥ 40: 0.99 ± 0.03 of 2/η',
    );
  });

  it('says when the limit is never reached, and gives nothing without data', () => {
    const s = sharpnessSummary([0, 1, 2, 3], [1, 1.5, 1.2, 1.1], 0.1)!;
    expect(s.reachedStep).toBeNull();
    expect(sharpnessText(s)).toMatch(/never reached 2\/η = 20\.0 \(peak 0\.07·2\/η at step 1\)/);
    expect(sharpnessSummary([], [], 0.1)).toBeNull();
  });
});
