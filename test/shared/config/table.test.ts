// The config field table and what is derived from it, checked generically for every entry: a new field is
// covered by these tests the moment it is added to the table.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConfigPath, ModelConfig, PathField, RunConfig, ValueAt } from '../../../src/shared/config';
import {
  CONFIG_PATHS,
  DEFAULT_CONFIG,
  GROUPS,
  LEAVES,
  PATH_FIELDS,
  RULES,
  defaultSection,
  describeType,
  didYouMean,
  fieldAt,
  isConfigPath,
  pathAt,
  readAt,
  setAt,
  validateConfig,
} from '../../../src/shared/config';
import { configDiff } from '../../../src/shared/compare-runs';
import { PRESETS } from '../../../src/shared/presets';
import type { Obj } from '../../helpers/config-values';
import { another, errorsOf, hosting, lastKey, permissive, refusals, withValue } from '../../helpers/config-values';

describe('the config field table', () => {
  it('describes every field once, with a label, one line of help and a path matching the defaults', () => {
    expect(new Set(CONFIG_PATHS).size).toBe(CONFIG_PATHS.length);
    expect(LEAVES.length).toBe(CONFIG_PATHS.length);
    for (const leaf of LEAVES) {
      expect(leaf.label.length, leaf.path).toBeGreaterThan(0);
      expect(leaf.help, leaf.path).toMatch(/^\S.{10,240}$/);
      expect(isConfigPath(leaf.path)).toBe(true);
      expect(fieldAt(leaf.path)).toBe(leaf);
      // Every field is where the defaults put it (or in a section that is off, or another model kind).
      expect(readAt(hosting(leaf), leaf.path), leaf.path).toEqual(leaf.default);
    }
    expect(isConfigPath('train')).toBe(false);
    expect(isConfigPath('toString')).toBe(false);
  });

  it('keeps the defaults every existing config relies on', () => {
    // The values of the hand-written defaults this table replaced (fields added later may join them).
    expect(DEFAULT_CONFIG).toMatchObject({
      name: 'run',
      seed: 0,
      data: { dataset: 'fashion-mnist', dir: null, trainLimit: null, testEvery: 100, testLimit: null },
      model: { kind: 'mlp', hidden: 20, activation: 'relu' },
      train: { steps: null, epochs: 1, batchSize: 8, lr: 0.01, momentum: 0, precision: 'float32', batchOrderFile: null, initParamsFile: null },
      spectrum: { every: 1, nullTol: null, extremes: 5 },
      cgd: null,
      lyapunov: null,
      replicas: null,
      checkpointEvery: 500,
      tags: [],
      notes: '',
    });
    expect(defaultSection('cgd')).toMatchObject({ prune: 'neg', k: null, select: 'magnitude', start: 0, noise: 0, mix: 1, basisFile: null });
    expect(defaultSection('lyapunov')).toMatchObject({ k: 32, frame: 'initial', start: 'random', saveAt: [], saveAtEpochs: [], explicitSteps: 0 });
    expect(defaultSection('replicas')).toMatchObject({
      strategy: 'randn',
      eps: [0.1],
      seeds: [0],
      lyapunovSource: null,
      lyapunovStep: null,
      directionFile: null,
    });
    expect(setAt(DEFAULT_CONFIG, 'model.kind', 'cnn')).toMatchObject({
      ok: true,
      config: { model: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' } },
    });
    // Defaults are copies: changing one config's list leaves the next one alone.
    const a = defaultSection('replicas');
    a.eps.push(9);
    expect(defaultSection('replicas').eps).toEqual([0.1]);
  });

  it('validates every field at its default, and null where the field allows it', () => {
    expect(validateConfig({})).toEqual({ ok: true, config: DEFAULT_CONFIG });
    for (const leaf of LEAVES) {
      expect(errorsOf(withValue(leaf, leaf.default)), leaf.path).toEqual([]);
      if (leaf.none !== undefined) expect(errorsOf(withValue(leaf, null)), leaf.path).toEqual([]);
    }
  });

  it('refuses wrong types and out-of-bounds values of every field, naming the field', () => {
    let n = 0;
    for (const leaf of LEAVES)
      for (const [value, message] of refusals(leaf)) {
        expect(errorsOf(withValue(leaf, value)), `${leaf.path} = ${JSON.stringify(value)}`).toEqual([{ field: leaf.path, message }]);
        n++;
      }
    expect(n).toBeGreaterThan(4 * LEAVES.length);
  });

  it('answers an unknown key with the field it is nearest to', () => {
    for (const leaf of LEAVES) {
      const key = lastKey(leaf.path);
      // A dropped letter in a long key, another case in a short one.
      const typo = key.length >= 4 ? key.slice(0, -2) + key.slice(-1) : key.toUpperCase();
      const field = leaf.path.slice(0, leaf.path.length - key.length) + typo;
      expect(errorsOf(withValue(leaf, leaf.default, typo)), leaf.path).toContainEqual({ field, message: `unknown field (did you mean ${leaf.path}?)` });
    }
    // A field in the wrong section, a section misspelt, and nothing near.
    expect(errorsOf({ lr: 0.1 })).toEqual([{ field: 'lr', message: 'unknown field (did you mean train.lr?)' }]);
    expect(errorsOf({ spectrom: {} })).toEqual([{ field: 'spectrom', message: 'unknown field (did you mean spectrum?)' }]);
    expect(errorsOf({ bogus: 1 })).toEqual([{ field: 'bogus', message: 'unknown field' }]);
    expect(didYouMean('train.batch_size')).toBe('train.batchSize');
    expect(didYouMean('x')).toBeNull();
    // A field of the other model kind says so.
    expect(errorsOf({ model: { kind: 'mlp', blocks: 2 } })).toEqual([
      { field: 'model.blocks', message: "unknown field for model.kind 'mlp' (it belongs to 'cnn')" },
    ]);
  });

  it('refuses a section that is not an object; a section that may be off accepts null', () => {
    for (const g of GROUPS.filter((g) => g.key)) {
      expect(errorsOf({ [g.key]: 3 }), g.key).toEqual([{ field: g.key, message: 'must be an object' }]);
      expect(errorsOf({ [g.key]: [] }), g.key).toEqual([{ field: g.key, message: 'must be an object' }]);
      expect(errorsOf({ [g.key]: null }), g.key).toEqual(g.optional ? [] : [{ field: g.key, message: 'must be an object' }]);
    }
    expect(errorsOf([])).toEqual([{ field: '(config)', message: 'must be a JSON object' }]);
  });

  it('checks the rules that tie fields together, naming the field to change', () => {
    const broken = {
      'data.dir': { data: { dataset: 'usps' } },
      'replicas.directionFile': { replicas: { strategy: 'file' } },
      'replicas.lyapunovSource': { replicas: { strategy: 'max_chaos' } },
      'spectrum.every': { spectrum: { every: 2 }, lyapunov: {} },
    } satisfies Partial<Record<ConfigPath, Obj>>;
    for (const [field, input] of Object.entries(broken)) expect(errorsOf(input).map((e) => e.field)).toEqual([field]);
    expect(errorsOf({ spectrum: { every: 2 }, cgd: {} })).toEqual([
      { field: 'spectrum.every', message: 'CGD needs the spectrum at every step (set 1) unless cgd.basisFile gives a fixed basis' },
    ]);
    expect(errorsOf({ spectrum: { every: 2 }, cgd: { basisFile: 'basis.json' } })).toEqual([]);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
  });

  it('refuses spectra, image sides and full-batch subsets that cannot be, naming the field', () => {
    const lanczos = (o: Obj = {}): Obj => ({ spectrum: { method: 'lanczos', ...o } });
    // The paper's MLP has n = 5350: top-k and bottom-k are distinct up to k = 2675.
    expect(errorsOf(lanczos({ k: 2675, lanczosSteps: 5350 }))).toEqual([]);
    expect(errorsOf(lanczos({ k: 2676, lanczosSteps: 5352 }))).toEqual([
      {
        field: 'spectrum.k',
        message: "must be at most n/2 = 2675: the top-k and bottom-k of the model's n = 5350 parameters (for all of them use spectrum.method 'exact')",
      },
    ]);
    // k > n on the CNN (n = 1158), and at 28×28 the MLP grows to n = 15,910.
    expect(errorsOf({ model: { kind: 'cnn' }, ...lanczos({ k: 1200, lanczosSteps: 2400 }) }).map((e) => e.field)).toEqual(['spectrum.k']);
    expect(errorsOf({ data: { imageSide: 28 }, ...lanczos({ k: 2676, lanczosSteps: 5352 }) })).toEqual([]);
    expect(errorsOf(lanczos({ k: 20, lanczosSteps: 39 }))).toEqual([
      { field: 'spectrum.lanczosSteps', message: 'must be ≥ 2·spectrum.k = 40 (the Krylov space holds the top-k and the bottom-k)' },
    ]);
    expect(errorsOf(lanczos({ probes: 0 }))).toEqual([{ field: 'spectrum.probes', message: 'must be ≥ 2' }]);
    expect(errorsOf(lanczos({ probes: null }))).toEqual([]);
    expect(errorsOf({ spectrum: { k: 5 } })).toEqual([{ field: 'spectrum.k', message: "unknown field for spectrum.method 'exact' (it belongs to 'lanczos')" }]);
    expect(errorsOf({ data: { dataset: 'usps', dir: '/d', imageSide: 28 } })).toEqual([
      { field: 'data.imageSide', message: 'usps images are 16×16: must be 16' },
    ]);
    expect(errorsOf({ data: { imageSide: 20 } })).toEqual([{ field: 'data.imageSide', message: 'fashion-mnist images are 16×16 or 28×28: must be 16 or 28' }]);
    expect(errorsOf({ train: { mode: 'gd', subset: 60_000 } })).toEqual([]);
    expect(errorsOf({ train: { mode: 'gd', subset: 60_001 } })).toEqual([
      { field: 'train.subset', message: '60001 exceeds the 60000 training images (fashion-mnist)' },
    ]);
    expect(errorsOf({ data: { trainLimit: 1000 }, train: { mode: 'gd', subset: 2000 } })).toEqual([
      { field: 'train.subset', message: '2000 exceeds the 1000 training images (data.trainLimit)' },
    ]);
    expect(errorsOf({ data: { dataset: 'usps', dir: '/d', trainLimit: 7292 } }).map((e) => e.field)).toEqual(['data.trainLimit']);
    expect(errorsOf({ train: { subset: 100 } })).toEqual([
      { field: 'train.subset', message: "only used by train.mode 'gd' (for SGD on fewer images use data.trainLimit)" },
    ]);
    expect(errorsOf({ train: { mode: 'gd', batchOrderFile: '/o.json' } }).map((e) => e.field)).toEqual(['train.batchOrderFile']);
  });

  it('sets one field by path, checking its value and switching its section on', () => {
    for (const leaf of LEAVES) {
      const value = another(leaf);
      expect(value, leaf.path).not.toBeUndefined();
      const r = setAt(permissive(leaf), leaf.path, value);
      if (!r.ok) throw new Error(`${leaf.path}: ${JSON.stringify(r.errors)}`);
      expect(readAt(r.config, leaf.path)).toEqual(value);
      for (const [bad, message] of refusals(leaf))
        expect(setAt(DEFAULT_CONFIG, leaf.path, bad)).toEqual({ ok: false, errors: [{ field: leaf.path, message }] });
    }
    const on = setAt(DEFAULT_CONFIG, 'cgd.k', 3);
    expect(on).toEqual({ ok: true, config: { ...DEFAULT_CONFIG, cgd: { ...defaultSection('cgd'), k: 3 } } });
    expect(DEFAULT_CONFIG.cgd).toBeNull();
    expect(setAt(DEFAULT_CONFIG, 'model.blocks', 2)).toEqual({
      ok: false,
      errors: [{ field: 'model.blocks', message: "belongs to model.kind 'cnn', not 'mlp'" }],
    });
    // The whole config is validated again: a value that breaks a rule is refused.
    const lyap = setAt(DEFAULT_CONFIG, 'lyapunov.k', 'all');
    expect(lyap.ok && setAt(lyap.config, 'spectrum.every', 5).ok).toBe(false);
  });

  it('labels every field in the config diff, in words', () => {
    for (const leaf of LEAVES) {
      const base = permissive(leaf);
      const r = setAt(base, leaf.path, another(leaf));
      if (!r.ok) throw new Error(leaf.path);
      const rows = configDiff([base, r.config]);
      // Only that field differs (a new model kind also swaps that kind's fields).
      const tag = LEAVES.some((l) => l.variant?.tag === leaf.path);
      expect(
        rows.map((row) => row.field).filter((f) => !tag || !fieldAt(f as ConfigPath).variant),
        leaf.path,
      ).toEqual([leaf.path]);
      expect(rows[0].label).toBe(leaf.label);
      for (const row of rows) for (const v of row.values) expect(v, leaf.path).not.toMatch(/^["[{]|^null$|^undefined$/);
      expect(describeType(leaf).length).toBeGreaterThan(3);
    }
  });

  it('knows which fields name a file or a directory', () => {
    expect(PATH_FIELDS).toMatchObject({
      'data.dir': 'directory',
      'train.batchOrderFile': 'file',
      'train.initParamsFile': 'file',
      'cgd.basisFile': 'file',
      'replicas.lyapunovSource': 'file',
      'replicas.directionFile': 'file',
      'lyapunov.start': 'file',
    });
    for (const leaf of LEAVES)
      expect(Object.hasOwn(PATH_FIELDS, leaf.path), leaf.path).toBe((leaf.type === 'text' || leaf.type === 'choice') && leaf.names !== undefined);
  });

  it('takes lyapunov.start as random, identity or a file path; only a path is one', () => {
    const start = (s: unknown) => validateConfig({ lyapunov: { start: s } });
    const paths = (s: string) => {
      const v = start(s);
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      return pathAt(v.config, 'lyapunov.start');
    };
    expect(paths('random')).toBeNull();
    expect(paths('identity')).toBeNull();
    expect(paths('/data/q.json')).toBe('/data/q.json');
    expect(paths('identity.json')).toBe('identity.json');
    expect(pathAt(DEFAULT_CONFIG, 'lyapunov.start')).toBeNull();
    expect(pathAt({ ...DEFAULT_CONFIG, cgd: { ...defaultSection('cgd'), basisFile: 'b.json' } }, 'cgd.basisFile')).toBe('b.json');
    for (const bad of ['', '  ', 7, null])
      expect(errorsOf({ lyapunov: { start: bad } }), String(bad)).toEqual([
        { field: 'lyapunov.start', message: 'must be one of random, identity or a path to a file' },
      ]);
    expect(describeType(fieldAt('lyapunov.start'))).toBe('one of random | identity, or a path to a file');
    // An old stored config keeps its word, unchanged.
    const old = { ...DEFAULT_CONFIG, lyapunov: { ...defaultSection('lyapunov'), start: 'identity' } };
    expect(validateConfig(old)).toEqual({ ok: true, config: old });
  });

  it('builds the presets on the defaults, and they validate', () => {
    for (const p of PRESETS) {
      expect(validateConfig(p.config)).toEqual({ ok: true, config: p.config });
      expect(p.config.model).toEqual(p.id.startsWith('cnn-') ? { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' } : DEFAULT_CONFIG.model);
      if (p.followUp) expect(validateConfig(p.followUp)).toEqual({ ok: true, config: p.followUp });
    }
  });

  it('infers the RunConfig type from the table', () => {
    expectTypeOf<ModelConfig>().toEqualTypeOf<
      { kind: 'mlp'; hidden: number; activation: 'relu' | 'sigmoid' } | { kind: 'cnn'; baseChannels: number; blocks: number; activation: 'relu' | 'sigmoid' }
    >();
    expectTypeOf<RunConfig['cgd']>().toExtend<{ prune: 'neg' | 'pos' | 'chaotic'; k: number | null; basisFile: string | null } | null>();
    expectTypeOf<ValueAt<'lyapunov.k'>>().toEqualTypeOf<number | 'all'>();
    expectTypeOf<ValueAt<'model.hidden'>>().toEqualTypeOf<number>();
    expectTypeOf<ValueAt<'replicas.eps'>>().toEqualTypeOf<number[]>();
    expectTypeOf<'train.lr'>().toExtend<ConfigPath>();
    expectTypeOf<'data.dir' | 'cgd.basisFile' | 'lyapunov.start'>().toExtend<PathField>();
    expectTypeOf<'train.lr'>().not.toExtend<PathField>();
    expectTypeOf(fieldAt('train.lr').gt).toEqualTypeOf<number | undefined>();
  });
});
