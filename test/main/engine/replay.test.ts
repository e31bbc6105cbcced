// Replay of stored runs (real runs in a real SQLite file, USPS): float32 (TF.js gradients) and float64 runs are
// retraced bit for bit — with CGD, momentum, replicas that share the CGD random streams, a spectrum only every 5
// steps and test evaluation in the original — forward and backward, cached and segment by segment, and from a
// stored checkpoint; a stored loss that the replay does not reproduce stops it by name.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Replay } from '../../../src/main/engine/replay';
import { runExperiment } from '../../../src/main/engine/runner';
import { StoreLibrary } from '../../../src/main/store/run-library';
import { RunStore } from '../../../src/main/store/run-store';
import { validateConfig, type RunConfig } from '../../../src/shared/config';
import { USPS_DIR } from '../../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-replay-'));
const db = path.join(dir, 'runs.db');

function config(over: Record<string, unknown>): RunConfig {
  const v = validateConfig({
    seed: 2,
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 300, testEvery: 20, testLimit: 100 },
    model: { kind: 'mlp', hidden: 4, activation: 'relu' },
    train: { steps: 60, batchSize: 8, lr: 0.05, momentum: 0.5 },
    checkpointEvery: 25,
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}

const runs: Record<string, string> = {};
const quiet = (): void => {};

beforeAll(async () => {
  const configs: Record<string, RunConfig> = {
    // CGD with random pruning and noise: the replicas draw from the reference's random streams, so the replay keeps them.
    float32: config({
      cgd: { prune: 'neg', k: 3, select: 'random', noise: 0.01 },
      replicas: { strategy: 'randn', eps: [0.1], seeds: [0, 1] },
      lyapunov: { k: 4 },
    }),
    float64: config({ train: { steps: 60, batchSize: 8, lr: 0.05, momentum: 0, precision: 'float64' }, spectrum: { every: 5 } }),
  };
  for (const [name, c] of Object.entries(configs)) {
    const r = await runExperiment(c, { library: StoreLibrary.open(db) });
    expect(r.status).toBe('finished');
    runs[name] = r.runId;
  }
}, 120_000);

describe('replay', () => {
  for (const name of ['float32', 'float64'])
    it(`${name}: forward and backward retrace the stored run bit for bit, cached and in segments`, async () => {
      const lib = StoreLibrary.open(db);
      const stored = lib.series(runs[name], 'logdet_j');
      for (const budget of [undefined, 0]) {
        const rep = await Replay.open(lib, runs[name], { segment: 7, budget }, quiet);
        const fwd = new Map<number, number>();
        const order: number[] = [];
        let maxBytes = 0;
        let allBytes = 0;
        rep.forward((t, map) => {
          order.push(t);
          fwd.set(t, map.logAbsDet);
          maxBytes = Math.max(maxBytes, map.bytes);
          allBytes += map.bytes;
        });
        expect(order).toEqual(Array.from({ length: 60 }, (_, i) => i));
        // The run logged log|det J_t| wherever it had a spectrum: the replay's maps are the run's.
        stored.steps.forEach((s, i) => expect(fwd.get(s)).toBe(stored.values[i]));
        expect(stored.steps.length).toBe(name === 'float64' ? 12 : 60);
        for (let sweep = 0; sweep < 2; sweep++) {
          const back: number[] = [];
          rep.backward((t, map) => {
            back.push(t);
            expect(map.logAbsDet).toBe(fwd.get(t));
          });
          expect(back).toEqual(order.slice().reverse());
        }
        const mem = rep.memory();
        expect(mem.segment).toBe(7);
        expect(mem.segments).toBe(9);
        expect(mem.checkpointBytes).toBeGreaterThan(0);
        expect(mem.cached).toBe(budget === undefined);
        // Cached: every map of the window; in segments: at most one segment's maps at a time.
        if (budget === 0) expect(mem.peakMapBytes).toBeLessThanOrEqual(7 * maxBytes);
        else expect(mem.peakMapBytes).toBe(allBytes);
        rep.dispose();
      }
      lib.close();
    }, 120_000);

  it('starts a later window from a stored checkpoint and replays only that window', async () => {
    const lib = StoreLibrary.open(db);
    const lines: string[] = [];
    const rep = await Replay.open(lib, runs.float32, { from: 30, to: 55 }, (l) => lines.push(l));
    expect(lines.some((l) => l.includes('from the stored checkpoint at step 25'))).toBe(true);
    const seen: number[] = [];
    rep.forward((t) => seen.push(t));
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 30 + i));
    expect(rep.steps).toBe(25);
    rep.dispose();
    await expect(Replay.open(lib, runs.float32, { to: 61 }, quiet)).rejects.toThrow(
      /logged steps 0…59; a window \[0, 61\) must end after its start and at most at 60/,
    );
    await expect(Replay.open(lib, runs.float32, { from: 10, to: 10 }, quiet)).rejects.toThrow(/window \[10, 10\)/);
    await expect(Replay.open(lib, runs.float32, { from: 10, qrVectors: 4 }, quiet)).rejects.toThrow(/QR \(final-frame\) vectors start at step 0/);
    lib.close();
  }, 60_000);

  it('stops by name when the stored loss is not reproduced (one bit flipped in a copy of the database)', async () => {
    const copy = path.join(dir, 'tampered.db');
    const s = RunStore.open(db);
    s.close();
    copyFileSync(db, copy);
    const raw = new Database(copy);
    const row = raw.prepare("SELECT first_step, vals FROM series WHERE run_id = ? AND metric = 'loss' ORDER BY first_step LIMIT 1").get(runs.float64) as {
      first_step: number;
      vals: Buffer;
    };
    const vals = Buffer.from(row.vals);
    vals[8 * 17] ^= 1; // lowest mantissa bit of the loss at step 17
    raw.prepare("UPDATE series SET vals = ? WHERE run_id = ? AND metric = 'loss' AND first_step = ?").run(vals, runs.float64, row.first_step);
    raw.close();
    const lib = StoreLibrary.open(copy);
    const rep = await Replay.open(lib, runs.float64, {}, quiet);
    expect(() => rep.forward(() => {})).toThrow(/does not reproduce it: at step 17 the loss is .*, stored .*recorded on TF.js backend/);
    rep.dispose();
    lib.close();
  }, 60_000);
});
