// A run whose worker thread crashes mid-run (an uncaught exception, exit code 1, no result message): the
// LabService marks it failed with the cause, its live subscribers get the last frames and the status, the
// app's other state is unharmed, and the run stays in the library with every step it flushed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/shared/config';
import type { FrameBatch, RunStatusEvent } from '../../src/shared/ipc';
import { LabService } from '../../src/main/service/lab-service';
import { USPS_DIR } from '../helpers/fixtures';

let dir: string;
let service: LabService;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaoslab-crash-'));
  service = new LabService(join(dir, 'lab.db'), { file: resolve(__dirname, 'crashing-worker.ts'), execArgv: ['--require', 'tsx/cjs'] });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a crashed run worker', () => {
  it('leaves a failed run with the cause and every flushed step; the service keeps working', async () => {
    const v = validateConfig({
      name: 'crashes',
      data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 400, testLimit: 100, testEvery: 10 },
      model: { kind: 'mlp', hidden: 20 },
      train: { steps: 100_000, batchSize: 8, lr: 0.01 },
      spectrum: { every: 1 },
      checkpointEvery: 0,
    });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const statuses: RunStatusEvent[] = [];
    service.on('status', (e) => statuses.push(e));
    const ended = new Promise<RunStatusEvent>((res) => service.on('status', (e) => e.status !== 'running' && res(e)));
    const runId = await service.start(v.config);
    const batches: FrameBatch[] = [];
    service.subscribe(runId, { id: 'window-1', send: (b) => batches.push(b) });

    const end = await ended;
    expect(end).toMatchObject({ runId, status: 'failed' });
    expect(end.error).toContain('simulated crash in the run worker');
    expect(statuses.map((s) => s.status)).toEqual(['running', 'failed']);

    const rec = service.getRun(runId);
    expect(rec).toMatchObject({ status: 'failed', live: false });
    expect(rec.error).toContain('simulated crash in the run worker');
    expect(rec.lastStep).toBeGreaterThanOrEqual(20);
    expect(rec.lastStep).toBeLessThan(100_000);
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
});
