// The addon called from several JS threads at once (the app's run workers, the estimate worker and the main thread
// do this): a multithreaded OpenBLAS entered concurrently from two threads, each setting the global thread count
// before its call as eigh.ts does, deadlocked once in CI (the main thread spinning in sched_yield inside exec_blas
// under dsyrk, for 20 minutes). The addon now serialises its calls and applies each thread's count inside the lock.
// Here three workers and the main thread hammer dsyrk, dgemm and the tridiagonal eigensolver, switching between 1
// and 2 BLAS threads call by call, and every result must be right. (The hang itself did not recur in 3 tries of this
// load against the old addon: the test guards the results and the lock, it cannot prove the race's absence.)
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lapack } from '../../../../src/main/engine/linalg/lapack';
import { ROOT } from '../../../helpers/fixtures';

const ADDON = join(ROOT, 'native', 'build', 'Release', 'chaoslab_linalg.node');

// Plain JS, so the worker needs no TypeScript loader: loads the addon and checks AᵀA against a direct sum.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const mod = { exports: {} };
process.dlopen(mod, workerData.addon);
const lib = mod.exports;
let worst = 0;
for (let it = 0; it < workerData.iterations; it++) {
  lib.setNumThreads(1 + (it % 2));
  const rows = 300 + (it % 7), cols = 200;
  const a = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37 + it));
  const c = new Float64Array(cols * cols);
  lib.gramAtA(a, rows, cols, c);
  let s = 0;
  for (let r = 0; r < rows; r++) s += a[r * cols + 3] * a[r * cols + 5];
  worst = Math.max(worst, Math.abs(c[3 * cols + 5] - s));
  const n = 80, m = new Float64Array(n * n), w = new Float64Array(n), z = new Float64Array(n * n), tau = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = Math.cos(i * j + it);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += m[i * n + i];
  lib.eighTridiag(m, n, w, z, tau);
  worst = Math.max(worst, Math.abs(w.reduce((x, y) => x + y, 0) - trace) / n);
}
parentPort.postMessage(worst);
`;

describe('the LAPACK addon from several threads at once', () => {
  it.skipIf(!lapack())(
    'gives right results with every caller switching between 1 and 2 BLAS threads',
    async () => {
      const iterations = 100;
      const workers = Array.from({ length: 3 }, () => new Worker(WORKER, { eval: true, workerData: { addon: ADDON, iterations } }));
      const done = workers.map((w) => new Promise<number>((resolve, reject) => (w.on('message', resolve), w.on('error', reject))));
      const lib = lapack()!;
      let worst = 0;
      for (let it = 0; it < iterations; it++) {
        lib.setNumThreads(2 - (it % 2));
        const m = 150,
          k = 150,
          n = 150;
        const a = Float64Array.from({ length: m * k }, (_, i) => Math.cos(i * 0.11 + it));
        const b = Float64Array.from({ length: k * n }, (_, i) => Math.sin(i * 0.07 - it));
        const c = new Float64Array(m * n);
        lib.dgemm(a, b, m, k, n, c);
        let s = 0;
        for (let j = 0; j < k; j++) s += a[2 * k + j] * b[j * n + 4];
        worst = Math.max(worst, Math.abs(c[2 * n + 4] - s));
        await new Promise((r) => setImmediate(r));
      }
      const fromWorkers = await Promise.all(done);
      await Promise.all(workers.map((w) => w.terminate()));
      expect(worst).toBeLessThan(1e-11);
      for (const e of fromWorkers) expect(e).toBeLessThan(1e-10);
    },
    120_000,
  );
});
