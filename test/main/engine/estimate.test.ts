// The cost estimate's choice of spectrum method (recommendMethod), on random data of the configured shape: each
// method priced, a dense problem measured only when small (d ≤ 2000) and judged by its memory, a Lanczos config
// where exact is cheap allowed with a note saying so. No timing is asserted: only what follows from the shapes,
// and that the advice agrees with the prices it reports.
import { describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../../src/shared/config';
import { estimateCost } from '../../../src/main/engine/estimate';

const config = (raw: object): RunConfig => {
  const v = validateConfig(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
};

describe('recommendMethod', () => {
  it('prices both methods on the paper MLP and follows the prices; a Lanczos config there is allowed and says what exact costs', () => {
    for (const method of ['exact', 'lanczos'] as const) {
      const e = estimateCost(config({ spectrum: { method } }));
      const m = e.method!;
      expect(m.configured).toBe(method);
      expect(m.exactMeasured).toBe(true);
      expect(m.exactDim).toBe(e.rankBound);
      expect(m.exactBytes).toBe(3 * m.exactDim ** 2 * 8);
      // The default step cap (300) and 2k = 40 Ritz vectors of n = 5350.
      expect(m.lanczosBytes).toBe(340 * 5350 * 8);
      expect(m.exactMs).toBeGreaterThan(0);
      expect(m.lanczosMs).toBeGreaterThan(0);
      expect(m.recommended).toBe(m.exactMs <= m.lanczosMs ? 'exact' : 'lanczos');
      expect(e.msPerStep).toBe(method === 'exact' ? m.exactMs : m.lanczosMs);
      if (method === 'lanczos' && m.recommended === 'exact')
        expect(m.note).toMatch(/^Allowed, but exact would be cheaper here and gives every eigenvalue: exact \d/);
      if (method === m.recommended) expect(m.note).toMatch(new RegExp(`^${method} is the cheaper method here`));
    }
  });

  it('does not solve a dense problem that cannot fit: full-batch GD on 2000 images at 28×28 goes to Lanczos', () => {
    const e = estimateCost(
      config({
        data: { imageSide: 28 },
        model: { kind: 'mlp', hidden: 100 },
        train: { mode: 'gd', subset: 2000, steps: 10 },
        spectrum: { method: 'exact' },
      }),
    );
    const m = e.method!;
    expect(e.nParams).toBe(79_510);
    // Rank bound B(C − 1) + 2·H·(C − 1) with B = the subset.
    expect(m.exactDim).toBe(2000 * 9 + 2 * 100 * 9);
    expect(m.exactMeasured).toBe(false);
    expect(m.exactBytes).toBeGreaterThan(2 * 2 ** 30);
    expect(m.recommended).toBe('lanczos');
    expect(m.note).toMatch(/^Consider spectrum.method 'lanczos': Lanczos ≤ .* — exact may not fit in memory\.$/);
    expect(e.steps).toBe(10);
  });

  it('prices nothing for a run without spectra', () => {
    expect(estimateCost(config({ spectrum: { every: 0 } })).method).toBeNull();
  });
});
