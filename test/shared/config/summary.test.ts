// A run's config in words (the Live view's run panel, the Library's optimiser column), from the field table.
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/shared/config';
import { DEFAULT_CONFIG, configSummary, defaultSection, fieldAt, optimizerLabel } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';

const flat = (c: RunConfig): Record<string, string> => Object.fromEntries(configSummary(c).flatMap((s) => s.items.map((i) => [i.path, i.value])));

describe('configSummary', () => {
  it('lists what the experiment is, labelled from the table, and leaves out bookkeeping and sections that are off', () => {
    const s = configSummary(DEFAULT_CONFIG);
    expect(s.map((x) => x.title)).toEqual(['Run', 'Data', 'Model', 'Training', 'Hessian spectrum']);
    expect(s[0].items).toEqual([{ path: 'seed', label: 'Seed', value: '0' }]);
    expect(flat(DEFAULT_CONFIG)).toEqual({
      seed: '0',
      'data.dataset': 'fashion-mnist',
      'model.kind': 'mlp',
      'model.hidden': '20',
      'model.activation': 'relu',
      'train.steps': 'from epochs',
      'train.batchSize': '8',
      'train.lr': '0.01',
      'spectrum.every': '1',
    });
    const items = s.flatMap((x) => x.items);
    expect(items.find((i) => i.path === 'train.lr')?.label).toBe(fieldAt('train.lr').label);
    for (const i of items) expect(fieldAt(i.path).bookkeeping).toBeFalsy();
  });

  it('adds the fields set away from their defaults and the sections switched on, in words', () => {
    const c: RunConfig = {
      ...DEFAULT_CONFIG,
      name: 'not shown',
      data: { ...DEFAULT_CONFIG.data, testEvery: 25, trainLimit: null },
      model: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' },
      cgd: { ...defaultSection('cgd'), prune: 'chaotic', k: 10, start: 2000 },
      replicas: { ...defaultSection('replicas'), strategy: 'max_chaos', eps: [0.1, 0.2], seeds: [0, 1], lyapunovSource: 'abc' },
    };
    const f = flat(c);
    expect(f).toMatchObject({
      'data.testEvery': '25',
      'model.kind': 'cnn',
      'model.baseChannels': '4',
      'model.blocks': '1',
      'cgd.prune': 'chaotic',
      'cgd.k': '10',
      'cgd.start': '2000',
    });
    expect(f).toMatchObject({ 'replicas.strategy': 'max_chaos', 'replicas.eps': '0.1, 0.2', 'replicas.seeds': '0, 1', 'replicas.lyapunovSource': 'abc' });
    expect(f['model.hidden']).toBeUndefined();
    expect(f['data.trainLimit']).toBeUndefined();
    expect(f.name).toBeUndefined();
    expect(configSummary(c).map((x) => x.title)).toEqual(expect.arrayContaining(['CGD (chaos-sensitive gradient descent)', 'Replicas']));
  });
});

describe('optimizerLabel', () => {
  it('names SGD and each CGD variant of the presets in one cell', () => {
    expect(optimizerLabel(DEFAULT_CONFIG)).toBe('SGD');
    expect(optimizerLabel({ ...DEFAULT_CONFIG, train: { ...DEFAULT_CONFIG.train, momentum: 0.9 } })).toBe('SGD, momentum 0.9');
    expect(optimizerLabel({ ...DEFAULT_CONFIG, cgd: { ...defaultSection('cgd'), prune: 'pos', k: 5, select: 'random', start: 2000, mix: 0.5 } })).toBe(
      'CGD pos, k = 5 random, from step 2000, mix 0.5',
    );
    expect(new Set(PRESETS.filter((p) => p.group === 'Figure 1').map((p) => optimizerLabel(p.config)))).toEqual(
      new Set(['SGD', 'CGD neg', 'CGD pos', 'CGD chaotic']),
    );
  });
});
