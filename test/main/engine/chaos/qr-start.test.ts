// lyapunov.start from a file the user hands us: the first k vectors, orthonormalised by the Lyapunov QR itself
// (checked against explicit inner products), and every bad file refused naming the field, the file and the vector,
// before anything larger than the file is allocated.
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig, type RunConfig } from '../../../../src/shared/config';
import { LyapunovQR } from '../../../../src/main/engine/chaos/lyapunov';
import { qrShape, qrStart, readQrStart } from '../../../../src/main/engine/chaos/qr-start';
import { Rng } from '../../../../src/main/engine/rng';

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-qr-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A file holding `content` (JSON unless a string is given). */
function file(content: unknown): string {
  const f = join(dir, `start-${files++}.json`);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}
const gaussian = (n: number, rng: Rng): number[] => Array.from({ length: n }, () => rng.normal());
const unit = (n: number, j: number): number[] => Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);
const column = (q: Float64Array, dim: number, j: number): Float64Array => q.subarray(j * dim, (j + 1) * dim);

function config(lyapunov: Record<string, unknown>, momentum = 0): RunConfig {
  const v = validateConfig({ train: { momentum }, lyapunov });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}

describe('lyapunov.start from a file', () => {
  const dim = 7;
  const k = 3;

  it('orthonormalises the first k vectors in order (Gram–Schmidt of the given ones, to 1e-14) and ignores the rest', () => {
    const rng = new Rng(11);
    const given = Array.from({ length: 5 }, () => gaussian(dim, rng).map((x) => 3 * x));
    // Vectors beyond k are not used, whatever they hold.
    const f = file({ vectors: [...given.slice(0, 4), [1, 2]] });
    const q = readQrStart(f, { dim, k }).getState().q;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) expect(Math.abs(dot(column(q, dim, a), column(q, dim, b)) - (a === b ? 1 : 0))).toBeLessThan(1e-14);
    // q_j lies in span(v_0 … v_j) and has a positive component along v_j's part outside span(v_0 … v_{j−1}):
    // q_0 = v_0/‖v_0‖, and each v_j is recovered from q_0 … q_j.
    const v0 = given[0];
    const n0 = Math.hypot(...v0);
    column(q, dim, 0).forEach((x, i) => expect(Math.abs(x - v0[i] / n0)).toBeLessThan(1e-15));
    for (let j = 0; j < k; j++) {
      const v = given[j];
      const rest = v.slice();
      for (let a = 0; a <= j; a++) {
        const c = dot(column(q, dim, a), v);
        if (a === j) expect(c).toBeGreaterThan(0);
        for (let i = 0; i < dim; i++) rest[i] -= c * q[a * dim + i];
      }
      expect(Math.hypot(...rest) / Math.hypot(...v)).toBeLessThan(1e-14);
    }
  });

  it('e₁…e_k from a file is bit for bit the identity start; a scaled set is accepted at any scale', () => {
    const f = file({ vectors: Array.from({ length: k }, (_, j) => unit(dim, j)) });
    expect(readQrStart(f, { dim, k }).getState()).toEqual(LyapunovQR.identity(dim, k).getState());
    const rng = new Rng(12);
    // Dependence is judged relative to each vector, not to the largest: a short vector beside long ones is kept.
    for (const scales of [
      [1e-300, 1e-300, 1e-300],
      [1e200, 1e200, 1e200],
      [1e-13, 1, 1e13],
    ]) {
      const q = readQrStart(file({ vectors: scales.map((s) => gaussian(dim, rng).map((x) => x * s)) }), { dim, k }).getState().q;
      for (let a = 0; a < k; a++) expect(Math.abs(dot(column(q, dim, a), column(q, dim, a)) - 1)).toBeLessThan(1e-14);
    }
  });

  it('accepts what `lab lyapunov-vectors --out` writes', () => {
    const rng = new Rng(13);
    const f = file({
      step: 40,
      frame: 'final',
      which: 'top',
      k: 4,
      n: dim,
      exponents: [0.3, 0.1, -0.2, -0.5],
      vectors: Array.from({ length: 4 }, () => gaussian(dim, rng)),
      stored: true,
    });
    expect(readQrStart(f, { dim, k }).k).toBe(k);
  });

  it('refuses fewer than k vectors, a wrong length, a non-finite entry and dependent vectors, naming field, file and vector', () => {
    const rng = new Rng(14);
    const [a, b, c] = [gaussian(dim, rng), gaussian(dim, rng), gaussian(dim, rng)];
    const refusals: [unknown, string][] = [
      [{ vectors: [a, b] }, 'holds 2 vectors, lyapunov.k needs 3'],
      [{ vectors: [a] }, 'holds 1 vector, lyapunov.k needs 3'],
      [{ vectors: [a, b.slice(1), c] }, 'vector 1 must have 7 numbers'],
      [{ vectors: [a, b, [...c, 1]] }, 'vector 2 must have 7 numbers'],
      [{ vectors: [a, 'b', c] }, 'vector 1 must have 7 numbers'],
      [`{"vectors": [${JSON.stringify(a)}, [1, 2, 1e999, 4, 5, 6, 7], ${JSON.stringify(c)}]}`, 'vector 1, entry 2 is not a finite number'],
      [{ vectors: [a, b, [0, 0, 0, null, 0, 0, 0]] }, 'vector 2, entry 3 is not a finite number'],
      [{ vectors: [a, b, [0, 0, '1', 0, 0, 0, 0]] }, 'vector 2, entry 2 is not a finite number'],
      [`{"vectors": [[NaN, 0, 0, 0, 0, 0, 0]]}`, 'not valid JSON'],
      [{ vectors: [a, b, a.map((x, i) => 2 * x - b[i] / 3)] }, 'vector 2 is linearly dependent on vectors 0…1 (numerically'],
      [{ vectors: [a, a.map((x) => -5 * x), c] }, 'vector 1 is linearly dependent on vector 0 (numerically'],
      [{ vectors: [a, new Array(dim).fill(0), c] }, 'vector 1 is zero'],
      [{ vectors: [] }, 'expected {"vectors": [[…], …]} with at least one vector'],
      [[a, b, c], 'expected {"vectors": [[…], …]} with at least one vector'],
      ['', 'not valid JSON'],
    ];
    for (const [content, message] of refusals) {
      const f = file(content);
      expect(() => readQrStart(f, { dim, k }), message).toThrow(`lyapunov.start: ${f}: ${message}`);
    }
    // A dependent vector refused is one whose part outside the span is below 1e-12 of it; one above is kept.
    const tilt = (eps: number) => file({ vectors: [a, b, a.map((x, i) => x + eps * c[i])] });
    expect(() => readQrStart(tilt(1e-14), { dim, k })).toThrow(/vector 2 is linearly dependent/);
    expect(readQrStart(tilt(1e-8), { dim, k }).k).toBe(k);
  });

  it('a huge declared size in a tiny file allocates nothing beyond the file; a file beyond its bound is not read', () => {
    const huge = 2 ** 32 - 1;
    for (const content of [
      { k: huge, n: huge, vectors: { length: huge } },
      { k: huge, n: huge, vectors: Array.from({ length: 100_000 }, () => []) },
      `{"vectors": [${'[],'.repeat(200_000)}[]]}`,
    ]) {
      const f = file(content);
      const before = process.memoryUsage().arrayBuffers;
      expect(() => readQrStart(f, { dim: 5350, k: 3 })).toThrow(new RegExp(`^lyapunov\\.start: ${f}: (expected|vector 0 must have 5350 numbers)`));
      // Far less than one 5350×100,000 block (4.3 GB) would take: nothing sized by the declared counts was made.
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    }
    // A sparse file claiming 300 MB: refused by its size before a byte is read.
    const sparse = join(dir, 'sparse.json');
    const fd = openSync(sparse, 'w');
    ftruncateSync(fd, 300 * 2 ** 20);
    closeSync(fd);
    expect(() => readQrStart(sparse, { dim: 20, k: 3 })).toThrow(`lyapunov.start: ${sparse} is ${300 * 2 ** 20} bytes, more than the`);
    expect(() => readQrStart(join(dir, 'missing.json'), { dim, k })).toThrow(`lyapunov.start: file not found: ${join(dir, 'missing.json')}`);
    expect(() => readQrStart(dir, { dim, k })).toThrow(`lyapunov.start: ${dir} is a folder, not a regular file`);
  });
});

describe('qrShape and qrStart', () => {
  it('tracks k of n (2n with momentum) dimensions; random and identity need no file, a file start needs its vectors', () => {
    expect(qrShape(config({ k: 4 }), 10)).toEqual({ dim: 10, k: 4 });
    expect(qrShape(config({ k: 4 }, 0.9), 10)).toEqual({ dim: 20, k: 4 });
    expect(qrShape(config({ k: 'all' }), 10)).toEqual({ dim: 10, k: 10 });
    expect(qrShape(config({ k: 50 }), 10)).toEqual({ dim: 10, k: 10 });
    expect(qrShape({ ...config({}), lyapunov: null }, 10)).toBeNull();
    const shape = { dim: 10, k: 4 };
    expect(qrStart(config({ k: 4, start: 'identity' }), shape, null).getState()).toEqual(LyapunovQR.identity(10, 4).getState());
    const seeded = { ...config({ k: 4 }), seed: 5 };
    expect(qrStart(seeded, shape, null).getState()).toEqual(LyapunovQR.random(10, 4, new Rng(5, 'lyapunov')).getState());
    const f = file({ vectors: Array.from({ length: 4 }, (_, j) => unit(10, 9 - j)) });
    const fromFile = readQrStart(f, shape);
    expect(qrStart(config({ k: 4, start: f }), shape, fromFile)).toBe(fromFile);
    expect(() => qrStart(config({ k: 4, start: f }), shape, null)).toThrow(`lyapunov.start: the vectors of ${f} were not read`);
  });
});
