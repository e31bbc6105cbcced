import { describe, expect, it } from 'vitest';
import { perturbation } from '../../../../src/main/engine/chaos/perturb';
import { qrThin } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';

const n = 40;
const norm = (u: Float64Array) => Math.sqrt(u.reduce((s, v) => s + v * v, 0));
const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, x, i) => s + x * v[i], 0);

// Five orthonormal vectors with unsorted exponents; 1e-17 is round-off around 0 (a null direction of H).
const exponents = Float64Array.from([0.3, -0.2, 1e-17, 0.1, -0.5]);
const basisRng = new Rng(31);
const vectors = qrThin(
  Float64Array.from({ length: 5 * n }, () => basisRng.normal()),
  n,
  5,
).q;
const vec = (j: number) => vectors.slice(j * n, (j + 1) * n);

describe('perturbation', () => {
  it("'randn' is a seeded unit Gaussian direction", () => {
    const a = perturbation('randn', n, new Rng(1));
    const b = perturbation('randn', n, new Rng(1));
    expect(a.length).toBe(n);
    expect(norm(a)).toBeCloseTo(1, 14);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(perturbation('randn', n, new Rng(2)))).not.toEqual(Array.from(a));
  });

  it("'max_chaos' / 'max_convergence' pick the vector of the largest / smallest exponent", () => {
    const lyap = { exponents, vectors };
    expect(Array.from(perturbation('max_chaos', n, new Rng(0), lyap))).toEqual(Array.from(vec(0)).map((v) => v / norm(vec(0))));
    const bottom = perturbation('max_convergence', n, new Rng(0), lyap);
    expect(Math.abs(dot(bottom, vec(4)))).toBeCloseTo(1, 14);
  });

  it("'randn_chaos' / 'randn_convergence' are unit combinations of exactly the expanding / contracting vectors", () => {
    const lyap = { exponents, vectors };
    const inSpan = (u: Float64Array, idx: number[]) => {
      const r = Float64Array.from(u);
      for (const j of idx) {
        const c = dot(u, vec(j));
        for (let i = 0; i < n; i++) r[i] -= c * vec(j)[i];
      }
      return norm(r);
    };
    const chaos = perturbation('randn_chaos', n, new Rng(3), lyap);
    expect(norm(chaos)).toBeCloseTo(1, 14);
    expect(inSpan(chaos, [0, 3])).toBeLessThan(1e-14);
    expect(Math.abs(dot(chaos, vec(0)))).toBeGreaterThan(1e-3);
    expect(Math.abs(dot(chaos, vec(3)))).toBeGreaterThan(1e-3);
    const conv = perturbation('randn_convergence', n, new Rng(3), lyap);
    expect(inSpan(conv, [1, 4])).toBeLessThan(1e-14);
    expect(Math.abs(dot(conv, vec(2)))).toBeLessThan(1e-14);
  });

  it('errors clearly when no exponent has the requested sign or the basis is missing or malformed', () => {
    const neg = { exponents: Float64Array.from([-0.1, -0.2]), vectors: vectors.slice(0, 2 * n) };
    expect(() => perturbation('randn_chaos', n, new Rng(0), neg)).toThrow(/none of the 2 Lyapunov exponents is positive/);
    expect(() => perturbation('max_chaos', n, new Rng(0))).toThrow(/strategy 'max_chaos' needs Lyapunov exponents and vectors/);
    expect(() => perturbation('max_chaos', n, new Rng(0), { exponents, vectors: vectors.slice(0, 3 * n) })).toThrow(
      /vectors have length 120, expected 5 exponents × n = 40 = 200/,
    );
  });

  it("'file' normalises the given direction and checks it", () => {
    const dir = Float64Array.from({ length: n }, (_, i) => i - 3);
    const u = perturbation('file', n, new Rng(0), undefined, dir);
    expect(norm(u)).toBeCloseTo(1, 14);
    expect(u[10] / u[5]).toBeCloseTo(7 / 2, 14);
    expect(dir[10]).toBe(7); // input untouched
    expect(() => perturbation('file', n, new Rng(0), undefined, new Float64Array(39))).toThrow(/length 39, expected n = 40/);
    expect(() => perturbation('file', n, new Rng(0), undefined, new Float64Array(n))).toThrow(/norm 0/);
    expect(() => perturbation('file', n, new Rng(0))).toThrow(/'file' needs a direction/);
  });
});
