// The runner end to end on real USPS data and a real SQLite file: determinism, resume after a simulated
// death and after a real SIGKILL of a CLI child process, divergence (NaN) kept, bad input named.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../../src/shared/config';
import { RunControl, prepareExperiment, runExperiment } from '../../../src/main/engine/runner';
import { replicaBlob } from '../../../src/main/engine/experiment';
import { Replay } from '../../../src/main/engine/replay';
import { eigh, gramAtA } from '../../../src/main/engine/linalg/eigh';
import { initParams, modelSpec } from '../../../src/main/engine/models/spec';
import { Rng } from '../../../src/main/engine/rng';
import { RunStore } from '../../../src/main/store/run-store';
import { ROOT, USPS_DIR } from '../../helpers/fixtures';
import { StoreLibrary } from '../../../src/main/store/run-library';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-runner-'));
const N = 5350;
const unit = (n: number, j: number): number[] => Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
// The QR start of the shared config: 4 Gaussian (not orthonormal) vectors of the (θ, b) state, momentum 0.5 making it 2n.
const startFile = path.join(dir, 'qr-start.json');
const startRng = new Rng(21);
writeFileSync(startFile, JSON.stringify({ vectors: Array.from({ length: 4 }, () => Array.from({ length: 2 * N }, () => startRng.normal())) }));

function config(over: Record<string, unknown> = {}): RunConfig {
  const v = validateConfig({
    name: 'runner-test',
    seed: 3,
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 2000, testEvery: 20, testLimit: 200 },
    model: { kind: 'mlp', hidden: 20, activation: 'relu' },
    train: { steps: 40, batchSize: 8, lr: 0.01, momentum: 0.5 },
    cgd: { prune: 'neg', k: 10, select: 'random', start: 10, noise: 0.01 },
    lyapunov: { k: 4, explicitSteps: 10, start: startFile },
    replicas: { strategy: 'randn', eps: [0.1], seeds: [0, 1] },
    checkpointEvery: 15,
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}

function snapshot(db: string, id: string) {
  const s = RunStore.open(db);
  try {
    const rec = s.get(id);
    const series = Object.fromEntries(rec.series.filter((m) => m !== 'step_ms' && m !== 'wall').map((m) => [m, Array.from(s.readSeries(id, m).values)]));
    const replicas = s.readReplicas(id).map((f) => Array.from(f.distances));
    const lyap = s.readLyapunov(id).map((f) => Array.from(f.exponents));
    const spectra = s.readSpectra(id).map((f) => [f.nullCount, ...f.eigenvalues]);
    const theta = Array.from(s.latestCheckpoint(id)!.blobs.theta);
    return { status: rec.status, series, replicas, lyap, spectra, theta };
  } finally {
    s.close();
  }
}

describe('runner', () => {
  const cfg = config();
  let reference: ReturnType<typeof snapshot>;

  it('runs CGD + momentum + Lyapunov (from a start file) + replicas and stores every step', async () => {
    const db = path.join(dir, 'a.db');
    const r = await runExperiment(cfg, { library: StoreLibrary.open(db) });
    expect(r.status).toBe('finished');
    reference = snapshot(db, r.runId);
    expect(reference.series.loss.length).toBe(40);
    expect(reference.series.test_acc.length).toBe(2);
    expect(reference.spectra.length).toBe(40);
    expect(reference.replicas.length).toBe(40);
    expect(reference.replicas[0].every((d) => Math.abs(d - 0.1) < 1e-6)).toBe(true);
    expect(reference.series.pruned.slice(0, 10).every((p) => p === 0)).toBe(true);
    expect(reference.series.pruned.slice(10).every((p) => p === 10)).toBe(true);
    // The explicit-product cross-check: same exponent sum as the QR method over the first 10 steps.
    const qrSum = reference.series.lyap_sum.slice(0, 10);
    expect(reference.series.lyap_explicit_sum.length).toBe(10);
    reference.series.lyap_explicit_sum.forEach((v, i) => expect(Math.abs(v - qrSum[i])).toBeLessThan(1e-9 * Math.max(1e-3, Math.abs(qrSum[i]))));
    expect(reference.series.lyap_paper_max[5]).toBeCloseTo(Math.exp(2 * reference.series.lyap_max[5]), 12);
    const s = RunStore.open(db);
    expect(s.loadVectors(r.runId, 'lyapunov')?.k).toBe(4);
    expect((s.loadResult(r.runId, 'divergence') as { replicas: unknown[] }).replicas.length).toBe(2);
    s.close();
  });

  it('is bitwise deterministic for the same config and seed', async () => {
    const db = path.join(dir, 'b.db');
    const r = await runExperiment(cfg, { library: StoreLibrary.open(db) });
    expect(snapshot(db, r.runId)).toEqual(reference);
  });

  it('resumes a cancelled run to bitwise the uninterrupted result', async () => {
    const db = path.join(dir, 'c.db');
    const control = new RunControl();
    const first = await runExperiment(cfg, { library: StoreLibrary.open(db), control, hooks: { progress: (p) => p.step === 23 && control.cancel() } });
    expect(first.status).toBe('cancelled');
    expect(first.steps).toBe(23);
    const r = await runExperiment(null, { library: StoreLibrary.open(db), resumeId: first.runId });
    expect(r.status).toBe('finished');
    expect(snapshot(db, r.runId)).toEqual(reference);
    // A finished run has nothing left to resume; it is refused by name and left as it was.
    await expect(runExperiment(null, { library: StoreLibrary.open(db), resumeId: first.runId })).rejects.toThrow(
      /is finished: only cancelled, interrupted or failed runs can be continued/,
    );
    expect(snapshot(db, r.runId)).toEqual(reference);
  });

  it('keeps a SIGKILLed CLI run as interrupted with its flushed steps, and resumes it to the same result', async () => {
    const db = path.join(dir, 'd.db');
    const cfgFile = path.join(dir, 'd.json');
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), 'run', '--config', cfgFile, '--db', db, '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // Kill it for real once it has logged 25 steps (it flushes at least once a second).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const steps = out.split('\n').filter((l) => l.includes('"type":"metrics"')).length;
        if (steps >= 25) {
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
    const loss = store.readSeries(run.id, 'loss');
    expect(loss.steps.length).toBeGreaterThan(0);
    expect(Array.from(loss.values)).toEqual(reference.series.loss.slice(0, loss.values.length));
    store.close();
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const r = await runExperiment(null, { library: StoreLibrary.open(db), resumeId: run.id });
    expect(r.status).toBe('finished');
    expect(snapshot(db, run.id)).toEqual(reference);
  });

  it('CNN (reduced exact step, implicit eigenvectors): CGD + Lyapunov + replicas are bitwise deterministic and resumable', async () => {
    const cnn = config({
      model: { kind: 'cnn', baseChannels: 2, blocks: 1, activation: 'relu' },
      train: { steps: 16, batchSize: 8, lr: 0.05, momentum: 0 },
      cgd: { prune: 'chaotic', k: null, select: 'magnitude', start: 4, noise: 0 },
      lyapunov: { k: 3 },
      checkpointEvery: 5,
    });
    const first = path.join(dir, 'cnn-a.db');
    const a = await runExperiment(cnn, { library: StoreLibrary.open(first) });
    expect(a.status).toBe('finished');
    const ref = snapshot(first, a.runId);
    expect(ref.spectra.length).toBe(16);
    expect(ref.series.pruned.slice(4).some((p) => p > 0)).toBe(true);
    const second = path.join(dir, 'cnn-b.db');
    const b = await runExperiment(cnn, { library: StoreLibrary.open(second) });
    expect(snapshot(second, b.runId)).toEqual(ref);
    const control = new RunControl();
    const third = path.join(dir, 'cnn-c.db');
    const c = await runExperiment(cnn, { library: StoreLibrary.open(third), control, hooks: { progress: (p) => p.step === 9 && control.cancel() } });
    expect(c.status).toBe('cancelled');
    const resumed = await runExperiment(null, { library: StoreLibrary.open(third), resumeId: c.runId });
    expect(resumed.status).toBe('finished');
    expect(snapshot(third, c.runId)).toEqual(ref);
  });

  it('a lyapunov.start file of e₁…e_k gives bit for bit the run of start identity; a file of other vectors does not', async () => {
    const common = { cgd: null, replicas: null, checkpointEvery: 0, train: { steps: 6, batchSize: 8, lr: 0.05, momentum: 0 } };
    const run = async (name: string, start: string) => {
      const db = path.join(dir, `start-${name}.db`);
      const r = await runExperiment(config({ ...common, lyapunov: { k: 3, start } }), { library: StoreLibrary.open(db) });
      expect(r.status).toBe('finished');
      const { series, lyap, theta } = snapshot(db, r.runId);
      return { series, lyap, theta };
    };
    const file = (name: string, vectors: number[][]) => {
      const f = path.join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify({ vectors }));
      return f;
    };
    const identity = await run('identity', 'identity');
    expect(identity.lyap.length).toBe(6);
    expect(await run('e1-ek', file('e1-ek', [unit(N, 0), unit(N, 1), unit(N, 2)]))).toEqual(identity);
    // The start matters: e₂, e₃, e₄ give other exponents on the same trajectory.
    const shifted = await run('e2-e4', file('e2-e4', [unit(N, 1), unit(N, 2), unit(N, 3)]));
    expect(shifted.theta).toEqual(identity.theta);
    expect(shifted.lyap).not.toEqual(identity.lyap);
  });

  it('refuses to resume a run whose lyapunov.start file changed, naming the field and file; the restored file resumes it', async () => {
    const db = path.join(dir, 'start-changed.db');
    const f = path.join(dir, 'start-changed.json');
    const vectors = (j: number) => [unit(N, j), unit(N, j + 1), unit(N, j + 2)];
    writeFileSync(f, JSON.stringify({ vectors: vectors(0) }));
    const cfgStart = config({
      cgd: null,
      replicas: null,
      checkpointEvery: 0,
      train: { steps: 8, batchSize: 8, lr: 0.05, momentum: 0 },
      lyapunov: { k: 3, start: f },
    });
    const control = new RunControl();
    const first = await runExperiment(cfgStart, { library: StoreLibrary.open(db), control, hooks: { progress: (p) => p.step === 3 && control.cancel() } });
    expect(first.status).toBe('cancelled');
    writeFileSync(f, JSON.stringify({ vectors: vectors(1) }));
    await expect(runExperiment(null, { library: StoreLibrary.open(db), resumeId: first.runId })).rejects.toThrow(
      new RegExp(`^lyapunov.start: ${f.replace(/[.\\/]/g, '\\$&')} no longer holds the start vectors this run began from`),
    );
    expect(snapshot(db, first.runId).status).toBe('cancelled');
    writeFileSync(f, JSON.stringify({ vectors: vectors(0) }));
    expect((await runExperiment(null, { library: StoreLibrary.open(db), resumeId: first.runId })).status).toBe('finished');
  });

  it('keeps a diverging run as diverged with the steps before the NaN', async () => {
    const db = path.join(dir, 'e.db');
    const r = await runExperiment(config({ train: { steps: 200, batchSize: 8, lr: 500 }, cgd: null, lyapunov: null, replicas: null, spectrum: { every: 0 } }), {
      library: StoreLibrary.open(db),
    });
    expect(r.status).toBe('diverged');
    expect(r.error).toMatch(/non-finite/);
    const s = RunStore.open(db);
    const rec = s.get(r.runId);
    expect(rec.status).toBe('diverged');
    const loss = s.readSeries(r.runId, 'loss').values;
    expect(loss.length).toBe(r.steps);
    expect(loss.slice(0, 3).every(Number.isFinite)).toBe(true);
    s.close();
  });

  it('keeps ε = 0 replicas at distance exactly 0, and follows a direction file at ε > 0', async () => {
    const db = path.join(dir, 'g.db');
    const dirFile = path.join(dir, 'direction.json');
    writeFileSync(dirFile, JSON.stringify(Array.from({ length: 5350 }, (_, i) => (i === 5340 ? 2 : 0))));
    const c = config({
      cgd: null,
      lyapunov: null,
      replicas: { strategy: 'file', directionFile: dirFile, eps: [0, 0.5], seeds: [0] },
      train: { steps: 12, batchSize: 8, lr: 0.01, precision: 'float64' },
    });
    const r = await runExperiment(c, { library: StoreLibrary.open(db) });
    const s = RunStore.open(db);
    const frames = s.readReplicas(r.runId);
    s.close();
    expect(frames.length).toBe(12);
    expect(frames.every((f) => f.distances[0] === 0)).toBe(true);
    // fc2.bias[0] (index 5340) moved by 0.5: d(0) = 0.5 exactly (float64 training, no rounding).
    expect(frames[0].distances[1]).toBe(0.5);
    expect(frames.at(-1)!.distances[1]).not.toBe(0.5);
  });

  it('prunes a fixed global basis from a file (CGD basisFile)', async () => {
    const db = path.join(dir, 'h.db');
    const basisFile = path.join(dir, 'basis.json');
    const e = (i: number) => Array.from({ length: 5350 }, (_, j) => (j === i ? 1 : 0));
    writeFileSync(basisFile, JSON.stringify({ vectors: [e(5340), e(5341)] }));
    const c = config({
      lyapunov: null,
      replicas: null,
      spectrum: { every: 0 },
      cgd: { prune: 'neg', basisFile },
      train: { steps: 5, batchSize: 8, lr: 0.1, precision: 'float64' },
      checkpointEvery: 0,
    });
    const r = await runExperiment(c, { library: StoreLibrary.open(db) });
    const s = RunStore.open(db);
    const theta = s.latestCheckpoint(r.runId)!.blobs.theta;
    const pruned = Array.from(s.readSeries(r.runId, 'pruned').values);
    s.close();
    const init = initParams(modelSpec(c.model), c.seed);
    // The pruned coordinates never move; the others do.
    expect(theta[5340]).toBe(init[5340]);
    expect(theta[5341]).toBe(init[5341]);
    expect(theta[5342]).not.toBe(init[5342]);
    expect(pruned).toEqual([2, 2, 2, 2, 2]);
  });

  it('saves Lyapunov vectors at chosen steps and epochs, and perturbs replicas along the ones of a chosen step (final frame)', async () => {
    const db = path.join(dir, 'i.db');
    // 80 training images in batches of 8: 10 steps per epoch; vectors after 5 steps, after epoch 2, and at the end.
    const data = { dataset: 'usps', dir: USPS_DIR, trainLimit: 80, testEvery: 0 };
    const common = { data, cgd: null, checkpointEvery: 0, train: { steps: null, epochs: 3, batchSize: 8, lr: 0.01 } };
    const source = await runExperiment(config({ ...common, lyapunov: { k: 3, frame: 'final', saveAt: [5], saveAtEpochs: [2] }, replicas: null }), {
      library: StoreLibrary.open(db),
    });
    const s = RunStore.open(db);
    // 3 epochs of 10 steps: the run records its length, known only once the data is loaded.
    expect(s.get(source.runId).env.totalSteps).toBe(30);
    expect(s.vectorSteps(source.runId, 'lyapunov')).toEqual([5, 20, 30]);
    const at20 = s.loadVectors(source.runId, 'lyapunov', 20)!;
    s.close();
    const replicaRun = async (lyapunovStep: number | null, lyapunovSource = source.runId) => {
      const replicas = { strategy: 'max_chaos', eps: [0.1], seeds: [0], lyapunovSource, lyapunovStep };
      const r = await runExperiment(config({ ...common, train: { ...common.train, steps: 3 }, lyapunov: null, replicas }), { library: StoreLibrary.open(db) });
      const st = RunStore.open(db);
      const d = st.readReplicas(r.runId).map((f) => f.distances[0]);
      st.close();
      return d;
    };
    const d20 = await replicaRun(20);
    const dLatest = await replicaRun(null);
    expect(d20[0]).toBeCloseTo(0.1, 6);
    // Different saved vectors, different directions, different trajectories.
    expect(d20).not.toEqual(dLatest);
    expect(at20.k).toBe(3);
    // The same vectors from a JSON file {exponents, vectors} give the same trajectory, bitwise.
    const file = path.join(dir, 'lyap20.json');
    const rows = Array.from({ length: at20.k }, (_, j) => Array.from(at20.data.subarray(j * at20.n, (j + 1) * at20.n)));
    writeFileSync(file, JSON.stringify({ exponents: Array.from(at20.values), vectors: rows }));
    expect(await replicaRun(null, file)).toEqual(d20);
    await expect(replicaRun(20, file)).rejects.toThrow(/replicas\.lyapunovStep: picks among a run's saved vectors; \S+lyap20\.json is a file/);
    await expect(replicaRun(7)).rejects.toThrow(/replicas\.lyapunovStep: run \S+ saved Lyapunov vectors at steps 5, 20, 30, not at 7/);
  });

  // Tolerance: |cos| ≥ 1 − 1e-8 against the top right singular vector of the dense float64 product Y = J_T⋯J_1.
  it('perturbs replicas along the initial-frame vectors of their source (strategy all: the four Lyapunov strategies)', async () => {
    const db = path.join(dir, 'frame.db');
    const common = {
      seed: 1,
      data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 256, testEvery: 0 },
      model: { kind: 'mlp', hidden: 4, activation: 'relu' },
      cgd: null,
      checkpointEvery: 0,
    };
    const train = { steps: 200, batchSize: 8, lr: 0.05, precision: 'float64', momentum: 0 };
    const source = await runExperiment(config({ ...common, train, lyapunov: { k: 3 }, replicas: null }), { library: StoreLibrary.open(db) });
    const replicas = { strategy: 'all', eps: [0.1], seeds: [5], lyapunovSource: source.runId };
    const library = StoreLibrary.open(db);
    const { experiment, tf } = await prepareExperiment(config({ ...common, train: { ...train, steps: 1 }, lyapunov: null, replicas }), library, () => {});
    tf?.dispose();
    const cp = experiment.checkpoint(0);
    const n = cp.blobs.theta.length;
    const dirs = [0, 1, 2, 3].map((r) => Float64Array.from(cp.blobs[replicaBlob(r, 'theta')], (v, i) => (v - cp.blobs.theta[i]) / 0.1));
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
    // The source's initial-frame vectors were computed by replay and saved with it.
    const top = library.vectors(source.runId, 'lyapunov-initial-top', null).saved!;
    const bottom = library.vectors(source.runId, 'lyapunov-initial-bottom', null).saved!;
    expect([top.step, top.k, bottom.k]).toEqual([200, 3, 3]);
    const row = (v: typeof top, j: number): Float64Array => v.data.subarray(j * n, (j + 1) * n);
    // max_chaos, max_convergence: the first vector of each; the randn ones lie in the span of the expanding / contracting ones.
    expect(1 - Math.abs(dot(dirs[0], row(top, 0)))).toBeLessThan(1e-8);
    expect(1 - Math.abs(dot(dirs[2], row(bottom, 0)))).toBeLessThan(1e-8);
    const inSpan = (u: Float64Array, v: typeof top): number => [0, 1, 2].reduce((s, j) => s + dot(u, row(v, j)) ** 2, 0);
    expect(inSpan(dirs[1], top)).toBeGreaterThan(1 - 1e-8);
    expect(inSpan(dirs[3], bottom)).toBeGreaterThan(1 - 1e-8);
    // Independently: the top right singular vector of the dense product (every J_t applied to the identity).
    const rep = await Replay.open(StoreLibrary.open(db), source.runId, {}, () => {});
    let cols: Float64Array = new Float64Array(n * n);
    for (let j = 0; j < n; j++) cols[j * n + j] = 1;
    rep.forward((_t, m) => (cols = m.forward(cols, n)));
    rep.dispose();
    const y = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) y[b * n + a] = cols[a * n + b];
    const { vectors } = eigh(gramAtA(y, n, n), n);
    expect(1 - Math.abs(dot(dirs[0], (vectors as Float64Array).subarray((n - 1) * n, n * n)))).toBeLessThan(1e-8);
    // The QR (final-frame) vectors of the same run are another direction: the frame matters.
    const qr = library.vectors(source.runId, 'lyapunov', null).saved!;
    expect(1 - Math.abs(dot(dirs[0], row(qr, 0)))).toBeGreaterThan(1e-6);
    library.close();
  }, 600_000);

  it('names the field or file of bad input', async () => {
    const db = path.join(dir, 'f.db');
    await expect(
      runExperiment(config({ train: { steps: 5, initParamsFile: path.join(dir, 'nope.json') } }), { library: StoreLibrary.open(db) }),
    ).rejects.toThrow(/train\.initParamsFile: file not found/);
    writeFileSync(path.join(dir, 'short.json'), '[1,2,3]');
    await expect(
      runExperiment(config({ train: { steps: 5, initParamsFile: path.join(dir, 'short.json') } }), { library: StoreLibrary.open(db) }),
    ).rejects.toThrow(/short\.json: has 3 parameters, the model has 5350/);
    await expect(runExperiment(config({ data: { dataset: 'usps', dir: path.join(dir, 'empty') } }), { library: StoreLibrary.open(db) })).rejects.toThrow(
      /empty/,
    );
    // Files a config names: a named pipe is refused (not waited on), a file that is no parameter file is not quoted.
    const fifo = path.join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    await expect(runExperiment(config({ train: { steps: 5, initParamsFile: fifo } }), { library: StoreLibrary.open(db) })).rejects.toThrow(
      `train.initParamsFile: ${fifo} is a named pipe, not a regular file`,
    );
    const passwd = runExperiment(config({ train: { steps: 5, initParamsFile: '/etc/passwd' } }), { library: StoreLibrary.open(db) });
    await expect(passwd).rejects.toThrow(/^\/etc\/passwd: not valid JSON$/);
    // A QR start file with fewer vectors than lyapunov.k, or of the wrong length, is refused before any run is made.
    await expect(runExperiment(config({ lyapunov: { k: 5, start: startFile } }), { library: StoreLibrary.open(db) })).rejects.toThrow(
      `lyapunov.start: ${startFile}: holds 4 vectors, lyapunov.k needs 5`,
    );
    await expect(
      runExperiment(config({ train: { steps: 5, momentum: 0 }, lyapunov: { k: 2, start: startFile } }), { library: StoreLibrary.open(db) }),
    ).rejects.toThrow(`lyapunov.start: ${startFile}: vector 0 must have 5350 numbers`);
    // Memory is checked before anything is allocated, naming the field.
    await expect(
      runExperiment(config({ model: { kind: 'cnn', baseChannels: 64, blocks: 1, activation: 'relu' } }), { library: StoreLibrary.open(db) }),
    ).rejects.toThrow(/^model\.baseChannels: too large for this machine/);
    const ro = RunStore.open(db, { readonly: true });
    expect(ro.list()).toEqual([]);
    ro.close();
  });
});
