// A sweep's progress in steps and its ETA, against explicit counts.
import { describe, expect, it } from 'vitest';
import { EtaMeter, sweepSteps } from '../../../src/renderer/src/lib/sweep-progress';
import type { SweepRunRow } from '../../../src/shared/sweep/records';

const row = (index: number, status: SweepRunRow['status'], lastStep: number, totalSteps: number | null): SweepRunRow => ({
  index,
  name: `r${index}`,
  stage: 'run',
  after: null,
  runId: status ? `id${index}` : null,
  status,
  lastStep,
  totalSteps,
  error: null,
});

describe('sweep progress', () => {
  it('counts steps done and left; runs not started count as planned, else as long as the started ones on average', () => {
    const runs = [row(0, 'finished', 99, 100), row(1, 'running', 29, 100), row(2, 'failed', 9, 300), row(3, null, -1, null)];
    // done: 100 + 30 + 10 + 0; left: 70 (running) + 0 (failed) + mean(100, 100, 300) = 166.67 (not started).
    expect(sweepSteps(runs)).toEqual({ done: 140, left: 70 + 500 / 3 });
    expect(sweepSteps(runs, [null, null, null, 40])).toEqual({ done: 140, left: 110 });
    expect(sweepSteps([row(0, 'cancelled', 49, 200)])).toEqual({ done: 50, left: 150 });
  });

  it('estimates the time to go from the rate over its window', () => {
    const m = new EtaMeter(10_000);
    expect(m.eta(100)).toBeNull();
    m.sample(0, 0);
    m.sample(2_000, 20);
    expect(m.eta(100)).toBe(10); // 10 steps/s
    m.sample(12_000, 20);
    m.sample(14_000, 60); // the first sample left the window: (60 − 20) / 12 s
    expect(m.eta(100)).toBeCloseTo(100 / (40 / 12), 12);
    const still = new EtaMeter();
    still.sample(0, 5);
    still.sample(1_000, 5);
    expect(still.eta(10)).toBeNull();
  });
});
