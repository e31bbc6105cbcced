// Benchmark of the symmetric eigensolver (eigh with vectors): LAPACK dsyevd (OpenBLAS, 1 and 2 threads),
// LAPACK dsyevr, and the portable JS solver, at the orders the lab meets (370 ≈ the reduced MLP Hessian
// solved every step, 1158 = CNN, 5350 = full MLP). Prints a table and returns median times in ms.
import os from 'node:os';
import { eigh } from '../src/main/engine/linalg/eigh';
import { lapack, linalgInfo, threadsFor } from '../src/main/engine/linalg/lapack';
import { Rng } from '../src/main/engine/rng';
import { randomSymmetric } from '../test/helpers/matrices';

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median wall time (ms) per variant over `reps` rounds on fresh copies of a. Variants run interleaved
 * (order alternating each round) so background load hits them alike; one untimed warm-up round if reps > 1.
 */
function timeInterleaved(a: Float64Array, reps: number, variants: Record<string, () => (copy: Float64Array) => void>) {
  const names = Object.keys(variants);
  const ts: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = reps > 1 ? -1 : 0; r < reps; r++) {
    for (const k of r % 2 ? [...names].reverse() : names) {
      const fn = variants[k]();
      const copy = a.slice();
      const t0 = performance.now();
      fn(copy);
      if (r >= 0) ts[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((k) => [k, median(ts[k])]));
}

function withJs<T>(fn: () => T): T {
  const prev = process.env.CHAOSLAB_LINALG;
  process.env.CHAOSLAB_LINALG = 'js';
  try {
    return fn();
  } finally {
    if (prev === undefined) delete process.env.CHAOSLAB_LINALG;
    else process.env.CHAOSLAB_LINALG = prev;
  }
}

const fmt = (ms: number | undefined) => (ms === undefined ? '—' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/**
 * Median eigh (with vectors) timings in ms, keyed `eigh_<variant>_n<order>` with variant one of
 * lapack_t1, lapack_t2 (dsyevd with 1/2 OpenBLAS threads), dsyevr_t<k> (default threads), auto (the
 * eigh front with its thread policy), js (the portable solver).
 * `big` adds n = 5350, dsyevd with 1 and 2 threads only, one run each (20-40 s apiece); the JS solver
 * would need ~10 min there and is skipped.
 */
export async function benchLinalg(big = false): Promise<Record<string, number>> {
  const cpus = os.cpus();
  console.log(
    `linalg bench: ${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${os.platform()} ${os.release()}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load avg ${os.loadavg()[0].toFixed(2)}`,
  );
  const info = linalgInfo();
  console.log(`backend: ${info.kind}: ${info.detail}`);
  if (info.warning) console.warn(`WARNING: ${info.warning}`);

  const lib = lapack();
  const defaultThreads = lib ? threadsFor() : 0;
  const out: Record<string, number> = {};
  const orders = big ? [200, 370, 400, 1158, 5350] : [200, 370, 400, 1158];
  const rows: string[][] = [['n', 'dsyevd 1 thr', 'dsyevd 2 thr', `dsyevr ${defaultThreads} thr`, 'eigh (auto)', 'JS', 'JS / eigh']];
  try {
    for (const n of orders) {
      const a = randomSymmetric(new Rng(n, 'bench-linalg'), n);
      const reps = n <= 400 ? 9 : n <= 1200 ? 3 : 1;
      const row: Record<string, number> = {};
      if (lib) {
        const w = new Float64Array(n);
        const z = new Float64Array(n * n);
        // Each variant's setup (thread count) runs right before its timed call; `auto` is the eigh front
        // with its own thread choice (lapack.ts threadsFor).
        const dsyevdWith = (t: number) => () => {
          lib.setNumThreads(t);
          return (c: Float64Array) => lib.dsyevd(c, n, w, true);
        };
        const variants: Parameters<typeof timeInterleaved>[2] = {
          lapack_t1: dsyevdWith(1),
          lapack_t2: dsyevdWith(2),
        };
        if (n <= 1200) {
          variants[`dsyevr_t${defaultThreads}`] = () => {
            lib.setNumThreads(defaultThreads);
            return (c) => lib.dsyevr(c, n, w, z);
          };
          variants.auto = () => (c) => void eigh(c, n);
        }
        Object.assign(row, timeInterleaved(a, reps, variants));
        lib.setNumThreads(defaultThreads);
      }
      if (n <= 1200) {
        row.js = withJs(() => timeInterleaved(a, n <= 400 ? 5 : 1, { js: () => (c) => void eigh(c, n) }).js);
      }
      for (const [k, v] of Object.entries(row)) out[`eigh_${k}_n${n}`] = v;
      rows.push([
        String(n),
        fmt(row.lapack_t1),
        fmt(row.lapack_t2),
        fmt(row[`dsyevr_t${defaultThreads}`]),
        fmt(row.auto),
        fmt(row.js),
        row.js !== undefined && row.auto ? `${(row.js / row.auto).toFixed(1)}×` : '—',
      ]);
    }
  } finally {
    if (lib) lib.setNumThreads(defaultThreads);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((s, c) => s.padStart(widths[c])).join('  '));
  return out;
}
