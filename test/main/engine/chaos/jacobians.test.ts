import { describe, expect, it } from 'vitest';
import { batchHv, momentumJacobian, projectedHv, sgdJacobian, stepJacobian } from '../../../../src/main/engine/chaos/lyapunov';
import type { LinearMap } from '../../../../src/main/engine/linalg/linear-map';
import { eigh, qrThin } from '../../../../src/main/engine/linalg/eigh';
import { Rng } from '../../../../src/main/engine/rng';

// Toy loss L(θ) = ½θᵀAθ + ¼Σθ_i⁴ + cᵀθ with A symmetric indefinite: g = Aθ + θ³ + c, H(θ) = A + 3·diag(θ²),
// so the Hessian changes with θ and a finite difference of one step of the map sees the full Jacobian.
const n = 7;
const rng = new Rng(11, 'toy');
const A = (() => {
  const g = Float64Array.from({ length: n * n }, () => rng.normal());
  return g.map((v, idx) => 0.5 * (v + g[(idx % n) * n + Math.floor(idx / n)]));
})();
const c = Float64Array.from({ length: n }, () => rng.normal());
const theta0 = Float64Array.from({ length: n }, () => rng.normal());
const b0 = Float64Array.from({ length: n }, () => rng.normal());

function grad(th: Float64Array): Float64Array {
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = c[i] + th[i] ** 3;
    for (let j = 0; j < n; j++) s += A[i * n + j] * th[j];
    g[i] = s;
  }
  return g;
}

function hessian(th: Float64Array): Float64Array {
  return A.map((v, idx) => v + (idx % (n + 1) === 0 ? 3 * th[idx / (n + 1)] ** 2 : 0));
}

const hv = (v: Float64Array): Float64Array => {
  const h = hessian(theta0);
  return Float64Array.from({ length: n }, (_, i) => h.slice(i * n, (i + 1) * n).reduce((s, x, j) => s + x * v[j], 0));
};
const hvk = batchHv(hv, n);

/** Central-difference Jacobian of f: R^m → R^m at x (row-major m×m). */
function fdJacobian(f: (x: Float64Array) => Float64Array, x: Float64Array): Float64Array {
  const m = x.length;
  const h = 1e-5;
  const jac = new Float64Array(m * m);
  for (let col = 0; col < m; col++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[col] += h;
    xm[col] -= h;
    const fp = f(xp);
    const fm = f(xm);
    for (let r = 0; r < m; r++) jac[r * m + col] = (fp[r] - fm[r]) / (2 * h);
  }
  return jac;
}

/** The map's matrix: apply it to the m unit vectors (column col = image of e_col), row-major. */
function mapMatrix(map: LinearMap, m: number): Float64Array {
  const e = new Float64Array(m * m);
  for (let j = 0; j < m; j++) e[j * m + j] = 1;
  const img = map(e, m);
  const out = new Float64Array(m * m);
  for (let col = 0; col < m; col++) for (let r = 0; r < m; r++) out[r * m + col] = img[col * m + r];
  return out;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** P_mix x = x − mix·Σ_p (v_pᵀx) v_p. */
function project(x: Float64Array, basis: Float64Array, mix: number): Float64Array {
  const out = Float64Array.from(x);
  for (let p = 0; p < basis.length / n; p++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += basis[p * n + i] * x[i];
    for (let i = 0; i < n; i++) out[i] -= mix * s * basis[p * n + i];
  }
  return out;
}

const gamma = 0.13;

describe('Jacobian builders against finite differences of one step', () => {
  it('SGD: J = I − γH', () => {
    const step = (th: Float64Array) => {
      const g = grad(th);
      return th.map((v, i) => v - gamma * g[i]);
    };
    expect(maxDiff(mapMatrix(sgdJacobian(hvk, gamma), n), fdJacobian(step, theta0))).toBeLessThan(1e-8);
  });

  it('CGD with a fixed arbitrary basis: J = I − γ(I − mix·V Vᵀ)H, the exact derivative', () => {
    const basis = qrThin(
      Float64Array.from({ length: 3 * n }, () => rng.normal()),
      n,
      3,
    ).q;
    for (const mix of [1, 0.6]) {
      const step = (th: Float64Array) => {
        const g = grad(th);
        const gp = project(g, basis, mix);
        return th.map((v, i) => v - gamma * gp[i]);
      };
      expect(maxDiff(mapMatrix(stepJacobian(hvk, { lr: gamma, momentum: 0, n, pruned: basis, mix }), n), fdJacobian(step, theta0))).toBeLessThan(1e-8);
    }
  });

  it('CGD in the eigenbasis of H(θ): P commutes with H, so I − γPH = I − γPHP', () => {
    // Prune the two most negative eigen-directions of H(θ0) (basis held fixed for the difference quotient).
    const { vectors } = eigh(hessian(theta0), n);
    const basis = (vectors as Float64Array).slice(0, 2 * n);
    const step = (th: Float64Array) => {
      const gp = project(grad(th), basis, 1);
      return th.map((v, i) => v - gamma * gp[i]);
    };
    const jac = mapMatrix(stepJacobian(hvk, { lr: gamma, momentum: 0, n, pruned: basis }), n);
    expect(maxDiff(jac, fdJacobian(step, theta0))).toBeLessThan(1e-8);
    // I − γPHP built densely.
    const h = hessian(theta0);
    const p = mapMatrix((v, k) => {
      const out = new Float64Array(v.length);
      for (let j = 0; j < k; j++) out.set(project(v.slice(j * n, (j + 1) * n), basis, 1), j * n);
      return out;
    }, n);
    const mul = (x: Float64Array, y: Float64Array) => {
      const z = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) z[i * n + j] += x[i * n + k] * y[k * n + j];
      return z;
    };
    const php = mul(mul(p, h), p).map((v, idx) => (idx % (n + 1) === 0 ? 1 : 0) - gamma * v);
    expect(maxDiff(jac, php)).toBeLessThan(1e-12);
  });

  it('momentum (torch SGD) on the 2n state (θ, b)', () => {
    const mu = 0.9;
    const step = (s: Float64Array) => {
      const th = s.slice(0, n);
      const g = grad(th);
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        out[n + i] = mu * s[n + i] + g[i];
        out[i] = th[i] - gamma * out[n + i];
      }
      return out;
    };
    const x0 = new Float64Array(2 * n);
    x0.set(theta0);
    x0.set(b0, n);
    expect(maxDiff(mapMatrix(momentumJacobian(hvk, gamma, mu, n), 2 * n), fdJacobian(step, x0))).toBeLessThan(1e-8);
  });

  it('CGD with momentum: momentumJacobian over projectedHv', () => {
    const mu = 0.5;
    const basis = qrThin(
      Float64Array.from({ length: 2 * n }, () => rng.normal()),
      n,
      2,
    ).q;
    const step = (s: Float64Array) => {
      const th = s.slice(0, n);
      const g = project(grad(th), basis, 1);
      const out = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        out[n + i] = mu * s[n + i] + g[i];
        out[i] = th[i] - gamma * out[n + i];
      }
      return out;
    };
    const x0 = new Float64Array(2 * n);
    x0.set(theta0);
    x0.set(b0, n);
    const jac = mapMatrix(momentumJacobian(projectedHv(hvk, basis, n), gamma, mu, n), 2 * n);
    expect(maxDiff(jac, fdJacobian(step, x0))).toBeLessThan(1e-8);
  });

  it('rejects mismatched sizes with a message naming them', () => {
    expect(() => stepJacobian(hvk, { lr: gamma, momentum: 0, n, pruned: new Float64Array(10) })).toThrow(/length 10, not a multiple of n = 7/);
    expect(() => momentumJacobian(hvk, gamma, 0.9, n)(new Float64Array(7), 1)).toThrow(/got 7 values for 1 vectors, expected k·2n = 14/);
  });
});
