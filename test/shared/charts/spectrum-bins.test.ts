// Estimated spectra as spectrogram columns (binDensity): the SLQ density's mass per symlog bin outside the null
// band, with its standard error. Checked on an analytic density (a Gaussian: each bin's mass to 1e-6·n, everything
// accounted for between the bins and the null band) and on the real SLQ estimate of the paper's MLP against its
// exact eigenvalues smoothed by the same kernel and binned the same way: every bin within 3 of its standard
// errors (an upper bound), and not every bin within a tenth of them.
import { describe, expect, it } from 'vitest';
import type { EstimatedSpectrumFrame } from '../../../src/shared/frames';
import { BINS, MIN_SHOWN, binDensity, binRange, estimateLabel, occupiedBins } from '../../../src/shared/charts/spectrum-bins';
import { estimatedFrame, estimateSpectrum } from '../../../src/main/engine/curvature/estimated-spectrum';
import { normalCdf } from '../../../src/main/engine/curvature/slq';
import { paperHessian } from '../../helpers/paper-hessian';

const gaussian = (mu: number, s: number, n: number, lo: number, hi: number, g: number): Float64Array =>
  Float64Array.from({ length: g }, (_, i) => {
    const x = lo + ((hi - lo) * i) / (g - 1);
    return (n / (s * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * ((x - mu) / s) ** 2);
  });

describe('binDensity', () => {
  it('integrates a density over each bin outside ±τ_c, the rest being the null estimate', () => {
    const [n, mu, s, lo, hi, g] = [1000, 3, 2, -9, 15, 4001];
    const values = gaussian(mu, s, n, lo, hi, g);
    const frame: EstimatedSpectrumFrame = {
      step: 7,
      n,
      lanczosSteps: 30,
      top: Float64Array.of(9, 8),
      topResiduals: Float64Array.of(0, 0),
      bottom: Float64Array.of(-3, -2),
      bottomResiduals: Float64Array.of(0, 0),
      nullTol: 1e-9,
      density: { probes: 6, steps: 40, sigma: 0.1, countTol: 0.4, lo, hi, values, se: values.map((v) => 0.1 * v) },
    };
    // γ = 0.2: 2/γ = 10 lies inside the density, so some bins are partly chaotic.
    const lr = 0.2;
    const c = binDensity(frame, lr);
    const phi = (x: number): number => n * normalCdf((x - mu) / s);
    let total = c.nullCount;
    for (let b = 0; b < BINS; b++) {
      const [a, z] = binRange(b);
      const outside = Math.max(0, phi(Math.min(z, -0.4)) - phi(a)) + Math.max(0, phi(z) - phi(Math.max(a, 0.4)));
      // normalCdf itself is good to 1.2e-7; the grid's piecewise-linear density to ~h² = 4e-5 of the curvature.
      expect(Math.abs(c.counts[b] - outside), `bin ${b}`).toBeLessThan(1e-3);
      // Chaotic: the mass below −τ_c and beyond 2/γ, bin by bin.
      const chaotic = Math.max(0, phi(Math.min(z, -0.4)) - phi(a)) + Math.max(0, phi(z) - phi(Math.max(a, 2 / lr)));
      expect(Math.abs(c.chaotic[b] - chaotic), `chaotic, bin ${b}`).toBeLessThan(1e-3);
      expect(c.estimate!.se[b]).toBeCloseTo(0.1 * c.counts[b], 3);
      total += c.counts[b];
    }
    expect(c.nullCount).toBeCloseTo(phi(0.4) - phi(-0.4), 3);
    expect(Math.abs(total - n)).toBeLessThan(1e-3);
    expect(c).toMatchObject({ step: 7, n, nullTol: 0.4, min: -3, max: 9 });
    expect(Array.from(c.estimate!.ritz)).toEqual([-3, -2, 9, 8]);
    expect(estimateLabel(c.estimate!)).toBe('estimate (SLQ, 6 probes × 40 steps)');
    // Without probes: empty bins, the extremes still set the range drawn.
    const bare = binDensity({ ...frame, density: null }, 0.01);
    expect(bare.counts.every((v) => v === 0)).toBe(true);
    expect(bare.nullTol).toBe(1e-9);
    expect(estimateLabel(bare.estimate!)).toBe('estimate (Lanczos extremes only, no SLQ probes)');
    const [b0, b1] = occupiedBins([bare]);
    expect(binRange(b0)[0]).toBeLessThanOrEqual(-3);
    expect(binRange(b1)[1]).toBeGreaterThan(9);
  });

  it('agrees with the exact eigenvalues of the paper MLP, smoothed and binned alike, within the stated error', () => {
    const { op, all, n } = paperHessian('mlp_init');
    const cfg = { method: 'lanczos', k: 5, lanczosSteps: 200, reorthogonalize: 'full', probes: 30, slqSteps: 60, every: 1, nullTol: 0, extremes: 5 } as const;
    const frame = estimatedFrame(estimateSpectrum(op.apply, n, cfg, { lr: 0.01, seed: 0, density: true }), 0);
    const d = frame.density!;
    // The exact eigenvalues smoothed by the same kernel on the same grid, binned the same way.
    const g = d.values.length;
    const k = 1 / (d.sigma * Math.sqrt(2 * Math.PI));
    const smooth = Float64Array.from({ length: g }, (_, i) => {
      const t = d.lo + ((d.hi - d.lo) * i) / (g - 1);
      return all.reduce((a, x) => a + k * Math.exp(-0.5 * ((t - x) / d.sigma) ** 2), 0);
    });
    const est = binDensity(frame, 0.01);
    const exact = binDensity({ ...frame, density: { ...d, values: smooth } }, 0.01);
    const z = (scale: number): number[] => {
      const out: number[] = [];
      for (let b = 0; b < BINS; b++)
        if (est.counts[b] >= MIN_SHOWN || exact.counts[b] >= MIN_SHOWN) out.push(Math.abs(est.counts[b] - exact.counts[b]) / (scale * est.estimate!.se[b]));
      return out;
    };
    expect(z(1).length).toBeGreaterThan(10);
    expect(Math.max(...z(1))).toBeLessThanOrEqual(3);
    expect(Math.max(...z(0.1))).toBeGreaterThan(3);
    expect(Math.abs(est.nullCount - exact.nullCount)).toBeLessThanOrEqual(3 * est.estimate!.nullSe);
    // Bins plus the null band hold all n eigenvalues (the grid reaches 3σ beyond the extreme Ritz values).
    expect(Math.abs(exact.counts.reduce((a, v) => a + v, 0) + exact.nullCount - n)).toBeLessThan(0.01 * n);
  });
});
