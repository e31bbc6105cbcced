// A run whose worker thread crashes mid-run (an uncaught exception, exit code 1, no result message): the
// WorkbenchService marks it failed with the cause, its live subscribers get the last frames and the status, the
// app's other state is unharmed, and the run stays in the library with every step it flushed. Continued from its
// last checkpoint in a new worker, it then finishes with the same trajectory as a run that never crashed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/shared/config';
import { validateConfig } from '../../../src/shared/config';
import type { FrameBatch, RunStatusEvent } from '../../../src/shared/ipc';
import { runExperiment } from '../../../src/main/engine/runner';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { USPS_DIR } from '../../helpers/fixtures';
import { StoreLibrary } from '../../../src/main/store/run-library';

const STEPS = 150;
let dir: string;
let service: WorkbenchService;
let crashed = '';

function config(): RunConfig {
  const v = validateConfig({
    name: 'crashes',
    seed: 5,
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 400, testLimit: 100, testEvery: 10 },
    model: { kind: 'mlp', hidden: 20 },
    train: { steps: STEPS, batchSize: 8, lr: 0.01 },
    spectrum: { every: 1 },
    checkpointEvery: 10,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaoslab-crash-'));
  service = new WorkbenchService(join(dir, 'lab.db'), { file: resolve(__dirname, 'crashing-worker.ts'), execArgv: ['--require', 'tsx/cjs'] });
  // As if chosen in main's directory dialog: only such paths may come from a renderer.
  service.grantPath(USPS_DIR);
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a crashed run worker', () => {
  it('leaves a failed run with the cause and every flushed step; the service keeps working', async () => {
    const statuses: RunStatusEvent[] = [];
    service.on('status', (e) => statuses.push(e));
    const ended = new Promise<RunStatusEvent>((res) => service.on('status', (e) => e.status !== 'running' && res(e)));
    const runId = await service.start(config());
    crashed = runId;
    const batches: FrameBatch[] = [];
    service.subscribe(runId, { id: 'window-1', send: (b) => batches.push(b) });

    expect(service.liveRuns).toBe(1);
    const end = await ended;
    expect(service.liveRuns).toBe(0);
    expect(end).toMatchObject({ runId, status: 'failed' });
    expect(end.error).toContain('simulated crash in the run worker');
    expect(statuses.map((s) => s.status)).toEqual(['running', 'failed']);

    const rec = service.getRun(runId);
    expect(rec).toMatchObject({ status: 'failed', live: false });
    expect(rec.error).toContain('simulated crash in the run worker');
    expect(rec.lastStep).toBeGreaterThanOrEqual(20);
    expect(rec.lastStep).toBeLessThan(STEPS - 1);
    // Every flushed step is there: one loss value and one spectrum per step 0..lastStep.
    const loss = service.store.readSeries(runId, 'loss');
    expect(Array.from(loss.steps)).toEqual(Array.from({ length: rec.lastStep + 1 }, (_, i) => i));
    expect(loss.values.every(Number.isFinite)).toBe(true);
    expect(service.store.readSpectra(runId).map((f) => f.step)).toEqual(Array.from(loss.steps));
    expect(service.listRuns({ status: 'failed' }).map((r) => r.id)).toEqual([runId]);
    // The subscriber was flushed what the worker sent before it died.
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.flatMap((b) => b.metrics.map((m) => m.step)).at(-1)).toBeLessThanOrEqual(rec.lastStep + 1);
    expect(() => service.pause(runId)).toThrow(/not running/);

    const raw = new Database(service.dbFile, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  }, 120_000);

  it('is continued from its last checkpoint in a new worker and finishes with the uninterrupted trajectory', async () => {
    const app = new WorkbenchService(service.dbFile);
    try {
      const cp = app.store.latestCheckpoint(crashed)!;
      expect(cp.step % 10).toBe(0);
      expect(await app.continueRun(crashed.slice(0, 8))).toBe(crashed);
      // Running again: a second continue, or deleting it, is refused by name.
      await expect(app.continueRun(crashed)).rejects.toThrow(/is running in this session/);
      expect(await app.settled(crashed)).toBe('finished');
      await expect(app.continueRun(crashed)).rejects.toThrow(/is finished: only cancelled, interrupted or failed runs can be continued/);

      const reference = await runExperiment(config(), { library: StoreLibrary.open(join(dir, 'reference.db')) });
      const ref = new WorkbenchService(join(dir, 'reference.db'));
      const want = ref.store.readSeries(reference.runId, 'loss');
      const got = app.store.readSeries(crashed, 'loss');
      await ref.close();
      expect(Array.from(got.steps)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
      // Bitwise: the continued run recomputed the steps after its checkpoint to exactly the values they had.
      const bytes = (v: Float64Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      expect(bytes(got.values).equals(bytes(want.values))).toBe(true);
      expect(app.getRun(crashed)).toMatchObject({ status: 'finished', error: null, lastStep: STEPS - 1 });
    } finally {
      await app.close();
    }
  }, 120_000);
});
