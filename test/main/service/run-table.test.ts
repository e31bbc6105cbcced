// The Library's runs table, bulk export and saved Compare views through the real handler table and a real SQLite
// file: numbers read from the stored series (checked against the values written), the Lyapunov source ↔ replica
// links, a stopped run's numbers computed once, a running run's read again; one file per run into a new folder;
// views saved, replaced, listed, deleted, and a stored state that no longer checks out left out.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/shared/config';
import { DEFAULT_CONFIG, defaultSection } from '../../../src/shared/config';
import type { MetricFrame } from '../../../src/shared/frames';
import type { CompareState, Reply, RunTableRow, SavedCompareView } from '../../../src/shared/ipc';
import type { IpcContext } from '../../../src/main/ipc/handlers';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { SenderPolicy } from '../../../src/main/ipc/sender-policy';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { RunStore } from '../../../src/main/store/run-store';

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-table-'));
const service = new WorkbenchService(join(dir, 'lab.db'));
let answer: string | null = null;
const policy = new SenderPolicy((url) => url.startsWith('app://'));
policy.allow(1);
const handlers = createHandlers({
  service,
  policy,
  versions: {},
  dialogs: { saveFile: async () => answer, openFile: async () => null, choosePath: async () => null },
});
const ctx: IpcContext = { senderId: 1, senderUrl: 'app://index.html', send: () => {} };
async function call<T>(
  channel: 'runs.table' | 'runs.exportMany' | 'compareViews.list' | 'compareViews.save' | 'compareViews.delete',
  payload: unknown,
): Promise<T> {
  const r: Reply<unknown> = await handlers[channel](payload, ctx);
  if (!r.ok) throw new Error(r.error);
  return r.value as T;
}
const env = { appVersion: 't', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 't', nParams: 5350, totalSteps: 3000 };
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stored run: `steps` metric frames from `make`, then the status. */
function run(config: Partial<RunConfig>, steps: number, make: (s: number) => MetricFrame['values'], status: 'finished' | 'running' = 'finished'): string {
  const id = service.store.createRun({ ...DEFAULT_CONFIG, ...config }, env);
  const frames = Array.from({ length: steps }, (_, s) => ({ step: s, epoch: 0, wall: 0.01 * s, values: make(s) }));
  for (let i = 0; i < frames.length; i += 500) service.store.appendMetrics(id, frames.slice(i, i + 500));
  if (status === 'finished') service.store.setStatus(id, 'finished');
  return id;
}

describe('runs.table', () => {
  const sgd = run({ name: 'sgd' }, 3000, (s) => ({ loss: 1 / (1 + s), n_neg: s % 7, ...(s % 100 === 0 ? { test_acc: s === 1500 ? 0.9 : s / 1e4 } : {}) }));
  const source = run({ name: 'lyap', lyapunov: defaultSection('lyapunov'), cgd: { ...defaultSection('cgd'), prune: 'chaotic', k: 10 } }, 50, (s) => ({
    loss: 1,
    lyap_max: 0.01 - s * 1e-4,
  }));
  const replica = run({ name: 'replicas', replicas: { ...defaultSection('replicas'), strategy: 'max_chaos', lyapunovSource: source } }, 20, () => ({
    loss: 2,
  }));
  // A final frame with the test numbers only: the loss's last value is a step earlier.
  run({ name: 'final test' }, 10, (s) => (s < 9 ? { loss: 10 - s } : { test_acc: 0.5 }));

  it('gives every run its numbers read from the stored series, newest first', async () => {
    const rows = await call<RunTableRow[]>('runs.table', null);
    expect(rows.map((r) => r.name)).toEqual(['final test', 'replicas', 'lyap', 'sgd']);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    const meanNeg = Array.from({ length: 3000 }, (_, s) => s % 7).reduce((a, b) => a + b) / 3000;
    expect(by.sgd).toMatchObject({ id: sgd, status: 'finished', optimizer: 'SGD', steps: 3000, totalSteps: 3000, finalTestAcc: 0.29, bestTestAcc: 0.9 });
    expect(by.sgd.finalLoss).toBe(1 / 3000);
    expect(by.sgd.durationSec).toBe(0.01 * 2999);
    expect(by.sgd.meanNegative).toBeCloseTo(meanNeg, 12);
    expect([by.sgd.topLyapunov, by.sgd.lyapunovSource, by.sgd.replicaRuns]).toEqual([null, null, []]);
    expect(by.lyap).toMatchObject({
      optimizer: 'CGD chaotic, k = 10',
      topLyapunov: 0.01 - 49e-4,
      meanNegative: null,
      finalTestAcc: null,
      replicaRuns: [replica],
    });
    expect(by.replicas).toMatchObject({ lyapunovSource: source, replicaRuns: [] });
    expect(by['final test']).toMatchObject({ finalLoss: 2, finalTestAcc: 0.5, steps: 10 });
  });

  it('computes a stopped run once; a running run is read again; edits and deletes show at once', async () => {
    const reads = { n: 0 };
    const read = service.store.readSeries.bind(service.store);
    service.store.readSeries = (...a: Parameters<RunStore['readSeries']>) => (reads.n++, read(...a));
    try {
      const live = run({ name: 'live' }, 5, (s) => ({ loss: 5 - s }), 'running');
      await call('runs.table', null);
      reads.n = 0;
      const again = await call<RunTableRow[]>('runs.table', null);
      // Only the running run is read: loss and wall, the last value of each.
      expect(reads.n).toBe(2);
      expect(again.find((r) => r.id === live)).toMatchObject({ status: 'running', finalLoss: 1, steps: 5 });
      service.store.appendMetrics(live, [{ step: 5, epoch: 0, wall: 1, values: { loss: 0.5 } }]);
      expect((await call<RunTableRow[]>('runs.table', null)).find((r) => r.id === live)).toMatchObject({ finalLoss: 0.5, steps: 6, durationSec: 1 });
      service.store.setStatus(live, 'cancelled');
      service.store.update(sgd, { name: 'sgd renamed', tags: ['fig1'] });
      const rows = await call<RunTableRow[]>('runs.table', null);
      expect(rows.find((r) => r.id === sgd)).toMatchObject({ name: 'sgd renamed', tags: ['fig1'], steps: 3000 });
      expect(rows.find((r) => r.id === live)?.status).toBe('cancelled');
      service.deleteRun(live);
      expect((await call<RunTableRow[]>('runs.table', null)).some((r) => r.id === live)).toBe(false);
    } finally {
      service.store.readSeries = read;
    }
  });
});

describe('runs.exportMany', () => {
  it('writes one .chaoslab file per run into a new folder, each importable; refuses an existing folder', async () => {
    const a = run({ name: 'a/b: c' }, 3, () => ({ loss: 1 }));
    const b = run({ name: 'a/b: c' }, 3, () => ({ loss: 2 }));
    answer = join(dir, 'export');
    expect(await call('runs.exportMany', { runIds: [a, b] })).toEqual({ dir: answer });
    const files = readdirSync(answer).sort();
    expect(files).toEqual([`a_b_c_${a.slice(0, 8)}.chaoslab`, `a_b_c_${b.slice(0, 8)}.chaoslab`].sort());
    for (const [id, f] of [
      [a, `a_b_c_${a.slice(0, 8)}.chaoslab`],
      [b, `a_b_c_${b.slice(0, 8)}.chaoslab`],
    ]) {
      const s = RunStore.open(join(answer, f), { readonly: true });
      expect(s.list().map((r) => r.id)).toEqual([id]);
      s.close();
    }
    await expect(call('runs.exportMany', { runIds: [a] })).rejects.toThrow(`runs.exportMany: ${answer} exists; choose a new folder name`);
    answer = null;
    expect(await call('runs.exportMany', { runIds: [a] })).toEqual({ dir: null });
    await expect(call('runs.exportMany', { runIds: ['nosuchrun'] })).rejects.toThrow(/nosuchrun/);
  });
});

describe('compareViews', () => {
  const state: CompareState = {
    runIds: ['abc', 'def'],
    metrics: ['test_acc', 'loss'],
    x: 'wall',
    yScales: { loss: 'log' },
    smoothing: 0.6,
    band: 'se',
    grouped: true,
  };

  it('saves a view by name, replaces it under the same name, lists and deletes it', async () => {
    const saved = await call<SavedCompareView>('compareViews.save', { name: '  fig 1 seeds ', state });
    expect(saved).toMatchObject({ name: 'fig 1 seeds', state });
    await call('compareViews.save', { name: 'another', state: { ...state, grouped: false } });
    await call('compareViews.save', { name: 'fig 1 seeds', state: { ...state, smoothing: 0 } });
    const list = await call<SavedCompareView[]>('compareViews.list', null);
    expect(list.map((v) => [v.name, v.state.smoothing])).toEqual([
      ['another', 0.6],
      ['fig 1 seeds', 0],
    ]);
    await call('compareViews.delete', { name: 'another' });
    expect((await call<SavedCompareView[]>('compareViews.list', null)).map((v) => v.name)).toEqual(['fig 1 seeds']);
    await expect(call('compareViews.delete', { name: 'another' })).rejects.toThrow("No saved compare view 'another'");
  });

  it('leaves out a stored state that no longer checks out, keeping the others', async () => {
    await call('compareViews.save', { name: 'good', state });
    const db = new Database(join(dir, 'lab.db'));
    db.prepare('INSERT INTO compare_views (name, state, updated_at) VALUES (?, ?, ?)').run('edited', JSON.stringify({ ...state, smoothing: 7 }), 'x');
    db.prepare('INSERT INTO compare_views (name, state, updated_at) VALUES (?, ?, ?)').run('garbage', '{not json', 'x');
    db.close();
    expect((await call<SavedCompareView[]>('compareViews.list', null)).map((v) => v.name)).toEqual(['fig 1 seeds', 'good']);
  });
});
