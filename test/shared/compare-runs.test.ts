// The Compare view's pure helpers: config differences, seed groups, the common spectrum step and
// the EMA smoothing of the charts. (The x = scalar join is covered end to end in test/e2e/compare.test.ts.)
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, defaultSection } from '../../src/shared/config';
import type { RunConfig } from '../../src/shared/config';
import { commonSpectrumStep, configDiff, seedGroups, spectrumEvery } from '../../src/shared/compare-runs';
import { ema } from '../../src/shared/math/ema';

const cfg = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

describe('compare helpers', () => {
  it('knows how often a run has a spectrum: spectrum.every, or every step under CGD with the step basis or Lyapunov', () => {
    expect(spectrumEvery(cfg({ spectrum: { ...DEFAULT_CONFIG.spectrum, every: 0 } }))).toBe(0);
    expect(spectrumEvery(cfg({ spectrum: { ...DEFAULT_CONFIG.spectrum, every: 5 } }))).toBe(5);
    expect(spectrumEvery(cfg({ spectrum: { ...DEFAULT_CONFIG.spectrum, every: 5 }, cgd: defaultSection('cgd') }))).toBe(1);
    expect(spectrumEvery(cfg({ spectrum: { ...DEFAULT_CONFIG.spectrum, every: 0 }, cgd: { ...defaultSection('cgd'), basisFile: 'b.json' } }))).toBe(0);
    expect(spectrumEvery(cfg({ spectrum: { ...DEFAULT_CONFIG.spectrum, every: 0 }, lyapunov: defaultSection('lyapunov') }))).toBe(1);
  });

  it('lists only the config fields that differ, labelled, in words: off for a section switched off, no JSON', () => {
    const a = cfg({ name: 'a', seed: 1 });
    const b = cfg({ name: 'b', seed: 2, cgd: defaultSection('cgd') });
    const rows = configDiff([a, b]);
    const fields = rows.map((r) => r.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'seed', 'cgd.prune', 'cgd.basisFile']));
    expect(fields).not.toContain('cgd');
    expect(fields).not.toContain('train.lr');
    expect(rows.find((r) => r.field === 'cgd.prune')).toEqual({ field: 'cgd.prune', label: 'Prune', values: ['off', 'neg'] });
    expect(rows.find((r) => r.field === 'cgd.k')!.values).toEqual(['off', 'all']);
    expect(rows.find((r) => r.field === 'cgd.basisFile')!.values).toEqual(['off', 'none']);
    expect(configDiff([a, a])).toEqual([]);
    // A field of another model kind is a dash; lists are comma-separated; null says what it means.
    const c = cfg({
      model: { kind: 'cnn', baseChannels: 4, blocks: 2, activation: 'relu' },
      tags: ['x', 'y'],
      data: { ...DEFAULT_CONFIG.data, testLimit: 1000 },
    });
    const byField = Object.fromEntries(configDiff([a, c]).map((r) => [r.field, r.values]));
    expect(byField).toMatchObject({
      'model.kind': ['mlp', 'cnn'],
      'model.hidden': ['20', '—'],
      'model.blocks': ['—', '2'],
      tags: ['none', 'x, y'],
      'data.testLimit': ['all', '1000'],
    });
  });

  it('groups runs that differ only by seed, name, tags, notes or checkpoint interval', () => {
    const runs = [
      { id: 'a', config: cfg({ seed: 1, name: 'x' }) },
      { id: 'b', config: cfg({ seed: 2, name: 'y', tags: ['t'], checkpointEvery: 7 }) },
      { id: 'c', config: cfg({ seed: 1, train: { ...DEFAULT_CONFIG.train, lr: 0.5 } }) },
      { id: 'd', config: cfg({ seed: 3 }) },
    ];
    expect(seedGroups(runs).map((g) => g.map((r) => r.id))).toEqual([['a', 'b', 'd'], ['c']]);
  });

  it('finds the last step at which every run has a spectrum', () => {
    expect(
      commonSpectrumStep([
        { lastStep: 149, every: 5 },
        { lastStep: 149, every: 1 },
      ]),
    ).toBe(145);
    expect(
      commonSpectrumStep([
        { lastStep: 100, every: 4 },
        { lastStep: 90, every: 6 },
      ]),
    ).toBe(84);
    expect(commonSpectrumStep([{ lastStep: 100, every: 0 }])).toBeNull();
    expect(commonSpectrumStep([])).toBeNull();
  });

  it('smooths with a debiased EMA that skips non-finite values', () => {
    const v = [2, 4, NaN, 8];
    const s = ema(v, v.length, 0.5);
    // m1 = 1 → 1/(1−0.5) = 2; m2 = 0.5 + 2 = 2.5 → 2.5/0.75; m3 = 1.25 + 4 = 5.25 → 5.25/0.875.
    expect(s[0]).toBe(2);
    expect(s[1]).toBeCloseTo(2.5 / 0.75, 15);
    expect(s[2]).toBeNaN();
    expect(s[3]).toBeCloseTo(5.25 / 0.875, 15);
    expect(Array.from(ema([3, 3, 3], 3, 0.9))).toEqual([3, 3, 3].map((x) => expect.closeTo(x, 14)));
  });
});
