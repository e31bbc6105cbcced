// Finite-time Lyapunov exponents of a training map θ_{t+1} = F_t(θ_t) by the QR (Benettin) method (DESIGN §2):
// k orthonormal deviation vectors Q are pushed through the Jacobian J_t = ∂F_t/∂θ and re-orthonormalised,
// Q_{t+1} R_t = J_t Q_t, and λ_i = (1/t) Σ_s log|(R_s)_ii| (natural log per step). The map is given only
// through a LinearMap that applies J_t to a batch of vectors, so the same code serves SGD, CGD and momentum.
import { eigh, qrThin } from '../linalg/eigh';
import type { LinearMap } from '../linalg/linear-map';
import type { Rng } from '../rng';

export interface LyapunovState {
  t: number;
  sums: Float64Array;
  q: Float64Array;
}

function checkDims(dim: number, k: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`Lyapunov: dim must be a positive integer, got ${dim}`);
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new Error(`Lyapunov: k must be an integer in [1, dim = ${dim}], got ${k}`);
}

export class LyapunovQR {
  private q: Float64Array;
  private sums: Float64Array;
  private steps = 0;

  /**
   * `init` holds k linearly independent vectors (vector j at j*dim); they are orthonormalised (an orthonormal set is
   * kept as is). `what` begins the message that names a dependent vector (lyapunov.start and its file).
   */
  constructor(
    readonly dim: number,
    readonly k: number,
    init: Float64Array,
    what = 'Lyapunov start',
  ) {
    checkDims(dim, k);
    if (init.length !== dim * k) throw new Error(`Lyapunov: initial vectors have length ${init.length}, expected k·dim = ${k}·${dim} = ${k * dim}`);
    const { q, rdiag } = qrThin(Float64Array.from(init), dim, k);
    const rmax = rdiag.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let j = 0; j < k; j++) {
      if (!(Math.abs(rdiag[j]) > 1e-12 * rmax))
        throw new Error(
          j === 0
            ? `${what}: vector 0 is zero`
            : `${what}: vector ${j} is linearly dependent on ${j === 1 ? 'vector 0' : `vectors 0…${j - 1}`} (numerically: |R_jj| ≤ 1e-12·max|R_ii|)`,
        );
      // Fix the sign so that R has a positive diagonal: an orthonormal init then comes back unchanged.
      if (rdiag[j] < 0) for (let i = 0; i < dim; i++) q[j * dim + i] = -q[j * dim + i];
    }
    this.q = q;
    this.sums = new Float64Array(k);
  }

  /** A random orthonormal start: QR of a dim×k Gaussian matrix (Haar-distributed up to column signs). */
  static random(dim: number, k: number, rng: Rng): LyapunovQR {
    checkDims(dim, k);
    const g = new Float64Array(dim * k);
    for (let i = 0; i < g.length; i++) g[i] = rng.normal();
    return new LyapunovQR(dim, k, g);
  }

  /** The start e_1…e_k (lyapunov.start 'identity'). */
  static identity(dim: number, k: number): LyapunovQR {
    checkDims(dim, k);
    const e = new Float64Array(dim * k);
    for (let j = 0; j < k; j++) e[j * dim + j] = 1;
    return new LyapunovQR(dim, k, e);
  }

  /** One step: Q ← qr(J_t Q), sums_i += log|R_ii|, t += 1. */
  step(apply: LinearMap): void {
    const y = apply(this.q, this.k);
    if (!(y instanceof Float64Array) || y.length !== this.dim * this.k)
      throw new Error(`Lyapunov step ${this.steps + 1}: the Jacobian map returned ${y?.length} values, expected k·dim = ${this.k * this.dim}`);
    if (y === this.q) throw new Error(`Lyapunov step ${this.steps + 1}: the Jacobian map must return a new array, not its input`);
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i]))
        throw new Error(
          `Lyapunov step ${this.steps + 1}: J·Q is not finite (vector ${Math.floor(i / this.dim)}, component ${i % this.dim}); has training diverged?`,
        );
    }
    const { q, rdiag } = qrThin(y, this.dim, this.k);
    for (let j = 0; j < this.k; j++) this.sums[j] += Math.log(Math.abs(rdiag[j]));
    this.q = q;
    this.steps++;
  }

  get t(): number {
    return this.steps;
  }

  /** Indices of the tracked vectors ordered by descending exponent. */
  private order(): number[] {
    if (this.steps === 0) throw new Error('Lyapunov: no exponents before the first step');
    return Array.from({ length: this.k }, (_, j) => j).sort((a, b) => this.sums[b] - this.sums[a]);
  }

  /** λ_i = sums_i / t, natural log per step, descending. */
  exponents(): Float64Array {
    return Float64Array.from(this.order(), (j) => this.sums[j] / this.steps);
  }

  /** The current orthonormal vectors (k×dim, vector i at i*dim) in the order of exponents(). */
  vectors(): Float64Array {
    const out = new Float64Array(this.k * this.dim);
    this.order().forEach((j, i) => out.set(this.q.subarray(j * this.dim, (j + 1) * this.dim), i * this.dim));
    return out;
  }

  /** The paper's "w^(1/t)": the eigenvalues of (Y_tᵀY_t)^(1/t) = e^{2λ_i}, descending. */
  paperConvention(): Float64Array {
    return this.exponents().map((l) => Math.exp(2 * l));
  }

  /** Everything needed to resume exactly (internal order, not sorted). */
  getState(): LyapunovState {
    return { t: this.steps, sums: Float64Array.from(this.sums), q: Float64Array.from(this.q) };
  }

  static fromState(dim: number, k: number, s: LyapunovState): LyapunovQR {
    if (!Number.isInteger(s.t) || s.t < 0) throw new Error(`Lyapunov state: t must be a non-negative integer, got ${s.t}`);
    if (s.sums.length !== k) throw new Error(`Lyapunov state: sums has length ${s.sums.length}, expected k = ${k}`);
    const l = new LyapunovQR(dim, k, s.q);
    // Restore Q bit for bit (the constructor's re-orthonormalisation may differ in the last ulp).
    l.q = Float64Array.from(s.q);
    l.sums = Float64Array.from(s.sums);
    l.steps = s.t;
    return l;
  }
}

/**
 * Exponents of k vectors Y = J_t⋯J_1·Q₀ (vector j at j*dim, not re-orthonormalised): λ_i = log σ_i(Y)/t with σ_i²
 * the eigenvalues of the k×k Gram matrix, descending; eigenvalues that round to ≤ 0 give −Infinity. Their sum
 * equals the QR method's in exact arithmetic; individually they agree as t grows, until Y overflows or loses rank.
 */
export function gramExponents(y: Float64Array, k: number, dim: number, t: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += y[a * dim + i] * y[b * dim + i];
      g[a * k + b] = g[b * k + a] = s;
    }
  const { values } = eigh(g, k, { vectors: false });
  return Float64Array.from(values, (v) => (v > 0 ? Math.log(v) / (2 * t) : -Infinity)).reverse();
}

/** Lifts a one-vector Hessian-vector product to a LinearMap over k contiguous vectors of length n. */
export function batchHv(hv: (v: Float64Array) => Float64Array, n: number): LinearMap {
  return (vectors, k) => {
    const out = new Float64Array(k * n);
    for (let j = 0; j < k; j++) out.set(hv(vectors.slice(j * n, (j + 1) * n)), j * n);
    return out;
  };
}

/** SGD, θ' = θ − γ g(θ): J = I − γH. */
export function sgdJacobian(hvk: LinearMap, gamma: number): LinearMap {
  return (v, k) => {
    // hvk's result is fresh (LinearMap): written over rather than a second array of the block's size allocated.
    const h = hvk(v, k);
    for (let i = 0; i < v.length; i++) h[i] = v[i] - gamma * h[i];
    return h;
  };
}

/** v ↦ (I − mix·V Vᵀ) v with V the orthonormal vectors in `basis` (vector j at j*n; may be empty). */
export function projector(basis: Float64Array, n: number, mix = 1): LinearMap {
  if (basis.length % n !== 0) throw new Error(`projector: basis vectors have length ${basis.length}, not a multiple of n = ${n}`);
  const kp = basis.length / n;
  return (v, k) => {
    const out = Float64Array.from(v);
    for (let j = 0; j < k; j++) {
      const o = j * n;
      for (let p = 0; p < kp; p++) {
        const vp = p * n;
        let c = 0;
        for (let i = 0; i < n; i++) c += basis[vp + i] * v[o + i];
        c *= mix;
        for (let i = 0; i < n; i++) out[o + i] -= c * basis[vp + i];
      }
    }
    return out;
  };
}

/**
 * The CGD-projected Hessian operator v ↦ (I − mix·V_P V_Pᵀ) H v, P = I − V_P V_Pᵀ held fixed over the step.
 * `pruned` holds the orthonormal pruned vectors, vector j at j*n (may be empty).
 */
export function projectedHv(hvk: LinearMap, pruned: Float64Array, n: number, mix = 1): LinearMap {
  const project = projector(pruned, n, mix);
  return (v, k) => project(hvk(v, k), k);
}

/**
 * Momentum as torch SGD, b' = μb + g(θ), θ' = θ − γb', on the 2n-dimensional state (θ, b); each vector holds
 * its θ part in the first n entries and its b part in the last n. Linearised (DESIGN §2):
 * δb' = μ δb + H δθ, δθ' = δθ − γ δb'. For CGD with momentum pass projectedHv(…) as hvk.
 */
export function momentumJacobian(hvk: LinearMap, gamma: number, mu: number, n: number): LinearMap {
  return (v, k) => {
    if (v.length !== 2 * n * k) throw new Error(`momentumJacobian: got ${v.length} values for ${k} vectors, expected k·2n = ${2 * n * k}`);
    const dTheta = new Float64Array(k * n);
    for (let j = 0; j < k; j++) dTheta.set(v.subarray(2 * j * n, 2 * j * n + n), j * n);
    const h = hvk(dTheta, k);
    const out = new Float64Array(v.length);
    for (let j = 0; j < k; j++) {
      const o = 2 * j * n;
      for (let i = 0; i < n; i++) {
        const db = mu * v[o + n + i] + h[j * n + i];
        out[o + n + i] = db;
        out[o + i] = v[o + i] - gamma * db;
      }
    }
    return out;
  };
}

/**
 * The Jacobian of one training step (DESIGN §2) from Hessian-vector products alone (no eigenbasis: the Lanczos
 * method): SGD J = I − γH; CGD, θ' = θ − γ[(1 − mix)·g + mix·P g] with P = I − V_P V_Pᵀ held fixed over the
 * step, J = I − γ(I − mix·V_P V_Pᵀ)H (with mix = 1 this is I − γPH, which equals I − γPHP whenever the pruned
 * vectors are eigenvectors of H; replacing pruned components by noise does not depend on θ and leaves J as is);
 * with momentum the 2n×2n map. `pruned` holds the orthonormal pruned vectors, vector j at j*n (empty or absent:
 * plain SGD). With the exact spectrum the engine uses step-map.ts, which also inverts and transposes J.
 */
export function stepJacobian(hvk: LinearMap, o: { lr: number; momentum: number; n: number; pruned?: Float64Array; mix?: number }): LinearMap {
  const hv = o.pruned && o.pruned.length > 0 ? projectedHv(hvk, o.pruned, o.n, o.mix ?? 1) : hvk;
  return o.momentum > 0 ? momentumJacobian(hv, o.lr, o.momentum, o.n) : sgdJacobian(hv, o.lr);
}

/** Jᵀ of momentumJacobian, given hvkT = Aᵀ: Jᵀ(a; c) = (a + Aᵀ(c − γa); μ(c − γa)). */
export function momentumJacobianT(hvkT: LinearMap, gamma: number, mu: number, n: number): LinearMap {
  return (v, k) => {
    const w = new Float64Array(k * n);
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) w[j * n + i] = v[2 * j * n + n + i] - gamma * v[2 * j * n + i];
    const h = hvkT(w, k);
    const out = new Float64Array(v.length);
    for (let j = 0; j < k; j++) {
      const o = 2 * j * n;
      for (let i = 0; i < n; i++) {
        out[o + i] = v[o + i] + h[j * n + i];
        out[o + n + i] = mu * w[j * n + i];
      }
    }
    return out;
  };
}

/** J⁻¹ of momentumJacobian: from (a; c) = J(θ; b), θ = a + γc and b = (c − Aθ)/μ. */
export function momentumInverse(hvk: LinearMap, gamma: number, mu: number, n: number): LinearMap {
  return (v, k) => {
    const theta = new Float64Array(k * n);
    for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) theta[j * n + i] = v[2 * j * n + i] + gamma * v[2 * j * n + n + i];
    const h = hvk(theta, k);
    const out = new Float64Array(v.length);
    for (let j = 0; j < k; j++) {
      const o = 2 * j * n;
      for (let i = 0; i < n; i++) {
        out[o + i] = theta[j * n + i];
        out[o + n + i] = (v[o + n + i] - h[j * n + i]) / mu;
      }
    }
    return out;
  };
}

/** J⁻ᵀ of momentumJacobian, given hvkT = Aᵀ: with w = Aᵀc/μ, J⁻ᵀ(a; c) = (a − w; γ(a − w) + c/μ). */
export function momentumInverseT(hvkT: LinearMap, gamma: number, mu: number, n: number): LinearMap {
  return (v, k) => {
    const c = new Float64Array(k * n);
    for (let j = 0; j < k; j++) c.set(v.subarray(2 * j * n + n, 2 * j * n + 2 * n), j * n);
    const h = hvkT(c, k);
    const out = new Float64Array(v.length);
    for (let j = 0; j < k; j++) {
      const o = 2 * j * n;
      for (let i = 0; i < n; i++) {
        const a = v[o + i] - h[j * n + i] / mu;
        out[o + i] = a;
        out[o + n + i] = gamma * a + c[j * n + i] / mu;
      }
    }
    return out;
  };
}
