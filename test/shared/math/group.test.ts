// Group statistics shared by Compare, the CLI, reports and CSV: alignment on the union of steps, the band
// (95 % t-interval, ± SE, or min–max under 3 members) and clipping to the metric's domain.
import { describe, expect, it } from 'vitest';
import { alignByStep, alignedColumns, bandLabel, groupBand } from '../../../src/shared/math/group';

const member = (values: number[], steps = values.map((_, i) => i)) => ({ steps, values });

describe('alignByStep', () => {
  it('merges the members on the union of their steps, −1 / NaN where a member has no point', () => {
    const a = member([1, 2, 3], [0, 2, 4]);
    const b = member([5, 6, 7], [0, 1, 4]);
    const { steps, index } = alignByStep([a, b]);
    expect(Array.from(steps)).toEqual([0, 1, 2, 4]);
    expect(index.map((x) => Array.from(x))).toEqual([
      [0, -1, 1, 2],
      [0, 1, -1, 2],
    ]);
    const { columns } = alignedColumns([a, b]);
    expect(Array.from(columns[0])).toEqual([1, NaN, 2, 3]);
    expect(Array.from(columns[1])).toEqual([5, 6, NaN, 7]);
  });
});

describe('groupBand', () => {
  const four = [member([1, 2, 3]), member([2, 4, 6]), member([3, 6, NaN]), member([4, 8])];

  it('95 % t-interval per step over ragged members with gaps (n ≥ 3)', () => {
    const g = groupBand(four);
    expect([g.kind, g.n]).toEqual(['ci95', 4]);
    // Step 0: {1,2,3,4}: mean 2.5, half-width t_{.975,3}·√(5/3)/2 = 2.0542603…
    expect(g.mean[0]).toBe(2.5);
    expect(g.hi[0] - 2.5).toBeCloseTo(2.0542603, 6);
    expect(g.lo[0] + g.hi[0]).toBeCloseTo(5, 12);
    // Step 1: {2,4,6,8}: half-width 3.182446305·√(20/3)/2 = 4.1085205…
    expect(g.hi[1] - 5).toBeCloseTo(4.1085205, 6);
    // Step 2: {3,6}: only two values here, so the t-interval is ±12.706·SE = 19.059…
    expect(g.hi[2] - 4.5).toBeCloseTo(19.0593071, 6);
    expect(Array.from(g.count)).toEqual([4, 4, 2]);
    expect(Array.from(g.min)).toEqual([1, 2, 3]);
    expect(Array.from(g.max)).toEqual([4, 8, 6]);
    expect(bandLabel(g)).toBe('mean ± 95 % CI (n = 4)');
  });

  it('± one standard error when asked', () => {
    const g = groupBand(four, { kind: 'se' });
    expect(g.kind).toBe('se');
    expect(g.hi[0] - 2.5).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(bandLabel(g)).toBe('mean ± SE (n = 4)');
  });

  it('min–max for groups under 3 members: never a ±12.7·SE band', () => {
    const g = groupBand([member([0.9, 0.92]), member([0.5, 0.94])], { kind: 'ci95', domain: 'unit' });
    expect([g.kind, g.n]).toEqual(['minmax', 2]);
    expect(Array.from(g.lo)).toEqual([0.5, 0.92]);
    expect(Array.from(g.hi)).toEqual([0.9, 0.94]);
    expect(bandLabel(g)).toBe('mean, min–max (n = 2)');
  });

  it("keeps bands inside the metric's domain", () => {
    const acc = groupBand([member([0.97]), member([0.99]), member([0.6])], { domain: 'unit' });
    expect(acc.hi[0]).toBe(1);
    const counts = groupBand([member([0]), member([0]), member([9])], { domain: 'nonneg' });
    expect(counts.lo[0]).toBe(0);
    // On a log axis (positive domain) a lower edge ≤ 0 falls back to the smallest member value.
    const loss = groupBand([member([0.01]), member([0.02]), member([3])], { domain: 'positive' });
    expect(loss.lo[0]).toBe(0.01);
    const free = groupBand([member([0.01]), member([0.02]), member([3])]);
    expect(free.lo[0]).toBeLessThan(0);
  });

  it('a single member has a degenerate band at its own values', () => {
    const g = groupBand([member([7])]);
    expect([g.mean[0], g.lo[0], g.hi[0], g.kind]).toEqual([7, 7, 7, 'minmax']);
  });
});
