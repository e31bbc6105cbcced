// The sweep tables (schema v3) in real SQLite files: recording a sweep is idempotent and refuses different runs under
// the same id, runs are linked once created, a deleted run is unlinked (so rerunning the sweep runs it again), and
// databases from before v3 migrate in place (read-only: no sweeps); a run whose writer died shows as interrupted.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEnvironment } from '../../../src/shared/frames';
import type { SweepPlan } from '../../../src/shared/sweep/spec';
import { expandSweep } from '../../../src/shared/sweep/spec';
import { RunStore, StoreError } from '../../../src/main/store/run-store';

const ENV: RunEnvironment = { appVersion: 't', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 10 };
function plan(seeds: number[]): SweepPlan {
  const r = expandSweep({ title: 'T', name: 's{seed}', base: { train: { steps: 10 } }, grid: { seed: seeds } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-sweep-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SweepStore', () => {
  it('records a sweep once, links its runs, lists and finds it by id prefix; a deleted run is unlinked', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const p = plan([0, 1]);
    store.sweeps.record('0123456789abcdef', p.title, { spec: 1 }, p.entries);
    store.sweeps.record('0123456789abcdef', p.title, { spec: 1 }, p.entries);
    const id = store.createRun(p.entries[1].config, ENV);
    store.sweeps.link('0123456789abcdef', 1, id);
    store.appendMetrics(id, [{ step: 0, epoch: 0, wall: 0, values: { loss: 1 } }]);
    const [s] = store.sweeps.list();
    expect(s).toMatchObject({ id: '0123456789abcdef', title: 'T' });
    expect(s.runs.map((r) => [r.index, r.name, r.runId, r.status, r.lastStep, r.totalSteps])).toEqual([
      [0, 's0', null, null, -1, null],
      [1, 's1', id, 'running', 0, 10],
    ]);
    const got = store.sweeps.get('0123');
    expect(got.spec).toEqual({ spec: 1 });
    expect(got.configs).toEqual(p.entries.map((e) => e.config));
    expect(() => store.sweeps.get('fff')).toThrow(/No sweep 'fff'/);
    expect(() => store.sweeps.link('0123456789abcdef', 7, id)).toThrow(/No run 7 in sweep/);
    // A second process starting the same run: its link (and so the transaction creating its run) is refused.
    expect(() => store.sweeps.link('0123456789abcdef', 1, 'other')).toThrow(`Run 1 of sweep 0123456789abcdef was started by another process (as run ${id})`);
    store.delete(id);
    expect(store.sweeps.get('0123456789abcdef').runs[1].runId).toBeNull();
    store.close();
  });

  it('adopts, when asked, a finished run of the very same config that belongs to no sweep, once', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const p = plan([0, 1, 2]);
    const done = store.createRun(p.entries[0].config, ENV);
    store.setStatus(done, 'finished');
    store.createRun(p.entries[0].config, ENV);
    const failed = store.createRun(p.entries[1].config, ENV);
    store.setStatus(failed, 'failed');
    // Another config that differs only in the learning rate is not the same run.
    const near = store.createRun({ ...p.entries[2].config, train: { ...p.entries[2].config.train, lr: 0.5 } }, ENV);
    store.setStatus(near, 'finished');
    expect(store.sweeps.record('0123456789abcdef', p.title, {}, p.entries, { adopt: true })).toEqual([{ index: 0, name: 's0', runId: done }]);
    expect(store.sweeps.get('0123').runs.map((r) => [r.runId, r.status])).toEqual([
      [done, 'finished'],
      [null, null],
      [null, null],
    ]);
    // Recording it again adopts nothing more; another sweep of the same run finds it taken; without adopt, nothing.
    expect(store.sweeps.record('0123456789abcdef', p.title, {}, p.entries, { adopt: true })).toEqual([]);
    expect(store.sweeps.record('1111111111111111', 'T2', {}, plan([0]).entries, { adopt: true })).toEqual([]);
    const again = store.createRun(p.entries[0].config, ENV);
    store.setStatus(again, 'finished');
    expect(store.sweeps.record('2222222222222222', 'T3', {}, plan([0]).entries)).toEqual([]);
    expect(store.sweeps.get('2222').runs[0].runId).toBeNull();
    store.close();
  });

  it('reports a run whose writer died as interrupted, also where the store is read-only and cannot mark it', () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const p = plan([0]);
    store.sweeps.record('0123456789abcdef', p.title, {}, p.entries);
    const id = store.createRun(p.entries[0].config, ENV);
    store.sweeps.link('0123456789abcdef', 0, id);
    store.close();
    // The writer: a process that has exited (its pid is free now).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const raw = new Database(file);
    raw.prepare('UPDATE runs SET pid = ?, proc_start = NULL WHERE id = ?').run(dead, id);
    raw.close();
    const statuses = (s: RunStore) => [s.sweeps.list()[0].runs[0].status, s.sweeps.get('0123').runs[0].status, s.get(id).status];
    const ro = RunStore.open(file, { readonly: true });
    expect(statuses(ro)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    ro.close();
    const raw2 = new Database(file, { readonly: true });
    expect(raw2.prepare('SELECT status FROM runs WHERE id = ?').pluck().get(id)).toBe('running');
    raw2.close();
    const rw = RunStore.open(file);
    expect(statuses(rw)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    rw.close();
  });

  it('refuses to record other runs under an existing sweep id, changing nothing', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    store.sweeps.record('0123456789abcdef', 'T', {}, plan([0, 1]).entries);
    let err: unknown;
    try {
      store.sweeps.record('0123456789abcdef', 'T', {}, plan([0, 2]).entries);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/holds other runs than this spec expands to\. Nothing was changed/);
    expect(store.sweeps.get('0123456789abcdef').runs.map((r) => r.name)).toEqual(['s0', 's1']);
    store.close();
  });

  it('migrates a schema-v2 database in place; opened read-only it holds no sweeps', () => {
    const file = join(dir, 'v2.db');
    const store = RunStore.open(file);
    const run = store.createRun(plan([0]).entries[0].config, ENV);
    store.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE sweep_runs; DROP TABLE sweeps; DROP TABLE estimated_spectra; DROP TABLE compare_views');
    raw.pragma('user_version = 2');
    raw.close();
    const ro = RunStore.open(file, { readonly: true });
    expect(ro.sweeps.list()).toEqual([]);
    expect(() => ro.sweeps.get('0')).toThrow(/No sweep/);
    ro.close();
    const migrated = RunStore.open(file);
    expect(migrated.get(run).name).toBe('s0');
    migrated.sweeps.record('0123456789abcdef', 'T', {}, plan([0]).entries);
    migrated.sweeps.link('0123456789abcdef', 0, run);
    expect(migrated.sweeps.list()[0].runs[0].runId).toBe(run);
    migrated.close();
  });
});
