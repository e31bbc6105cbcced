// spectrum.method 'lanczos' end to end on real USPS data and real SQLite files: the CLI (`npm run lab -- run`)
// stores an estimated spectrum every step (no exact spectra) and, SIGKILLed mid-run, resumes through the CLI to
// bitwise the uninterrupted result (CGD on the bottom-k, Lyapunov through Hessian-vector products, a replica); on
// the paper's MLP the Lanczos λ_min/λ_max agree with the exact method's over the steps of the same trajectory to
// 1e-8 relative, and so do the Lyapunov exponents (1e-9); full-batch GD on a subset reports the sharpness of the
// subset's loss (λ_max against the exact spectrum of that full batch, 1e-8).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../../src/shared/config';
import { runExperiment } from '../../../src/main/engine/runner';
import { exactStep } from '../../../src/main/engine/curvature/exact';
import { HessianSpectrum } from '../../../src/main/engine/curvature/spectrum';
import { gatherBatch } from '../../../src/main/engine/data/sampler';
import { initParams, modelSpec } from '../../../src/main/engine/models/spec';
import { RunStore } from '../../../src/main/store/run-store';
import { sharpnessSummary } from '../../../src/shared/math/sharpness';
import { StoreLibrary } from '../../../src/main/store/run-library';
import { ROOT, USPS_DIR, uspsData } from '../../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-lanczos-run-'));
const LANCZOS = { method: 'lanczos', k: 5, lanczosSteps: 200, probes: 4, slqSteps: 30 };

function config(over: Record<string, unknown> = {}): RunConfig {
  const v = validateConfig({
    name: 'lanczos-run',
    seed: 5,
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 1000, testEvery: 0 },
    train: { steps: 16, batchSize: 8, lr: 0.05 },
    spectrum: LANCZOS,
    cgd: { prune: 'neg', start: 4 },
    lyapunov: { k: 3 },
    replicas: { strategy: 'randn', eps: [0.1], seeds: [0] },
    checkpointEvery: 5,
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}
const cli = (...args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });

function snapshot(db: string, id: string) {
  const s = RunStore.open(db);
  try {
    const rec = s.get(id);
    const series = Object.fromEntries(rec.series.filter((m) => m !== 'step_ms' && m !== 'wall').map((m) => [m, Array.from(s.readSeries(id, m).values)]));
    const estimated = s.readEstimatedSpectra(id).map((f) => ({
      ...f,
      top: Array.from(f.top),
      topResiduals: Array.from(f.topResiduals),
      bottom: Array.from(f.bottom),
      bottomResiduals: Array.from(f.bottomResiduals),
      density: f.density && { ...f.density, values: Array.from(f.density.values), se: Array.from(f.density.se) },
    }));
    return {
      status: rec.status,
      series,
      estimated,
      spectra: s.readSpectra(id).length,
      lyap: s.readLyapunov(id).map((f) => Array.from(f.exponents)),
      replicas: s.readReplicas(id).map((f) => [...f.distances, ...f.alongTop]),
      theta: Array.from(s.latestCheckpoint(id)!.blobs.theta),
    };
  } finally {
    s.close();
  }
}

describe('a Lanczos run from the CLI', () => {
  const cfg = config();
  let reference: ReturnType<typeof snapshot>;

  it('stores the estimated spectrum of every step, prunes the negatives among the bottom-k, tracks exponents through Hv', async () => {
    const db = path.join(dir, 'ref.db');
    const r = await runExperiment(cfg, { library: StoreLibrary.open(db) });
    expect(r.status).toBe('finished');
    reference = snapshot(db, r.runId);
    expect(reference.spectra).toBe(0);
    expect(reference.estimated.map((f) => f.step)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const f of reference.estimated) {
      expect(f.top.length).toBe(5);
      expect(f.bottom.length).toBe(5);
      expect(Math.max(...f.topResiduals, ...f.bottomResiduals)).toBeLessThan(1e-10 * f.top[0]);
      expect(f.density!.probes).toBe(4);
      expect(f.density!.steps).toBe(30);
    }
    // CGD from step 4 prunes the bottom-k pairs with λ < −τ: at most k = 5, as many as there are.
    const pruned = reference.series.pruned;
    expect(pruned.slice(0, 4)).toEqual([0, 0, 0, 0]);
    reference.estimated.slice(4).forEach((f, i) => expect(pruned[4 + i]).toBe(f.bottom.filter((v) => v < -f.nullTol).length));
    expect(Math.max(...pruned)).toBeGreaterThan(0);
    for (const m of ['lambda_min', 'lambda_max', 'n_neg_est', 'n_neg_est_se', 'n_chaotic_est', 'trace', 'trace_se', 'lyap_max', 'lanczos_residual'])
      expect(reference.series[m]?.length, m).toBe(16);
    expect(reference.series.n_neg).toBeUndefined();
    expect(reference.lyap.length).toBe(16);
    expect(reference.replicas.every((r) => r.every(Number.isFinite))).toBe(true);
  });

  it('is killed mid-run and resumed from the CLI to bitwise the uninterrupted run', async () => {
    const db = path.join(dir, 'cli.db');
    const file = path.join(dir, 'lanczos.json');
    writeFileSync(file, JSON.stringify(cfg));
    const child = cli('run', '--config', file, '--db', db, '--json');
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (out.split('\n').filter((l) => l.includes('"type":"metrics"')).length >= 8) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', (code) => (clearInterval(timer), code !== null && reject(new Error(`CLI exited with ${code}: ${out}`))));
    });
    await new Promise((r) => child.on('close', r));
    const store = RunStore.open(db);
    const [run] = store.list();
    expect(run.status).toBe('interrupted');
    const kept = store.readEstimatedSpectra(run.id).length;
    store.close();
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(16);
    const resumed = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), 'run', '--resume', run.id, '--db', db], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(snapshot(db, run.id)).toEqual(reference);
  });
});

describe('Lanczos against the exact method over the same trajectory (paper MLP)', () => {
  // float32 training takes its gradient from TF.js whatever the spectrum method: without CGD both runs follow the
  // same parameters, so each step's estimate can be held against the exact spectrum of that step.
  const common = { cgd: null, replicas: null, lyapunov: { k: 3 }, train: { steps: 5, batchSize: 8, lr: 0.05 } };
  it('λ_min and λ_max agree to 1e-8 relative, and the Lyapunov exponents to 1e-9, at every step', async () => {
    const db = path.join(dir, 'pair.db');
    const exact = await runExperiment(config({ ...common, spectrum: { method: 'exact' } }), { library: StoreLibrary.open(db) });
    const lanczos = await runExperiment(config({ ...common, spectrum: { ...LANCZOS, probes: null } }), { library: StoreLibrary.open(db) });
    const [e, l] = [snapshot(db, exact.runId), snapshot(db, lanczos.runId)];
    expect(l.series.loss).toEqual(e.series.loss);
    expect(l.theta).toEqual(e.theta);
    const scale = e.series.lambda_max.map((v, i) => Math.max(v, -e.series.lambda_min[i]));
    for (const m of ['lambda_min', 'lambda_max'])
      e.series[m].forEach((v, i) => expect(Math.abs(l.series[m][i] - v) / scale[i], `${m} at step ${i}`).toBeLessThan(1e-8));
    e.lyap.forEach((ex, t) => ex.forEach((v, i) => expect(Math.abs(l.lyap[t][i] - v), `exponent ${i} at step ${t}`).toBeLessThan(1e-9 * Math.abs(v))));
    // Without probes: the extremes only.
    expect(l.estimated.every((f) => f.density === null)).toBe(true);
    expect(l.series.n_neg_est).toBeUndefined();
  });
});

describe('full-batch gradient descent (train.mode gd)', () => {
  it('descends the mean loss of the fixed subset, one epoch per step, with the subset’s sharpness as λ_max', async () => {
    const db = path.join(dir, 'gd.db');
    const subset = 60;
    const c = config({
      cgd: null,
      lyapunov: null,
      replicas: null,
      train: { mode: 'gd', subset, steps: 4, lr: 0.05, precision: 'float64' },
      spectrum: { method: 'lanczos', k: 1, lanczosSteps: 100, probes: null, every: 2 },
    });
    const r = await runExperiment(c, { library: StoreLibrary.open(db) });
    const s = snapshot(db, r.runId);
    expect(s.series.epoch).toEqual([0, 1, 2, 3]);
    expect(s.series.loss.every((v, i) => i === 0 || v < s.series.loss[i - 1])).toBe(true);
    expect(s.series.acc.every((a) => Number.isInteger(a * subset))).toBe(true);
    expect(s.estimated.map((f) => f.step)).toEqual([0, 2]);
    // Step 0: the exact spectrum of the whole subset at the initial parameters.
    const spec = modelSpec(c.model);
    const b = gatherBatch(
      uspsData().train,
      Int32Array.from({ length: subset }, (_, i) => i),
    );
    const full = new HessianSpectrum(exactStep(spec, initParams(spec, c.seed), b.x, b.y, b.size), { nullTol: null });
    const top = full.values[full.m - 1];
    expect(Math.abs(s.series.lambda_max[0] - top) / top).toBeLessThan(1e-8);
    expect(Math.abs(s.series.loss[0] - exactStep(spec, initParams(spec, c.seed), b.x, b.y, b.size).loss)).toBeLessThan(1e-12);
    // The edge-of-stability readout is stored with the run, from the stored λ_max against 2/η.
    const store = RunStore.open(db, { readonly: true });
    try {
      const stored = store.readSeries(r.runId, 'lambda_max');
      expect(store.loadResult(r.runId, 'sharpness')).toEqual(sharpnessSummary(stored.steps, stored.values, 0.05));
    } finally {
      store.close();
    }
  });
});
