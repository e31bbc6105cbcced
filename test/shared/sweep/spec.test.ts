// Sweep specs: expansion into named runs (grid, zip, stages) and refusal of bad specs with the spec field named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import { PREVIOUS_RUN } from '../../../src/shared/ipc';
import { configFieldPaths, getPath, setPath } from '../../../src/shared/sweep/paths';
import type { SweepPlan } from '../../../src/shared/sweep/spec';
import { MAX_SWEEP_RUNS, expandSweep, withSource } from '../../../src/shared/sweep/spec';

const base = { data: { dataset: 'usps', dir: '/data/usps' }, train: { steps: 100 }, spectrum: { every: 1 } };
function plan(spec: unknown): SweepPlan {
  const r = expandSweep(spec);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}
function errors(spec: unknown): string[] {
  const r = expandSweep(spec);
  if (r.ok) throw new Error('expected the spec to be refused');
  return r.errors.map((e) => `${e.field}: ${e.message}`);
}

describe('sweep expansion', () => {
  it('expands the grid in spec order (last axis fastest), naming runs from the template; null switches CGD off', () => {
    const p = plan({ title: 'Figure 1', name: 'fig1-{cgd.prune}-s{seed}', base, grid: { seed: [0, 1, 2], 'cgd.prune': [null, 'neg', 'pos', 'chaotic'] } });
    expect(p.title).toBe('Figure 1');
    expect(p.points).toBe(12);
    expect(p.axes).toEqual(['seed', 'cgd.prune']);
    expect(p.entries.map((e) => e.name).slice(0, 5)).toEqual(['fig1-none-s0', 'fig1-neg-s0', 'fig1-pos-s0', 'fig1-chaotic-s0', 'fig1-none-s1']);
    expect(p.entries.map((e) => e.index)).toEqual([...Array(12).keys()]);
    const sgd = p.entries[0].config;
    expect(sgd.cgd).toBeNull();
    expect(sgd.name).toBe('fig1-none-s0');
    // Defaults are filled in by the validator; base fields kept.
    expect(p.entries[5].config.cgd).toEqual({ prune: 'neg', k: null, select: 'magnitude', start: 0, noise: 0, mix: 1, basisFile: null });
    expect(p.entries[5].config.seed).toBe(1);
    expect(p.entries[11].config.train).toEqual({ ...DEFAULT_CONFIG.train, steps: 100 });
    expect(p.entries.every((e) => e.stage === 'run' && e.after === null)).toBe(true);
  });

  it('keeps null where a field accepts it (cgd.k: null is "all directions", not CGD off)', () => {
    const p = plan({ base: { ...base, cgd: { prune: 'neg' } }, grid: { 'cgd.k': [null, 5] } });
    expect(p.entries.map((e) => e.config.cgd?.k)).toEqual([null, 5]);
    expect(p.entries.map((e) => e.name)).toEqual(['run-none', 'run-5']);
  });

  it('sweeps lyapunov.start over its words and a file; an empty value is named by axis', () => {
    const p = plan({ base: { ...base, lyapunov: { k: 3 } }, grid: { 'lyapunov.start': ['random', 'identity', '/data/q.json'] } });
    expect(p.entries.map((e) => e.config.lyapunov?.start)).toEqual(['random', 'identity', '/data/q.json']);
    expect(errors({ base: { ...base, lyapunov: { k: 3 } }, grid: { 'lyapunov.start': ['random', ''] } }).join('\n')).toMatch(
      /lyapunov\.start.*must be one of random, identity or a path to a file/,
    );
  });

  it('varies zip axes together, crossed with the grid', () => {
    const p = plan({
      name: 'lr{train.lr}-m{train.momentum}-s{seed}',
      base,
      grid: { seed: [0, 1] },
      zip: { 'train.lr': [0.1, 0.01], 'train.momentum': [0, 0.9] },
    });
    expect(p.entries.map((e) => e.name)).toEqual(['lr0.1-m0-s0', 'lr0.01-m0.9-s0', 'lr0.1-m0-s1', 'lr0.01-m0.9-s1']);
    expect(p.entries.map((e) => [e.config.seed, e.config.train.lr, e.config.train.momentum])).toEqual([
      [0, 0.1, 0],
      [0, 0.01, 0.9],
      [1, 0.1, 0],
      [1, 0.01, 0.9],
    ]);
  });

  it('expresses dependent stages: replicas wait for the Lyapunov run of the same point and take its vectors', () => {
    const spec = {
      name: 'fig3-s{seed}-{stage}',
      base,
      grid: { seed: [0, 1] },
      stages: [
        { stage: 'lyapunov', set: { lyapunov: { k: 8 } } },
        { stage: 'replicas', after: 'lyapunov', set: { replicas: { strategy: 'max_chaos', seeds: [0, 1], lyapunovSource: PREVIOUS_RUN } } },
      ],
    };
    const p = plan(spec);
    expect(p.stages).toEqual(['lyapunov', 'replicas']);
    expect(p.entries.map((e) => [e.index, e.name, e.point, e.after])).toEqual([
      [0, 'fig3-s0-lyapunov', 0, null],
      [1, 'fig3-s1-lyapunov', 1, null],
      [2, 'fig3-s0-replicas', 0, 0],
      [3, 'fig3-s1-replicas', 1, 1],
    ]);
    expect(p.entries[0].config.lyapunov?.k).toBe(8);
    expect(p.entries[2].config.lyapunov).toBeNull();
    expect(withSource(p.entries[3].config, 'abc').replicas?.lyapunovSource).toBe('abc');
    expect(withSource(p.entries[0].config, null)).toBe(p.entries[0].config);
    expect(() => withSource(p.entries[3].config, null)).toThrow(/replicas.lyapunovSource/);
    // Without "after", "$previous" has nothing to refer to.
    const noAfter = { ...spec, stages: [spec.stages[0], { ...spec.stages[1], after: undefined }] };
    expect(errors(noAfter)).toEqual([expect.stringMatching(/^stages\[1\]\.set\.replicas: "\$previous" .* give this stage "after"/)]);
    expect(errors({ ...spec, stages: [{ ...spec.stages[1], stage: 'r' }] })).toEqual(['stages[0].after: must name an earlier stage (there is none)']);
  });

  it('every combination exactly once, whatever the axes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        (seeds, hidden, batch) => {
          const p = plan({ name: '{seed}-{model.hidden}-{train.batchSize}', base, grid: { seed: seeds, 'model.hidden': hidden, 'train.batchSize': batch } });
          const combos = p.entries.map((e) => JSON.stringify([e.config.seed, (e.config.model as { hidden: number }).hidden, e.config.train.batchSize]));
          expect(p.entries.length).toBe(seeds.length * hidden.length * batch.length);
          expect(new Set(combos).size).toBe(p.entries.length);
          expect(new Set(p.entries.map((e) => e.name)).size).toBe(p.entries.length);
        },
      ),
    );
  });
});

describe('bad sweep specs are refused, naming the field', () => {
  it('unknown axis fields, bad values, empty axes and bad base fields', () => {
    expect(errors({ base, grid: { 'train.lrate': [0.1] } })).toEqual(['grid.train.lrate: unknown field (value 0.1)']);
    expect(errors({ base, grid: { 'optim.lr': [0.1] } })).toEqual(['grid.optim.lr: unknown field (value 0.1)']);
    expect(errors({ base, grid: { 'train.lr': [0.1, -1] } })).toEqual(['grid.train.lr: must be > 0 (value -1)']);
    expect(errors({ base, grid: { seed: [] } })).toEqual(['grid.seed: must be a non-empty list of values']);
    expect(errors({ base, grid: { seed: 3 } })).toEqual(['grid.seed: must be a non-empty list of values']);
    expect(errors({ base: { ...base, train: { lr: 0 } }, grid: { seed: [0, 1] } })).toEqual(['base.train.lr: must be > 0']);
    expect(errors({ base, zip: { seed: [0, 1], 'train.lr': [0.1] } })).toEqual(['zip.train.lr: has 1 values but zip.seed has 2 (zip axes vary together)']);
    expect(errors({ base, grid: { cgd: [null], 'cgd.prune': ['neg'] } })).toEqual(['grid.cgd.prune: overlaps the axis grid.cgd']);
    expect(errors({ base, grid: { name: ['a'] } })).toEqual(["grid.name: runs are named by the sweep's name template, not by an axis"]);
    expect(errors({ base, grids: {} })).toEqual(['grids: unknown field']);
    expect(errors([1, 2])).toEqual(['(sweep): must be a JSON object {"base", "grid", "zip", "name", "stages"}']);
    expect(errors({ base, stages: [{ stage: 'a', set: { 'train.lr': -1 } }] })).toEqual(['stages[0].set.train.lr: must be > 0']);
  });

  it('name templates that collide or name no field', () => {
    expect(errors({ name: 'fig1-{cgd.prune}', base, grid: { seed: [0, 1], 'cgd.prune': ['neg', 'pos'] } })).toEqual([
      'name: gives the name "fig1-neg" to runs 0 and 2; add {seed} to tell them apart',
      'name: gives the name "fig1-pos" to runs 1 and 3; add {seed} to tell them apart',
    ]);
    expect(errors({ name: 'x-{sed}', base, grid: { seed: [0, 1] } })).toEqual(['name: {sed} is not a config field (nor {stage} or {point})']);
    // A field of the config that is not an axis is fine in a name.
    expect(plan({ name: '{model.kind}-{train.lr}-{seed}', base, grid: { seed: [3] } }).entries[0].name).toBe('mlp-0.01-3');
  });

  it('paths that would reach the prototype are not config paths, and nothing is polluted', () => {
    expect(errors({ base, grid: { '__proto__.polluted': [1] } })).toEqual([
      'grid.__proto__.polluted: is not a config field path (dotted identifiers, e.g. "train.lr")',
    ]);
    expect(errors(JSON.parse('{"grid": {"constructor.prototype.x": [1]}}'))[0]).toMatch(/^grid.constructor.prototype.x: is not a config field path/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => setPath({}, '__proto__.x', 1)).toThrow(/not a config path/);
  });

  it(`more than ${MAX_SWEEP_RUNS} runs`, () => {
    const many = Array.from({ length: 101 }, (_, i) => i);
    expect(errors({ base, grid: { seed: many, 'model.hidden': many.map((i) => i + 1) } })).toEqual([`grid: expands to 10201 runs; at most ${MAX_SWEEP_RUNS}`]);
  });
});

describe('config paths', () => {
  it('lists every field an axis can name (both model kinds, every optional section), never the run name', () => {
    const paths = configFieldPaths();
    for (const p of ['seed', 'train.lr', 'cgd.prune', 'cgd', 'lyapunov.k', 'replicas.eps', 'model.hidden', 'model.baseChannels', 'data.dir', 'tags'])
      expect(paths).toContain(p);
    expect(paths).not.toContain('name');
    expect(paths).not.toContain('model.kind.x');
  });

  it('gets and sets dotted paths on plain objects', () => {
    const o: Record<string, unknown> = { a: null };
    setPath(o, 'a.b.c', 1);
    expect(o).toEqual({ a: { b: { c: 1 } } });
    expect(getPath(o, 'a.b.c')).toBe(1);
    expect(getPath(o, 'a.x.c')).toBeUndefined();
    expect(getPath(o, 'toString')).toBeUndefined();
  });
});
