// Lazy loader of the native OpenBLAS/LAPACKE addon (native/, built by scripts/build-native.cjs) and the
// report of which linear-algebra backend is in use.
//
// CHAOSLAB_LINALG selects the backend: unset/'auto' → the addon when it loads, else the JS fallback
// with a warning; 'js' → always the JS fallback (tests, benchmarks); 'lapack' → the addon or an error.
import fs from 'node:fs';
import path from 'node:path';

/** The addon's functions; all buffers are caller-owned Float64Arrays, layouts as in native/src/linalg.c. */
export interface LapackAddon {
  dsyevd(a: Float64Array, n: number, w: Float64Array, vectors: boolean): void;
  dsyevr(a: Float64Array, n: number, w: Float64Array, z: Float64Array): void;
  eighTridiag(a: Float64Array, n: number, w: Float64Array, z: Float64Array, tau: Float64Array): void;
  applyQ(a: Float64Array, n: number, tau: Float64Array, c: Float64Array, k: number, transpose: boolean): void;
  gramAtA(a: Float64Array, rows: number, cols: number, c: Float64Array): void;
  dgemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number, c: Float64Array): void;
  qrThin(a: Float64Array, rows: number, cols: number, rdiag: Float64Array, r: Float64Array | null): void;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  config(): { config: string; corename: string; blasLibrary: string; lapackeLibrary: string };
}

const ADDON_FUNCTIONS: readonly (keyof LapackAddon)[] = [
  'dsyevd',
  'dsyevr',
  'eighTridiag',
  'applyQ',
  'gramAtA',
  'dgemm',
  'qrThin',
  'setNumThreads',
  'getNumThreads',
  'config',
];

export interface LinalgInfo {
  kind: 'lapack' | 'js';
  /** e.g. "OpenBLAS 0.3.21 (Haswell) via LAPACKE dsyevd, 2 threads (1 for eigh below n = 300), <library path>". */
  detail: string;
  /** Why the fast path is not used; callers must show it. null when kind is 'lapack'. */
  warning: string | null;
}

const ADDON_FILE = path.join('native', 'build', 'Release', 'chaoslab_linalg.node');
const JS_DETAIL = 'portable TypeScript (Householder + implicit QL), float64';
const SLOWER = '10-40x slower than LAPACK';
const FIX = "build it with 'npm run build:native' (needs: apt-get install libopenblas-dev liblapacke-dev)";

/**
 * eigh runs on one OpenBLAS thread below this order. dsyevd median ms, 1 vs 2 threads, 2-core EPYC, quiet:
 * n = 200: 2.3 vs 2.2, 370: 8.7 vs 7.2, 600: 29 vs 21, 1158: 169 vs 112, 5350: 20.4 s vs 11.7 s. With the
 * other core busy, 2 threads lose (n = 370: 25 vs 32, up to 6× on bad runs), so small problems, where
 * threading gains nothing, stay on one thread.
 */
export const EIGH_SINGLE_THREAD_BELOW = 300;

let loaded: { addon: LapackAddon } | { error: string } | undefined;
/** OpenBLAS threads the front may use: OpenBLAS's own default (the core count) until set. */
/**
 * OpenBLAS threads the front may use: 1 unless the bench opts in (setLinalgThreads). In a process whose worker
 * threads use the addon (the app's run and estimate workers, the test runner) the OpenBLAS thread pool hung twice in
 * CI: the caller spinning in exec_blas for good with no pool thread left (gdb), after worker threads had come and
 * gone; on one thread OpenBLAS never uses its pool. The CLI stays on one thread too: a threaded BLAS call need not
 * give the same bits as a single-threaded one, and a run must be the same bits in the app, the CLI and a sweep.
 */
let threadBudget = 1;

/** Directories from which to look upwards for native/build: this module's folder and the cwd. */
function searchRoots(): string[] {
  const roots = [process.cwd()];
  if (typeof __dirname === 'string') roots.unshift(__dirname);
  return roots;
}

function findAddon(): string | null {
  for (const start of searchRoots()) {
    let dir = path.resolve(start);
    for (let up = 0; up < 6; up++) {
      const file = path.join(dir, ADDON_FILE);
      if (fs.existsSync(file)) return file;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return null;
}

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const file = findAddon();
  if (!file) {
    loaded = { error: `native addon ${ADDON_FILE} not found above ${searchRoots().join(' or ')}; ${FIX}` };
    return loaded;
  }
  try {
    const mod = { exports: {} as LapackAddon };
    process.dlopen(mod, file);
    // An addon built by an older checkout lacks what this version calls: rebuild rather than fail mid-run.
    const missing = ADDON_FUNCTIONS.filter((f) => typeof mod.exports[f] !== 'function');
    if (missing.length) {
      loaded = { error: `native addon ${file} is out of date (no ${missing.join(', ')}); ${FIX}` };
      return loaded;
    }
    loaded = { addon: mod.exports };
  } catch (err) {
    loaded = { error: `native addon ${file} failed to load (${(err as Error).message}); ${FIX}` };
  }
  return loaded;
}

function mode(): 'auto' | 'js' | 'lapack' {
  const v = (process.env.CHAOSLAB_LINALG ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'js' || v === 'lapack') return v;
  throw new Error(`CHAOSLAB_LINALG must be 'auto', 'js' or 'lapack', got '${process.env.CHAOSLAB_LINALG}'`);
}

/** The addon when it is to be used, else null (JS fallback). Throws if CHAOSLAB_LINALG=lapack cannot be met. */
export function lapack(): LapackAddon | null {
  const m = mode();
  if (m === 'js') return null;
  const l = load();
  if ('addon' in l) return l.addon;
  if (m === 'lapack') throw new Error(`CHAOSLAB_LINALG=lapack but ${l.error}`);
  return null;
}

/** Which backend eigh & co. use, and why not LAPACK when they don't. */
export function linalgInfo(): LinalgInfo {
  const m = mode();
  if (m === 'js') {
    return {
      kind: 'js',
      detail: JS_DETAIL,
      warning: `CHAOSLAB_LINALG=js forces the portable JavaScript eigensolver (${SLOWER})`,
    };
  }
  const l = load();
  if (!('addon' in l)) {
    if (m === 'lapack') throw new Error(`CHAOSLAB_LINALG=lapack but ${l.error}`);
    return {
      kind: 'js',
      detail: JS_DETAIL,
      warning: `LAPACK unavailable, using the portable JavaScript eigensolver (${SLOWER}): ${l.error}`,
    };
  }
  const c = l.addon.config();
  const version = /OpenBLAS\s+[\d.]+/.exec(c.config)?.[0] ?? c.config;
  const threads = threadBudget;
  const library = c.blasLibrary && fs.existsSync(c.blasLibrary) ? fs.realpathSync(c.blasLibrary) : c.blasLibrary;
  return {
    kind: 'lapack',
    detail:
      `${version} (${c.corename}) via LAPACKE dsyevd, ${threads} thread${threads === 1 ? '' : 's'}` +
      `${threads > 1 ? ` (1 for eigh below n = ${EIGH_SINGLE_THREAD_BELOW})` : ''}, ${library}`,
    warning: null,
  };
}

/** Sets how many OpenBLAS threads (process-wide) the front may use; no effect on the JS fallback. */
export function setLinalgThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`setLinalgThreads: threads must be a positive integer, got ${threads}`);
  }
  const lib = lapack();
  if (!lib) return;
  threadBudget = threads;
  lib.setNumThreads(threads);
}

/**
 * The OpenBLAS thread count the front uses: eigensolvers pass their order n; products and back-transforms the
 * number of vectors they act on, and one vector (a memory-bound matrix–vector product, where the threads only
 * add synchronisation: 0.4 vs 7 ms at n = 695 with the other core busy) runs on one thread.
 */
export function threadsFor(eighOrder?: number, vectors?: number): number {
  if (vectors === 1) return 1;
  return eighOrder !== undefined && eighOrder < EIGH_SINGLE_THREAD_BELOW ? 1 : threadBudget;
}
