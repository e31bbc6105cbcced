// Backend selection and reporting (lapack.ts) and the addon's own argument checks.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eigh, matmul } from '../../../../src/main/engine/linalg/eigh';
import { EIGH_SINGLE_THREAD_BELOW, lapack, linalgInfo, setLinalgThreads, threadsFor } from '../../../../src/main/engine/linalg/lapack';
import { withBackend } from '../../../helpers/matrices';
import { ROOT } from '../../../helpers/fixtures';

describe('linalg backend', () => {
  it('loads the OpenBLAS/LAPACKE addon by default (built by scripts/build-native.cjs)', () => {
    const info = linalgInfo();
    // On failure the warning says why (addon missing or not loadable) and how to build it.
    expect(info.warning).toBeNull();
    expect(info.kind).toBe('lapack');
    expect(info.detail).toMatch(
      new RegExp(
        `^OpenBLAS [\\d.]+ \\(.+\\) via LAPACKE dsyevd, ` + `(1 thread|\\d+ threads \\(1 for eigh below n = ${EIGH_SINGLE_THREAD_BELOW}\\)), /.+\\.so`,
      ),
    );
  });

  it('CHAOSLAB_LINALG=js forces the portable fallback and says so', () => {
    withBackend('js', () => {
      const info = linalgInfo();
      expect(info.kind).toBe('js');
      expect(info.warning).toMatch(/CHAOSLAB_LINALG=js/);
      expect(lapack()).toBeNull();
      const { values } = eigh(new Float64Array([2, 1, 1, 2]), 2);
      expect(Array.from(values)).toEqual([1, 3].map((v) => expect.closeTo(v, 14)));
    });
  });

  it('without the addon, reports kind js with a warning saying why and how to fix it', () => {
    // A copy of lapack.ts in a fresh temp dir has no native/build above it: the real "not built" case.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaoslab-linalg-noaddon-'));
    try {
      fs.copyFileSync(path.join(ROOT, 'src/main/engine/linalg/lapack.ts'), path.join(dir, 'lapack.ts'));
      const probe = `import { lapack, linalgInfo } from './lapack';
        let forced = '';
        process.env.CHAOSLAB_LINALG = 'lapack';
        try { lapack(); } catch (e) { forced = (e as Error).message; }
        delete process.env.CHAOSLAB_LINALG;
        console.log(JSON.stringify({ info: linalgInfo(), addon: lapack(), forced }));`;
      fs.writeFileSync(path.join(dir, 'probe.ts'), probe);
      const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
      const env = { ...process.env };
      delete env.CHAOSLAB_LINALG;
      const run = spawnSync(tsx, ['probe.ts'], { cwd: dir, env, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const { info, addon, forced } = JSON.parse(run.stdout);
      expect(info.kind).toBe('js');
      expect(addon).toBeNull();
      expect(info.warning).toMatch(/LAPACK unavailable, using the portable JavaScript eigensolver/);
      expect(info.warning).toMatch(/chaoslab_linalg\.node not found/);
      expect(info.warning).toMatch(/npm run build:native/);
      expect(forced).toMatch(/^CHAOSLAB_LINALG=lapack but native addon .* not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown CHAOSLAB_LINALG value, naming the variable', () => {
    const prev = process.env.CHAOSLAB_LINALG;
    process.env.CHAOSLAB_LINALG = 'gpu';
    try {
      expect(() => linalgInfo()).toThrow(/CHAOSLAB_LINALG must be 'auto', 'js' or 'lapack', got 'gpu'/);
    } finally {
      if (prev === undefined) delete process.env.CHAOSLAB_LINALG;
      else process.env.CHAOSLAB_LINALG = prev;
    }
  });

  it('sets the OpenBLAS thread budget and reports it', () => {
    const lib = lapack()!;
    const before = threadsFor();
    try {
      setLinalgThreads(1);
      expect(lib.getNumThreads()).toBe(1);
      expect(linalgInfo().detail).toMatch(/, 1 thread,/);
      setLinalgThreads(2);
      expect(linalgInfo().detail).toContain(`, 2 threads (1 for eigh below n = ${EIGH_SINGLE_THREAD_BELOW}),`);
      expect(() => setLinalgThreads(0)).toThrow(/setLinalgThreads: threads must be a positive integer, got 0/);
    } finally {
      setLinalgThreads(before);
    }
  });

  it('runs small eigenproblems and matrix–vector products on one thread and everything else on the budget', () => {
    const lib = lapack()!;
    const before = threadsFor();
    try {
      setLinalgThreads(2);
      const small = EIGH_SINGLE_THREAD_BELOW - 1;
      eigh(new Float64Array(small * small), small);
      expect(lib.getNumThreads()).toBe(1);
      matmul(new Float64Array(4), new Float64Array(4), 2, 2, 2);
      expect(lib.getNumThreads()).toBe(2);
      matmul(new Float64Array(4), new Float64Array(2), 2, 2, 1);
      expect(lib.getNumThreads()).toBe(1);
      const big = EIGH_SINGLE_THREAD_BELOW;
      eigh(new Float64Array(big * big), big, { vectors: false });
      expect(lib.getNumThreads()).toBe(2);
    } finally {
      setLinalgThreads(before);
    }
  });

  it('the addon validates its arguments itself, naming function and argument', () => {
    const lib = lapack()!;
    const w = new Float64Array(3);
    expect(() => lib.dsyevd(new Float32Array(9) as unknown as Float64Array, 3, w, true)).toThrow(/dsyevd: a must be a Float64Array/);
    expect(() => lib.dsyevd(new Float64Array(9), 3, w, 1 as unknown as boolean)).toThrow(/dsyevd: vectors must be a boolean/);
    expect(() => lib.dsyevd(new Float64Array(8), 3, w, true)).toThrow(/dsyevd: a has length 8, needs at least 9/);
    expect(() => lib.dsyevd(new Float64Array(9), 0, w, true)).toThrow(/dsyevd: n must be an integer in \[1, 30000\]/);
    expect(() => lib.qrThin(new Float64Array(6), 2, 3, w, null)).toThrow(/qrThin: cols must be an integer in \[1, 2\]/);
    expect(() => lib.dgemm(new Float64Array(4), new Float64Array(4), 2, 2, 2, new Float64Array(3))).toThrow(/dgemm: c has length 3, needs at least 4/);
    expect(() => lib.eighTridiag(new Float64Array(9), 3, w, new Float64Array(8), w)).toThrow(/eighTridiag: z has length 8, needs at least 9/);
    expect(() => lib.applyQ(new Float64Array(9), 3, w, new Float64Array(6), 3, false)).toThrow(/applyQ: c has length 6, needs at least 9/);
    expect(() => lib.applyQ(new Float64Array(9), 3, w, new Float64Array(9), 3, 0 as unknown as boolean)).toThrow(/applyQ: transpose must be a boolean/);
  });

  it('dsyevr (MRRR) agrees with dsyevd on all eigenpairs', () => {
    const lib = lapack()!;
    const n = 3;
    const a = new Float64Array([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const w1 = new Float64Array(n);
    const w2 = new Float64Array(n);
    const z = new Float64Array(n * n);
    const a1 = a.slice();
    lib.dsyevd(a1, n, w1, true);
    lib.dsyevr(a.slice(), n, w2, z);
    for (let j = 0; j < n; j++) {
      expect(w2[j]).toBeCloseTo(w1[j], 13);
      let dot = 0;
      for (let k = 0; k < n; k++) dot += a1[j * n + k] * z[j * n + k];
      expect(Math.abs(dot)).toBeCloseTo(1, 13);
    }
  });
});
