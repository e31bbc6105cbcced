// Store throughput and size: metric appends through RunWriter, reading one long series, and the file size of a
// synthetic 36,500-step MLP run (40 USPS epochs at batch 8) with a spectrum of ~200 non-null eigenvalues per step.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../src/shared/config';
import type { MetricName } from '../src/shared/frames';
import { RunStore } from '../src/main/store/run-store';
import { RunWriter } from '../src/main/store/run-writer';

const STEPS = 36_500;
const METRICS: MetricName[] = ['loss', 'acc', 'grad_norm', 'update_norm', 'n_neg', 'n_pos', 'n_null', 'lambda_min', 'lambda_max', 'trace'];
const ENV = { appVersion: 'bench', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'bench', nParams: 5350, totalSteps: 36500 };

function metricFrame(step: number): { step: number; epoch: number; wall: number; values: Partial<Record<MetricName, number>> } {
  const values: Partial<Record<MetricName, number>> = {};
  METRICS.forEach((m, j) => (values[m] = Math.sin(step * 0.001 + j) * (j + 1)));
  return { step, epoch: Math.floor(step / 913), wall: step * 0.02, values };
}

export function benchStore(): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-store-'));
  try {
    const store = RunStore.open(join(dir, 'bench.db'));
    const id = store.createRun({ ...DEFAULT_CONFIG, name: 'bench' }, ENV);
    const w = new RunWriter(store, id);
    let t0 = performance.now();
    for (let s = 0; s < STEPS; s++) w.step({ metrics: metricFrame(s) });
    w.flush();
    const appendS = (performance.now() - t0) / 1000;
    // The writer also stores 'epoch' and 'wall' per frame; count only the 10 metrics asked for.
    const pointsPerSec = (METRICS.length * STEPS) / appendS;

    t0 = performance.now();
    const reps = 20;
    for (let r = 0; r < reps; r++) for (const m of METRICS) store.readSeries(id, m);
    const readMs = (performance.now() - t0) / reps;

    // Synthetic full run: all METRICS keys every step, 200–230 non-null eigenvalues of n = 5350 per step.
    store.close();
    const full = RunStore.open(join(dir, 'full.db'));
    const run = full.createRun({ ...DEFAULT_CONFIG, name: 'synthetic' }, ENV);
    const rw = new RunWriter(full, run);
    t0 = performance.now();
    for (let s = 0; s < STEPS; s++) {
      const k = 200 + (s % 31);
      const ev = new Float64Array(k);
      for (let i = 0; i < k; i++) ev[i] = (i - 20) * 0.37 + Math.sin(s + i) * 1e-3;
      rw.step({ metrics: metricFrame(s), spectrum: { step: s, n: 5350, eigenvalues: ev, nullCount: 5350 - k, nullTol: 1e-9 } });
      if (s % 500 === 0) rw.checkpoint({ step: s, state: { step: s }, blobs: { theta: new Float64Array(5350).fill(s) } });
    }
    rw.finish('finished');
    const fullRunS = (performance.now() - t0) / 1000;
    // A slow run (the MLP takes seconds per step) commits every step: the cost of one such flush.
    const slow = full.createRun({ ...DEFAULT_CONFIG, name: 'slow' }, ENV);
    const sw = new RunWriter(full, slow, { flushMs: 0 });
    t0 = performance.now();
    for (let s = 0; s < 1000; s++) sw.step({ metrics: metricFrame(s) });
    const flushMs = (performance.now() - t0) / 1000;
    full.delete(slow);
    full.close(); // checkpoints the WAL into the main file
    const fileMb = statSync(join(dir, 'full.db')).size / 1e6;

    const out = {
      append_points_per_s: Math.round(pointsPerSec),
      read_series_10x36500_ms: +readMs.toFixed(2),
      flush_per_step_ms: +flushMs.toFixed(3),
      synthetic_run_write_s: +fullRunS.toFixed(2),
      db_file_mb: +fileMb.toFixed(1),
    };
    console.log('store bench:', out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
