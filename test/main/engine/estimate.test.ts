// The cost estimate: memory checked before anything is allocated (naming the field to change), and a time per step
// that is measured when the step is cheap and extrapolated from a smaller model of the same kind when it is not.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, validateConfig, type RunConfig } from '../../../src/shared/config';
import { estimateCost } from '../../../src/main/engine/estimate';
import { checkMemory, hessianDim, memoryBytes, memoryParts } from '../../../src/main/engine/memory';
import { modelSpec } from '../../../src/main/engine/models/spec';

const cnn = (baseChannels: number, blocks = 1): RunConfig => ({ ...DEFAULT_CONFIG, model: { kind: 'cnn', baseChannels, blocks, activation: 'relu' } });
const mlp = (hidden: number, batchSize = 8): RunConfig => ({
  ...DEFAULT_CONFIG,
  model: { kind: 'mlp', hidden, activation: 'relu' },
  train: { ...DEFAULT_CONFIG.train, batchSize },
});
const GiB = 2 ** 30;

describe('memory', () => {
  it('sizes the exact Hessian from the dimension the eigensolver gets', () => {
    // The paper's CNN: dense n×n; the paper's MLP at batch 8: at most 8 directions per unit, 10 per live unit, 10 biases.
    expect(hessianDim(cnn(4), modelSpec(cnn(4).model))).toBe(1158);
    expect(hessianDim(mlp(20), modelSpec(mlp(20).model))).toBe(20 * 8 + 10 * 21);
    const parts = memoryParts(cnn(4));
    expect(parts.map((p) => p.field)).toEqual(['model.baseChannels', 'model.baseChannels']);
    // 5 m² float64 (Hr, its copy, eigenvectors, dsyevd workspace) + B·C·m Jacobian rows; 12 n for the model state.
    expect(memoryBytes(parts)).toBe((5 * 1158 ** 2 + 8 * 10 * 1158 + 12 * 1158) * 8);
    const lyap = memoryParts({
      ...mlp(20),
      lyapunov: { k: 'all', frame: 'initial', start: 'random', saveAt: [], saveAtEpochs: [], subsimAt: [], explicitSteps: 0 },
      train: { ...mlp(20).train, momentum: 0.9 },
    });
    expect(lyap.find((p) => p.field === 'lyapunov.k')).toMatchObject({ largest: 10700 * 10700, bytes: 5 * 10700 * 10700 * 8 });
  });

  it('refuses a CNN with 64 base channels naming model.baseChannels, not "Invalid typed array length"', () => {
    expect(() => checkMemory(cnn(64))).toThrow(
      /^model\.baseChannels: too large for this machine — the exact Hessian \(260,298×260,298\) and its eigenvectors would need an array of 6\.78e\+10 values, more than the 4\.29e\+9 a typed array holds \(n = 260,298 parameters\); at most 19 fits; or set spectrum\.method 'lanczos' \(estimates from Hessian-vector products, no n×n matrix\)$/,
    );
    expect(() => estimateCost(cnn(64))).toThrow(/^model\.baseChannels: too large/);
  });

  it('refuses what exceeds the available memory, naming the largest part’s field and the largest value that fits', () => {
    const need = memoryBytes(memoryParts(cnn(8)));
    expect(() => checkMemory(cnn(8), need)).not.toThrow();
    expect(() => checkMemory(cnn(8), need - 1)).toThrow(
      /^model\.baseChannels: too large for this machine — this run needs about .* GiB .*; at most 7 fits; or set spectrum\.method 'lanczos'.*$/,
    );
    expect(() => checkMemory(mlp(2000), 4 * GiB)).toThrow(/^model\.hidden: too large .*; at most \d+ fits; or set spectrum\.method 'lanczos'/);
    const lyap: RunConfig = {
      ...mlp(20),
      lyapunov: { k: 'all', frame: 'initial', start: 'random', saveAt: [], saveAtEpochs: [], subsimAt: [], explicitSteps: 0 },
    };
    expect(() => checkMemory(lyap, 0.5 * GiB)).toThrow(/^lyapunov\.k: too large .* \(5350 Lyapunov vectors of dimension 5350: 1\.1 GiB\).*; at most \d+ fits$/);
  });
});

describe('estimateCost', () => {
  it('measures the step of the paper’s MLP itself, with its memory', () => {
    const e = estimateCost(mlp(20));
    expect(e).toMatchObject({ nParams: 5350, extrapolated: false });
    expect(e.msPerStep).toBeGreaterThan(0);
    expect(e.memoryBytes).toBe(memoryBytes(memoryParts(mlp(20))));
  });

  it('extrapolates a step too slow to time from a smaller model of the same kind', () => {
    // A 4322×4322 dense eigenproblem (≈ 10 s here) or an MLP with m ≈ 8264: never timed by the estimate.
    for (const c of [cnn(8), mlp(512)]) {
      const e = estimateCost(c);
      expect(e.extrapolated).toBe(true);
      expect(e.msPerStep).toBeGreaterThan(0);
    }
    // No spectrum, nothing to time.
    expect(estimateCost({ ...cnn(8), spectrum: { ...DEFAULT_CONFIG.spectrum, every: 0 } })).toMatchObject({ msPerStep: 0, extrapolated: false });
  });
});

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

  it('refuses an exact spectrum that cannot fit, pointing to Lanczos; the same run with Lanczos is priced and recommended', () => {
    // Full-batch GD on 2000 images at 28×28: the dense problem has d = 2000·9 + 2·100·9 (rank bound B(C − 1) + 2H(C − 1)).
    const raw = { data: { imageSide: 28 }, model: { kind: 'mlp', hidden: 100 }, train: { mode: 'gd', subset: 2000, steps: 10 } };
    expect(() => checkMemory(config({ ...raw, spectrum: { method: 'exact' } }), 8 * GiB)).toThrow(
      /^model\.hidden: too large .*or set spectrum\.method 'lanczos'/,
    );
    const e = estimateCost(config({ ...raw, spectrum: { method: 'lanczos' } }));
    const m = e.method!;
    expect(e.nParams).toBe(79_510);
    expect(m.exactDim).toBe(2000 * 9 + 2 * 100 * 9);
    expect(m.exactMeasured).toBe(false);
    expect(m.exactBytes).toBeGreaterThan(2 * 2 ** 30);
    expect(m.recommended).toBe('lanczos');
    expect(m.note).toMatch(/^lanczos is the cheaper method here/);
    expect(e.steps).toBe(10);
  });

  it('prices nothing for a run without spectra', () => {
    expect(estimateCost(config({ spectrum: { every: 0 } })).method).toBeNull();
  });
});
