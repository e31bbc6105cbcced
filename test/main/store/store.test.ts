// Round trips of every kind of run data through real SQLite files, plus export/import and RunWriter batching.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type RunConfig } from '../../../src/shared/config';
import type { EstimatedSpectrumFrame, MetricFrame, RunEnvironment } from '../../../src/shared/frames';
import { RunStore, StoreError } from '../../../src/main/store/run-store';
import { SCHEMA_VERSION } from '../../../src/main/store/schema';
import { RunWriter } from '../../../src/main/store/run-writer';

const ENV: RunEnvironment = {
  appVersion: '0.1.0',
  backend: 'cpu',
  backendNotes: ['no GPU'],
  lapack: '/usr/lib/liblapacke.so',
  machine: 'test',
  nParams: 5350,
  totalSteps: 100,
};
const config = (over: Partial<RunConfig> = {}): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

/** Awkward float64 values: signed zero, NaN, ±Infinity, subnormals, values that do not round-trip through float32. */
function awkward(n: number, seed: number): Float64Array {
  const special = [-0, NaN, Infinity, -Infinity, 5e-324, 1 / 3, -1e308, 2 ** -1074 * 3];
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = i < special.length ? special[(i + seed) % special.length] : Math.sin(i * 12.9898 + seed) * 10 ** ((i % 7) - 3);
  return a;
}
const bits = (a: Float64Array | Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const expectSameBits = (a: Float64Array, b: Float64Array): void => expect(bits(a).equals(bits(b))).toBe(true);
const errorOf = (fn: () => unknown): StoreError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error('expected a StoreError');
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An estimated spectrum at `step` (spectrum.method 'lanczos'), with the SLQ density unless `density` is false. */
function estimated(step: number, density = true): EstimatedSpectrumFrame {
  return {
    step,
    n: 5350,
    lanczosSteps: 170 + step,
    top: awkward(20, step),
    topResiduals: awkward(20, step + 1),
    bottom: awkward(20, step + 2),
    bottomResiduals: awkward(20, step + 3),
    nullTol: 1e-11,
    density: density
      ? { probes: 10, steps: 80, sigma: 0.03, countTol: 0.12, lo: -1.5, hi: 40.25, values: awkward(256, step + 4), se: awkward(256, step + 5) }
      : null,
  };
}
const expectSameEstimate = (a: EstimatedSpectrumFrame, b: EstimatedSpectrumFrame): void => {
  const arrays = (f: EstimatedSpectrumFrame) => [f.top, f.topResiduals, f.bottom, f.bottomResiduals, ...(f.density ? [f.density.values, f.density.se] : [])];
  const scalars = (f: EstimatedSpectrumFrame) => ({
    ...f,
    ...Object.fromEntries(['top', 'topResiduals', 'bottom', 'bottomResiduals'].map((k) => [k, null])),
    density: f.density && { ...f.density, values: null, se: null },
  });
  expect(scalars(a)).toEqual(scalars(b));
  arrays(a).forEach((x, i) => expectSameBits(x, arrays(b)[i]));
};

/** Frame i logs loss at every step, acc at even steps, test_acc every 100 steps (absent keys = not computed). */
function frame(step: number): MetricFrame {
  const values: MetricFrame['values'] = { loss: Math.exp(-step / 1000) + Math.sin(step) / 3 };
  if (step % 2 === 0) values.acc = (step % 9) / 9;
  if (step % 100 === 0) values.test_acc = step / 1e4;
  return { step, epoch: Math.floor(step / 913), wall: step * 0.0123, values };
}

describe('RunStore', () => {
  it('creates directories, uses WAL and stamps the schema version', () => {
    const file = join(dir, 'a', 'b', 'lab.db');
    RunStore.open(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(0x434c4142);
    db.close();
  });

  it('migrates a schema-v1 database in place, keeping its runs; a read-only open reads v1 as it is', () => {
    const file = join(dir, 'v1.db');
    const store = RunStore.open(file);
    const old = store.createRun(config({ name: 'from v1' }), ENV);
    store.appendMetrics(old, [frame(0), frame(1)]);
    store.close();
    // Make it what Chaoslab 0.1.0 wrote: schema v1 had no runs.total_steps (no sweep tables, estimated spectra or saved compare views).
    const raw = new Database(file);
    raw.exec('ALTER TABLE runs DROP COLUMN total_steps; DROP TABLE sweep_runs; DROP TABLE sweeps; DROP TABLE estimated_spectra; DROP TABLE compare_views');
    raw.pragma('user_version = 1');
    raw.close();

    const ro = RunStore.open(file, { readonly: true });
    expect(ro.get(old)).toMatchObject({ name: 'from v1', lastStep: 1, env: { nParams: 5350, totalSteps: null } });
    expect(ro.readEstimatedSpectra(old)).toEqual([]);
    expect(ro.listCompareViews()).toEqual([]);
    ro.close();
    const version = (): unknown => {
      const db = new Database(file, { readonly: true });
      const v = db.pragma('user_version', { simple: true });
      db.close();
      return v;
    };
    expect(version()).toBe(1);

    const migrated = RunStore.open(file);
    expect(migrated.get(old)).toMatchObject({ name: 'from v1', lastStep: 1, env: { totalSteps: null } });
    expect(Array.from(migrated.readSeries(old, 'loss').steps)).toEqual([0, 1]);
    const fresh = migrated.createRun(config({ name: 'v2' }), { ...ENV, totalSteps: 3000 });
    expect(migrated.get(fresh).env.totalSteps).toBe(3000);
    migrated.appendEstimatedSpectra(fresh, [estimated(0)]);
    expectSameEstimate(migrated.readEstimatedSpectra(fresh)[0], estimated(0));
    migrated.saveCompareView('v', '{}');
    expect(migrated.listCompareViews().map((v) => v.name)).toEqual(['v']);
    migrated.close();
    expect(version()).toBe(SCHEMA_VERSION);
  });

  it('defaultPath follows XDG_DATA_HOME', () => {
    const old = process.env.XDG_DATA_HOME;
    process.env.XDG_DATA_HOME = '/x/data';
    expect(RunStore.defaultPath()).toBe('/x/data/chaoslab/chaoslab.db');
    delete process.env.XDG_DATA_HOME;
    expect(RunStore.defaultPath()).toMatch(/\.local\/share\/chaoslab\/chaoslab\.db$/);
    if (old !== undefined) process.env.XDG_DATA_HOME = old;
  });

  it('round-trips every kind of data bitwise across a close and reopen', () => {
    const file = join(dir, 'lab.db');
    let store = RunStore.open(file);
    const cfg = config({ name: 'usps mlp', seed: 7, tags: ['baseline', 'usps'], notes: 'first try' });
    const id = store.createRun(cfg, ENV);
    const frames = Array.from({ length: 2600 }, (_, i) => frame(i));
    // Uneven batches: the open chunk is refilled and crosses the 1024-point chunk boundary several times.
    for (const [a, b] of [
      [0, 1],
      [1, 700],
      [700, 1024],
      [1024, 2600],
    ])
      store.appendMetrics(id, frames.slice(a, b));
    const spectra = [0, 1, 2, 5].map((step) => ({ step, n: 5350, eigenvalues: awkward(180 + step, step), nullCount: 5170 - step, nullTol: 1e-9 * (step + 1) }));
    store.appendSpectra(id, spectra.slice(0, 2));
    store.appendSpectra(id, spectra.slice(2));
    const lyap = [0, 1, 2].map((step) => ({ step, exponents: awkward(32, step + 10) }));
    store.appendLyapunov(id, lyap);
    const estimates = [estimated(0), estimated(3, false), estimated(6)];
    store.appendEstimatedSpectra(id, estimates);
    const reps = [0, 1].map((step) => ({ step, distances: awkward(3, step), alongGrad: awkward(3, step + 1), alongTop: awkward(3, step + 2) }));
    store.appendReplicas(id, reps);
    for (const step of [100, 200, 300, 400, 500])
      store.saveCheckpoint(id, { step, state: { step, rng: [1, 2, step] }, blobs: { theta: awkward(5350, step), velocity: awkward(10, step + 1) } });
    store.saveVectors(id, 'lyap', 10, 2, 3, awkward(2, 1), awkward(6, 2));
    store.saveVectors(id, 'lyap', 20, 2, 3, awkward(2, 3), awkward(6, 4));
    store.saveResult(id, 'divergence_fit', { a: 1.5e-3, b: 2e-7, d0: 0.1 });
    store.close();

    store = RunStore.open(file);
    const rec = store.get(id);
    expect(rec).toMatchObject({
      id,
      name: 'usps mlp',
      status: 'running',
      seed: 7,
      model: 'mlp-20-relu',
      dataset: 'fashion-mnist',
      tags: ['baseline', 'usps'],
      notes: 'first try',
      lastStep: 2599,
      error: null,
      finishedAt: null,
    });
    expect(rec.config).toEqual(cfg);
    expect(rec.env).toEqual(ENV);
    expect(rec.series).toEqual(['acc', 'epoch', 'loss', 'test_acc', 'wall']);

    const loss = store.readSeries(id, 'loss');
    expect(Array.from(loss.steps)).toEqual(frames.map((f) => f.step));
    expectSameBits(
      loss.values,
      Float64Array.from(frames, (f) => f.values.loss!),
    );
    const acc = store.readSeries(id, 'acc');
    expect(Array.from(acc.steps)).toEqual(frames.filter((f) => f.step % 2 === 0).map((f) => f.step));
    expectSameBits(
      acc.values,
      Float64Array.from(
        frames.filter((f) => f.step % 2 === 0),
        (f) => f.values.acc!,
      ),
    );
    expectSameBits(
      store.readSeries(id, 'wall').values,
      Float64Array.from(frames, (f) => f.wall),
    );
    expect(Array.from(store.readSeries(id, 'epoch').values)).toEqual(frames.map((f) => f.epoch));
    expect(Array.from(store.readSeries(id, 'test_acc').steps)).toEqual(Array.from({ length: 26 }, (_, i) => i * 100));
    const window = store.readSeries(id, 'loss', { from: 1020, to: 1030 });
    expect(Array.from(window.steps)).toEqual(Array.from({ length: 11 }, (_, i) => 1020 + i));
    expect(store.readSeries(id, 'lambda_max').steps.length).toBe(0);

    const sp = store.readSpectra(id);
    expect(sp.map((s) => [s.step, s.n, s.nullCount, s.nullTol])).toEqual(spectra.map((s) => [s.step, s.n, s.nullCount, s.nullTol]));
    sp.forEach((s, i) => expectSameBits(s.eigenvalues, spectra[i].eigenvalues));
    expect(store.readSpectra(id, { from: 1, to: 5 }).map((s) => s.step)).toEqual([1, 2, 5]);
    expect(store.readSpectra(id, { stride: 2 }).map((s) => s.step)).toEqual([0, 2]);
    expect(() => store.readSpectra(id, { stride: 0 })).toThrow(/stride/);

    store.readLyapunov(id).forEach((f, i) => (expect(f.step).toBe(lyap[i].step), expectSameBits(f.exponents, lyap[i].exponents)));
    const es = store.readEstimatedSpectra(id);
    expect(es.length).toBe(3);
    es.forEach((f, i) => expectSameEstimate(f, estimates[i]));
    expect(es[1].density).toBeNull();
    expect(store.readEstimatedSpectra(id, { from: 1, stride: 2 }).map((f) => f.step)).toEqual([3]);
    expect(store.readEstimatedSpectra(id, { stride: 2 }).map((f) => f.step)).toEqual([0, 6]);
    const rr = store.readReplicas(id);
    expect(rr.length).toBe(2);
    rr.forEach((f, i) => {
      expect(f.step).toBe(reps[i].step);
      expectSameBits(f.distances, reps[i].distances);
      expectSameBits(f.alongGrad, reps[i].alongGrad);
      expectSameBits(f.alongTop, reps[i].alongTop);
    });

    const cp = store.latestCheckpoint(id)!;
    expect(cp.step).toBe(500);
    expect(cp.state).toEqual({ step: 500, rng: [1, 2, 500] });
    expectSameBits(cp.blobs.theta, awkward(5350, 500));
    expectSameBits(cp.blobs.velocity, awkward(10, 501));
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT step FROM checkpoints ORDER BY step').pluck().all()).toEqual([300, 400, 500]);
    expect(raw.prepare('SELECT count(*) FROM checkpoint_blobs').pluck().get()).toBe(6);
    raw.close();

    const latest = store.loadVectors(id, 'lyap')!;
    expect([latest.step, latest.k, latest.n]).toEqual([20, 2, 3]);
    expectSameBits(latest.values, awkward(2, 3));
    expectSameBits(latest.data, awkward(6, 4));
    expectSameBits(store.loadVectors(id, 'lyap', 10)!.data, awkward(6, 2));
    expect(store.loadVectors(id, 'lyap', 15)).toBeNull();
    expect(store.loadVectors(id, 'other')).toBeNull();
    expect(() => store.saveVectors(id, 'lyap', 30, 2, 3, awkward(2, 0), awkward(5, 0))).toThrow(/2×3 = 6/);

    expect(store.loadResult(id, 'divergence_fit')).toEqual({ a: 1.5e-3, b: 2e-7, d0: 0.1 });
    expect(store.loadResult(id, 'missing')).toBeUndefined();
    store.close();
  });

  it('finds runs by id prefix, search, tag and status; updates and sets status', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const a = store.createRun(config({ name: 'alpha 100%', tags: ['cgd'] }), ENV);
    const b = store.createRun(config({ name: 'beta', notes: 'negative pruning', tags: ['cgd', 'neg'] }), ENV);
    const c = store.createRun(config({ name: 'gamma' }), ENV);
    expect(store.get(a.slice(0, 8)).id).toBe(a);
    expect(errorOf(() => store.get('zzzz')).code).toBe('not-found');
    expect(errorOf(() => store.get('zzzz')).message).toContain("'zzzz'");
    expect(errorOf(() => store.get('')).code).toBe('not-found');
    expect(
      store
        .list()
        .map((r) => r.id)
        .sort(),
    ).toEqual([a, b, c].sort());
    expect(
      store
        .list({ tag: 'cgd' })
        .map((r) => r.id)
        .sort(),
    ).toEqual([a, b].sort());
    expect(store.list({ search: 'PRUNING' }).map((r) => r.id)).toEqual([b]);
    expect(store.list({ search: '100%' }).map((r) => r.id)).toEqual([a]);
    expect(store.list({ search: '0%' }).map((r) => r.id)).toEqual([a]);
    // LIKE wildcards are literal in every column, the id prefix included: '%' would otherwise match every id.
    expect(store.list({ search: '%' }).map((r) => r.id)).toEqual([a]);
    expect(store.list({ search: '_' }).map((r) => r.id)).toEqual([]);
    expect(store.list({ search: c.slice(0, 6) }).map((r) => r.id)).toContain(c);
    store.update(c, { name: 'gamma 2', tags: ['x'], notes: 'n' });
    expect(store.get(c)).toMatchObject({ name: 'gamma 2', tags: ['x'], notes: 'n' });
    store.update(c, { notes: 'only notes' });
    expect(store.get(c)).toMatchObject({ name: 'gamma 2', tags: ['x'], notes: 'only notes' });
    expect(() => store.update(c, { name: ' ' })).toThrow(/name/);
    store.setStatus(b, 'failed', 'NaN loss at step 12');
    expect(store.get(b)).toMatchObject({ status: 'failed', error: 'NaN loss at step 12' });
    expect(store.get(b).finishedAt).not.toBeNull();
    store.setStatus(a, 'paused');
    expect(store.get(a).finishedAt).toBeNull();
    expect(store.list({ status: 'failed' }).map((r) => r.id)).toEqual([b]);
    store.claimRun(b);
    expect(store.get(b)).toMatchObject({ status: 'running', error: null, finishedAt: null });
    expect(errorOf(() => store.appendMetrics('no-such-run', [frame(0)])).code).toBe('not-found');
    store.close();
  });

  it('truncateAfter drops everything after a checkpoint step and logging resumes from there', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const id = store.createRun(config(), ENV);
    store.appendMetrics(
      id,
      Array.from({ length: 3000 }, (_, i) => frame(i)),
    );
    store.appendSpectra(
      id,
      [1000, 1500, 1501].map((step) => ({ step, n: 4, eigenvalues: awkward(2, step), nullCount: 2, nullTol: 0 })),
    );
    store.appendLyapunov(id, [{ step: 1501, exponents: awkward(2, 0) }]);
    store.appendEstimatedSpectra(id, [estimated(1500), estimated(1501)]);
    store.saveCheckpoint(id, { step: 1500, state: null, blobs: {} });
    store.saveCheckpoint(id, { step: 2000, state: null, blobs: {} });
    store.saveVectors(id, 'v', 2999, 1, 1, awkward(1, 0), awkward(1, 0));
    expect(() => store.appendMetrics(id, [frame(2999)])).toThrow(/not after step 2999.*truncateAfter/);
    store.truncateAfter(id, 1500);
    expect(store.get(id).lastStep).toBe(1500);
    const loss = store.readSeries(id, 'loss');
    expect(loss.steps.length).toBe(1501);
    expect(loss.steps[1500]).toBe(1500);
    expect(store.readSpectra(id).map((s) => s.step)).toEqual([1000, 1500]);
    expect(store.readLyapunov(id)).toEqual([]);
    expect(store.readEstimatedSpectra(id).map((f) => f.step)).toEqual([1500]);
    expect(store.latestCheckpoint(id)!.step).toBe(1500);
    expect(store.loadVectors(id, 'v')).toBeNull();
    store.appendMetrics(
      id,
      Array.from({ length: 1499 }, (_, i) => frame(1501 + i)),
    );
    const again = store.readSeries(id, 'loss');
    expect(Array.from(again.steps)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expectSameBits(
      again.values,
      Float64Array.from({ length: 3000 }, (_, i) => frame(i).values.loss!),
    );
    store.close();
  });

  it('writes CSV with one row per step and empty cells for absent metrics', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const id = store.createRun(config(), ENV);
    store.appendMetrics(id, [
      { step: 0, epoch: 0, wall: 0, values: { loss: 2.5, acc: 0.125 } },
      { step: 1, epoch: 0, wall: 0.5, values: { loss: 0.1 + 0.2 } },
      { step: 3, epoch: 0, wall: 1, values: { acc: NaN } },
    ]);
    expect(store.seriesCsv(id, ['loss', 'acc'])).toBe('step,loss,acc\n0,2.5,0.125\n1,0.30000000000000004,\n3,,NaN\n');
    const err = errorOf(() => store.seriesCsv(id, ['loss', 'lambda_max']));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain("'lambda_max'");
    store.close();
  });

  it('delete removes the run and all its rows', () => {
    const file = join(dir, 'lab.db');
    let store = RunStore.open(file);
    const keep = store.createRun(config(), ENV);
    const id = store.createRun(config(), ENV);
    for (const r of [keep, id]) {
      store.appendMetrics(r, [frame(0)]);
      store.appendSpectra(r, [{ step: 0, n: 2, eigenvalues: awkward(1, 0), nullCount: 1, nullTol: 0 }]);
      store.saveCheckpoint(r, { step: 0, state: 1, blobs: { t: awkward(3, 0) } });
      store.saveResult(r, 'x', 1);
    }
    store.appendSpectra(
      id,
      Array.from({ length: 2000 }, (_, i) => ({ step: i + 1, n: 500, eigenvalues: awkward(200, i), nullCount: 300, nullTol: 0 })),
    );
    store.close();
    const big = statSync(file).size;
    store = RunStore.open(file);
    store.delete(id);
    store.close();
    // auto_vacuum = INCREMENTAL: the space of a deleted run goes back to the file system.
    expect(statSync(file).size).toBeLessThan(big / 4);
    store = RunStore.open(file);
    expect(errorOf(() => store.get(id)).code).toBe('not-found');
    const raw = new Database(file, { readonly: true });
    for (const t of ['series', 'spectra', 'checkpoints', 'checkpoint_blobs', 'results'])
      expect(raw.prepare(`SELECT count(*) FROM ${t} WHERE run_id = ?`).pluck().get(id)).toBe(0);
    raw.close();
    expect(store.readSeries(keep, 'loss').steps.length).toBe(1);
    store.close();
  });

  it('marks runs of dead writers interrupted, but not live ones, and a read-only open only reports it', () => {
    const file = join(dir, 'lab.db');
    let store = RunStore.open(file);
    const dead = store.createRun(config({ name: 'dead' }), ENV);
    const live = store.createRun(config({ name: 'live' }), ENV);
    const remote = store.createRun(config({ name: 'other host' }), ENV);
    store.appendMetrics(dead, [frame(0), frame(1)]);
    store.close();
    const deadPid = spawnSync('true').pid!;
    const raw = new Database(file);
    raw.prepare('UPDATE runs SET pid = ? WHERE id = ?').run(deadPid, dead);
    raw.prepare("UPDATE runs SET pid = ?, host = 'elsewhere' WHERE id = ?").run(deadPid, remote);
    raw.close();
    const before = readFileSync(file);
    const ro = RunStore.open(file, { readonly: true });
    expect(ro.get(dead).status).toBe('interrupted');
    expect(ro.list({ status: 'interrupted' }).map((r) => r.id)).toEqual([dead]);
    ro.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    store = RunStore.open(file);
    expect(store.get(dead)).toMatchObject({ status: 'interrupted', lastStep: 1 });
    expect(store.get(dead).finishedAt).not.toBeNull();
    expect(store.get(live).status).toBe('running');
    expect(store.get(remote).status).toBe('running');
    store.claimRun(dead);
    store.close();
    store = RunStore.open(file);
    expect(store.get(dead).status).toBe('running');
    store.close();
  });
});

describe('export and import', () => {
  it('round-trips one run through a self-contained .chaoslab file; importing twice does not duplicate', () => {
    const src = RunStore.open(join(dir, 'src.db'));
    const other = src.createRun(config({ name: 'not exported' }), ENV);
    const id = src.createRun(config({ name: 'shared', tags: ['paper'] }), ENV);
    src.appendMetrics(other, [frame(0)]);
    src.appendMetrics(
      id,
      Array.from({ length: 1500 }, (_, i) => frame(i)),
    );
    src.appendSpectra(id, [{ step: 3, n: 9, eigenvalues: awkward(4, 1), nullCount: 5, nullTol: 1e-12 }]);
    src.appendLyapunov(id, [{ step: 3, exponents: awkward(5, 2) }]);
    src.appendEstimatedSpectra(id, [estimated(3)]);
    src.appendReplicas(id, [{ step: 3, distances: awkward(2, 3), alongGrad: awkward(2, 4), alongTop: awkward(2, 5) }]);
    src.saveCheckpoint(id, { step: 1400, state: { s: 'x' }, blobs: { theta: awkward(5350, 6) } });
    src.saveVectors(id, 'final', 1499, 2, 2, awkward(2, 7), awkward(4, 8));
    src.saveResult(id, 'fit', { a: 1 });
    src.setStatus(id, 'finished');
    const file = join(dir, 'out', 'shared.chaoslab');
    src.exportRun(id.slice(0, 8), file);
    expect(existsSync(`${file}-wal`)).toBe(false);
    const x = new Database(file, { readonly: true });
    expect(x.prepare('SELECT id FROM runs').pluck().all()).toEqual([id]);
    expect(x.prepare('SELECT count(*) FROM series WHERE run_id != ?').pluck().get(id)).toBe(0);
    expect(x.pragma('integrity_check', { simple: true })).toBe('ok');
    x.close();

    const dst = RunStore.open(join(dir, 'dst.db'));
    expect(dst.importRun(file)).toEqual({ id, duplicate: false });
    const a = src.get(id);
    const b = dst.get(id);
    expect(b).toEqual(a);
    for (const m of a.series) {
      const [p, q] = [src.readSeries(id, m), dst.readSeries(id, m)];
      expect(bits(q.steps).equals(bits(p.steps))).toBe(true);
      expectSameBits(q.values, p.values);
    }
    expectSameBits(dst.readSpectra(id)[0].eigenvalues, awkward(4, 1));
    expectSameBits(dst.readLyapunov(id)[0].exponents, awkward(5, 2));
    expectSameEstimate(dst.readEstimatedSpectra(id)[0], estimated(3));
    expectSameBits(dst.readReplicas(id)[0].alongTop, awkward(2, 5));
    expectSameBits(dst.latestCheckpoint(id)!.blobs.theta, awkward(5350, 6));
    expectSameBits(dst.loadVectors(id, 'final')!.data, awkward(4, 8));
    expect(dst.loadResult(id, 'fit')).toEqual({ a: 1 });

    expect(dst.importRun(file)).toEqual({ id, duplicate: true });
    expect(dst.list().length).toBe(1);
    expect(dst.readSeries(id, 'loss').steps.length).toBe(1500);
    src.close();
    dst.close();
  });

  it('exports from a read-only store; an exported running run imports as interrupted', () => {
    const file = join(dir, 'src.db');
    const w = RunStore.open(file);
    const id = w.createRun(config(), ENV);
    w.appendMetrics(id, [frame(0)]);
    const ro = RunStore.open(file, { readonly: true });
    ro.exportRun(id, join(dir, 'r.chaoslab'));
    ro.close();
    w.close();
    const dst = RunStore.open(join(dir, 'dst.db'));
    dst.importRun(join(dir, 'r.chaoslab'));
    expect(dst.get(id).status).toBe('interrupted');
    dst.close();
  });

  it('imports an export of schema v2, which has no estimated spectra', () => {
    const src = RunStore.open(join(dir, 'src.db'));
    const id = src.createRun(config(), ENV);
    src.appendMetrics(id, [frame(0)]);
    const file = join(dir, 'v2.chaoslab');
    src.exportRun(id, file);
    src.close();
    const old = new Database(file);
    old.exec('DROP TABLE estimated_spectra; DROP TABLE sweep_runs; DROP TABLE sweeps; DROP TABLE compare_views');
    old.pragma('user_version = 2');
    old.close();
    const dst = RunStore.open(join(dir, 'dst.db'));
    expect(dst.importRun(file)).toEqual({ id, duplicate: false });
    expect(dst.readSeries(id, 'loss').steps.length).toBe(1);
    expect(dst.readEstimatedSpectra(id)).toEqual([]);
    dst.close();
  });

  it('refuses files that are not a single-run export, naming the file', () => {
    const dst = RunStore.open(join(dir, 'dst.db'));
    const garbage = join(dir, 'garbage.chaoslab');
    writeFileSync(garbage, Buffer.alloc(8192, 0x5a));
    let e = errorOf(() => dst.importRun(garbage));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain(garbage);
    const plain = join(dir, 'plain.chaoslab');
    const db = new Database(plain);
    db.exec('CREATE TABLE t (x)');
    db.close();
    e = errorOf(() => dst.importRun(plain));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain('not a .chaoslab export');
    // A whole database is not an export: it may hold several runs.
    const two = RunStore.open(join(dir, 'two.db'));
    two.createRun(config(), ENV);
    two.createRun(config(), ENV);
    two.close();
    e = errorOf(() => dst.importRun(join(dir, 'two.db')));
    expect(e.message).toContain('holds 2 runs');
    // A library with one run and a recorded sweep is not an export either: sweeps are not shared by file.
    const swept = RunStore.open(join(dir, 'swept.db'));
    swept.createRun(config(), ENV);
    swept.sweeps.record('0123456789abcdef', 'a sweep', { runs: [] } as never, []);
    swept.close();
    e = errorOf(() => dst.importRun(join(dir, 'swept.db')));
    expect(e.message).toContain('its table sweeps is not empty');
    expect(errorOf(() => dst.importRun(join(dir, 'missing.chaoslab'))).code).toBe('not-found');
    expect(dst.list()).toEqual([]);
    dst.close();
  });
});

describe('RunWriter', () => {
  it('commits whole steps only when flushMs has passed, on flush(), checkpoint() and finish()', () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const id = store.createRun(config(), ENV);
    const reader = RunStore.open(file, { readonly: true });
    const w = new RunWriter(store, id, { flushMs: 3_600_000 });
    for (let i = 0; i < 9; i++) w.step({ metrics: frame(i) });
    w.step({ metrics: frame(9), spectrum: { step: 9, n: 3, eigenvalues: awkward(1, 0), nullCount: 2, nullTol: 0 } });
    expect(reader.readSeries(id, 'loss').steps.length).toBe(0);
    w.flush();
    expect(reader.readSeries(id, 'loss').steps.length).toBe(10);
    expect(reader.readSpectra(id).length).toBe(1);
    w.step({
      metrics: frame(10),
      lyapunov: { step: 10, exponents: awkward(2, 0) },
      replicas: { step: 10, distances: awkward(1, 0), alongGrad: awkward(1, 1), alongTop: awkward(1, 2) },
    });
    w.checkpoint({ step: 10, state: { at: 10 }, blobs: {} });
    expect(reader.readSeries(id, 'loss').steps.length).toBe(11);
    expect(reader.readLyapunov(id).length).toBe(1);
    expect(reader.readReplicas(id).length).toBe(1);
    expect(reader.latestCheckpoint(id)!.step).toBe(10);
    w.step({ metrics: frame(11) });
    w.finish('finished');
    expect(reader.get(id)).toMatchObject({ status: 'finished', lastStep: 11 });
    const eager = new RunWriter(store, store.createRun(config(), ENV), { flushMs: 0 });
    eager.step({ metrics: frame(0), spectrum: { step: 0, n: 1, eigenvalues: awkward(1, 4), nullCount: 0, nullTol: 0 } });
    // flushMs 0: each step is committed as it ends, with all its frames.
    expect(reader.list({ status: 'running' })[0].lastStep).toBe(0);
    expect(reader.readSpectra(reader.list({ status: 'running' })[0].id).map((f) => f.step)).toEqual([0]);
    reader.close();
    store.close();
  });

  it('keeps frames buffered when a flush fails, and writes them on the next flush', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const id = store.createRun(config(), ENV);
    store.appendMetrics(id, [frame(5)]);
    store.appendSpectra(id, [{ step: 6, n: 1, eigenvalues: awkward(1, 0), nullCount: 0, nullTol: 0 }]);
    const w = new RunWriter(store, id, { flushMs: 3_600_000 });
    w.step({ metrics: frame(6), spectrum: { step: 6, n: 1, eigenvalues: awkward(1, 3), nullCount: 0, nullTol: 0 } });
    // Step 6 already has a spectrum: the whole flush is rolled back, including the metrics.
    expect(() => w.flush()).toThrow(/already stored.*truncateAfter/);
    expect(Array.from(store.readSeries(id, 'loss').steps)).toEqual([5]);
    store.truncateAfter(id, 5);
    w.flush();
    expect(Array.from(store.readSeries(id, 'loss').steps)).toEqual([5, 6]);
    expectSameBits(store.readSpectra(id)[0].eigenvalues, awkward(1, 3));
    store.close();
  });
});
