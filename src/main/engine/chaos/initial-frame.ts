// Initial-frame Lyapunov vectors (DESIGN §7): the right singular vectors of Y = J_T⋯J_1 — the directions at the
// window's start that grow (top) or shrink (bottom) most over it — by subspace iteration on YᵀY, never forming Y.
// A half-sweep pushes b = k + guard orthonormal vectors B through the window, forward with J_t (t = 1…T) or
// backward with J_tᵀ (t = T…1), re-orthonormalising whenever the steps since the last QR may have worsened the
// block's conditioning by e^{LOG_COND_BUDGET} (Σ log κ(J_t), bounded per step by StepMap.logCond; at γ = 0.001 that
// is every ~10 steps, at every step when no bound is at hand): Op·B = X·P, P the product of the R factors (kept
// graded: linalg/graded.ts). Rayleigh–Ritz on that product: P = L·Σ·Rᵀ gives Op·(B·R) = (X·L)·Σ, the
// Ritz vectors on both ends; X·L starts the next half-sweep, in the other direction (with Opᵀ). The wanted k
// converge at the rate σ_{b+1}/σ_i per half-sweep; a triple has converged when one more half-sweep moves it by at
// most tol: change_i = max(‖v_i′ ∓ v_i‖, ‖w_i′ ∓ w_i‖, |log σ_i′ − log σ_i|). (The residual ‖Opᵀw_i − σ_i·v_i‖/σ_i
// cannot serve: through the block's product it carries round-off of size ε·σ_1/σ_i, beyond 1 when the block spans
// more than 1/ε.) Bottom vectors are the top ones of Y⁻ᵀ = J_T⁻ᵀ⋯J_1⁻ᵀ (same right singular vectors, σ ↦ 1/σ),
// swept with J_t⁻ᵀ forward and J_t⁻¹ backward.
// Acceleration (DESIGN §7, Chebyshev filters): while plain iteration would still need many half-sweeps, the start
// of the next Ritz pair is filtered by T_d((2/β)·YᵀY − I), β = σ_k·σ_b: each application of YᵀY (a forward and a
// backward half-sweep, the product of their R factors kept together) keeps the components below β bounded and
// multiplies those above by T_d's growth instead of σ_i²/β. d is held where the filter skews the wanted k among
// themselves by ≤ e^12, so that none of them drowns in round-off.
import { GradedProduct, gradedSvd } from '../linalg/graded';
import { matmul, qrThin } from '../linalg/eigh';
import { Rng } from '../rng';
import type { LinearMap } from '../linalg/linear-map';
import type { StepMap } from './step-map';

/** A window of steps whose maps can be visited in order and in reverse (replay.ts). */
export interface Sweeps {
  readonly dim: number;
  readonly steps: number;
  forward(visit: (step: number, map: StepMap) => void): void;
  backward(visit: (step: number, map: StepMap) => void): void;
}

export type Extreme = 'top' | 'bottom';

export interface InitialFrameOptions {
  k: number;
  which: Extreme[];
  /** Vectors carried beyond the k wanted (default max(4, ⌈k/4⌉), within dim). */
  guard?: number;
  /** Stop when a half-sweep moves every wanted triple by at most this (default 1e-8). */
  tol?: number;
  /** At most this many half-sweeps (default 12). */
  maxHalfSweeps?: number;
  /** Seed of the random start. */
  seed?: number;
  /**
   * Top block: vectors at the window's end to start from, e.g. the run's own QR vectors Q_T = orth(Y·Q_0) — where a
   * forward half-sweep from a random start would take them; the first half-sweep then goes backward (all blocks).
   */
  finalStart?: Float64Array;
  /** Chebyshev filters while far from converged (default true). */
  accelerate?: boolean;
  /** Called after every step of a half-sweep. */
  progress?: (p: { halfSweep: number; forward: boolean; done: number; of: number }) => void;
  /** One line after every half-sweep: the largest change of each block. */
  log?: (line: string) => void;
}

export interface FrameVectors {
  which: Extreme;
  k: number;
  dim: number;
  /** log σ_i / T, natural log per step: descending (top) or ascending, most contracting first (bottom). */
  exponents: Float64Array;
  /** Right singular vectors of Y: directions at the window's start, vector i at i·dim. */
  initial: Float64Array;
  /** The matching left singular vectors, at the window's end. */
  final: Float64Array;
  /** How far the last half-sweep moved each returned triple (NaN after a single half-sweep). */
  changes: Float64Array;
  /** Vectors iterated (k + guard). */
  block: number;
  /** Half-sweeps spent applying Chebyshev filters (included in halfSweeps). */
  filtered: number;
  /** The largest of the k changes in each half-sweep from the second on. */
  history: number[];
  halfSweeps: number;
  converged: boolean;
  tol: number;
}

interface Triple {
  /** Ritz vectors on the half-sweep's input and output ends, and log σ. */
  in: Float64Array;
  out: Float64Array;
  logSigma: Float64Array;
  /** Made by a forward half-sweep (input end = the window's start). */
  forward: boolean;
}

/** A Chebyshev filter under way: Z_{j+1} = 2·L(Z_j) − Z_{j−1}, Z_1 = L(Z_0), L = (2/β)·YᵀY − I. */
interface Filter {
  degree: number;
  j: number;
  logBeta: number;
  prev: Float64Array | null;
  cur: Float64Array;
}

/** Re-orthonormalise before the block's conditioning may have worsened by more than e^LOG_COND_BUDGET. */
const LOG_COND_BUDGET = Math.LN2;
const MAX_DEGREE = 8;
/** The filter may skew the wanted vectors among themselves by at most e^FILTER_SKEW. */
const FILTER_SKEW = 12;
/** log T_d(x) for x ≥ 1. */
const logCheb = (d: number, x: number): number => {
  const y = d * Math.acosh(x);
  return y + Math.log1p(Math.exp(-2 * y)) - Math.LN2;
};

class Block {
  readonly b: number;
  private x: Float64Array;
  private basis: Float64Array;
  private prod: GradedProduct;
  /** Σ log κ(J_t) over the steps since the last QR. */
  private drift = 0;
  prev: Triple | null = null;
  private filter: Filter | null = null;
  changes: Float64Array;
  readonly history: number[] = [];
  halfSweeps = 0;
  filtered = 0;
  converged = false;

  constructor(
    readonly which: Extreme,
    readonly k: number,
    guard: number,
    readonly dim: number,
    seed: number,
    private readonly accelerate: boolean,
    start: Float64Array | null,
  ) {
    this.b = Math.min(dim, k + guard);
    const rng = new Rng(seed, `initial-frame-${which}`);
    const given = start ? Math.min(this.b, Math.floor(start.length / dim)) : 0;
    // The given vectors first (Householder QR keeps their span), random ones after them.
    const x = Float64Array.from({ length: dim * this.b }, () => rng.normal());
    if (start) x.set(start.subarray(0, given * dim));
    this.basis = qrThin(x, dim, this.b).q;
    this.x = this.basis;
    this.prod = new GradedProduct(this.b);
    this.changes = new Float64Array(k).fill(NaN);
  }

  private op(map: StepMap, forward: boolean): LinearMap {
    if (this.which === 'top') return forward ? map.forward : map.transpose;
    return forward ? map.inverseTranspose() : map.inverse();
  }

  begin(forward: boolean): void {
    // A filter's backward half-sweep continues from its forward one: the product becomes that of YᵀY.
    if (this.filter && !forward) return;
    this.x = Float64Array.from(this.filter ? this.filter.cur : this.basis);
    this.prod = new GradedProduct(this.b);
    this.drift = 0;
  }

  /** Apply this step's map; QR when the next step could pass the budget, and after the half-sweep's last step. */
  step(step: number, map: StepMap, forward: boolean, last: boolean): void {
    const y = this.op(map, forward)(this.x, this.b);
    this.drift += map.logCond;
    if (!last && this.drift + map.logCond <= LOG_COND_BUDGET) {
      this.x = y;
      return;
    }
    for (let i = 0; i < y.length; i++)
      if (!Number.isFinite(y[i])) throw new Error(`initial-frame vectors: the ${this.which} block is not finite by step ${step}; has training diverged?`);
    const { q, r } = qrThin(y, this.dim, this.b, { r: true });
    this.prod.leftMultiply(r as Float64Array);
    this.x = q;
    this.drift = 0;
  }

  /** Rayleigh–Ritz on the half-sweep's product (or a filter's progress), and how far each wanted triple moved. */
  end(forward: boolean, tol: number): void {
    this.halfSweeps++;
    if (this.filter) {
      this.filtered++;
      if (!forward) this.filterStep(this.filter);
      return;
    }
    const { b, dim, prev } = this;
    const svd = gradedSvd(this.prod);
    const next: Triple = { in: matmul(svd.right, this.basis, b, b, dim), out: matmul(svd.left, this.x, b, b, dim), logSigma: svd.logSigma, forward };
    if (prev) {
      // This half-sweep's output end is the previous one's input end, and vice versa.
      const dist = (a: Float64Array, c: Float64Array, i: number): number => {
        let minus = 0;
        let plus = 0;
        for (let l = i * dim; l < (i + 1) * dim; l++) {
          minus += (a[l] - c[l]) ** 2;
          plus += (a[l] + c[l]) ** 2;
        }
        return Math.sqrt(Math.min(minus, plus));
      };
      for (let i = 0; i < this.k; i++)
        this.changes[i] = Math.max(dist(next.out, prev.in, i), dist(next.in, prev.out, i), Math.abs(next.logSigma[i] - prev.logSigma[i]));
    }
    this.prev = next;
    this.basis = next.out;
    if (prev) this.history.push(Math.max(...this.changes));
    this.converged = prev !== null && this.changes.every((r) => r <= tol);
    // Not from the random start, whose Ritz values say little yet about the interval to damp.
    if (this.accelerate && !forward && this.history.length >= 2 && !this.converged) this.planFilter(next.logSigma, Math.max(...this.changes), tol);
  }

  /**
   * Start a filter from the time-0 Ritz vectors when one (degree 2…MAX_DEGREE, skewing the wanted by ≤ e^FILTER_SKEW)
   * is expected to reach tol in fewer half-sweeps than plain iteration, whose rate is about σ_b/σ_k.
   */
  private planFilter(logSigma: Float64Array, change: number, tol: number): void {
    // β between the k-th and the smallest Ritz value: Ritz values of the top are lower bounds, so θ_b alone may still
    // sit below θ_{b+1}, and a filter that does not damp θ_{b+1} separates no better than plain iteration.
    const logBeta = logSigma[this.k - 1] + logSigma[this.b - 1];
    if (this.b === this.k || !Number.isFinite(logBeta)) return;
    const x = (i: number): number => 2 * Math.exp(2 * logSigma[i] - logBeta) - 1;
    const needed = Math.ceil(Math.acosh(Math.min(1e15, (10 * change) / tol)) / Math.acosh(x(this.k - 1)));
    let degree = 0;
    for (let d = 2; d <= Math.min(MAX_DEGREE, needed) && logCheb(d, x(0)) - logCheb(d, x(this.k - 1)) <= FILTER_SKEW; d++) degree = d;
    const plain = Math.log(tol / change) / (logSigma[this.b - 1] - logSigma[this.k - 1]);
    if (degree >= 2 && 2 * degree + 2 < plain) this.filter = { degree, j: 0, logBeta, prev: null, cur: this.basis };
  }

  /** After a forward + backward half-sweep: YᵀY·Z_j = X′·(P′P), then the recurrence, rescaled to max |Z| = 1. */
  private filterStep(f: Filter): void {
    const { b, dim } = this;
    const { rho, p } = this.prod;
    const top = Math.max(...rho);
    // Vector c of YᵀY·Z_j is Σ_i (P′P)_ic·x_i: the transpose of P′P (scaled by e^{−top}) times X′.
    const nt = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let c = 0; c < b; c++) nt[c * b + i] = Math.exp(rho[i] - top) * p[i * b + c];
    const mz = matmul(nt, this.x, b, b, dim);
    const scale = (f.j === 0 ? 2 : 4) * Math.exp(top - f.logBeta);
    const next = new Float64Array(b * dim);
    for (let l = 0; l < next.length; l++) next[l] = f.j === 0 ? scale * mz[l] - f.cur[l] : scale * mz[l] - 2 * f.cur[l] - (f.prev as Float64Array)[l];
    let max = 0;
    for (const v of next) max = Math.max(max, Math.abs(v));
    for (let l = 0; l < next.length; l++) next[l] /= max;
    f.prev = f.cur.map((v) => v / max);
    f.cur = next;
    if (++f.j < f.degree) return;
    this.basis = qrThin(next, dim, b).q;
    this.filter = null;
  }

  status(): string {
    if (this.filter) return `Chebyshev filter, degree ${this.filter.j} of ${this.filter.degree}`;
    return `max change ${(this.history.at(-1) ?? NaN).toExponential(2)}${this.converged ? ' (converged)' : ''}`;
  }

  result(steps: number, tol: number): FrameVectors {
    const t = this.prev as Triple;
    const { k, dim } = this;
    const [initial, final] = t.forward ? [t.in, t.out] : [t.out, t.in];
    const sign = this.which === 'top' ? 1 : -1;
    return {
      which: this.which,
      k,
      dim,
      exponents: Float64Array.from(t.logSigma.subarray(0, k), (v) => (sign * v) / steps),
      initial: initial.slice(0, k * dim),
      final: final.slice(0, k * dim),
      changes: this.changes.slice(),
      block: this.b,
      filtered: this.filtered,
      history: this.history.slice(),
      halfSweeps: this.halfSweeps,
      converged: this.converged,
      tol,
    };
  }
}

export function initialFrameVectors(sweeps: Sweeps, opts: InitialFrameOptions): FrameVectors[] {
  const { dim, steps } = sweeps;
  const { k } = opts;
  if (!Number.isInteger(k) || k < 1 || k > dim) throw new Error(`initial-frame vectors: k must be an integer in [1, ${dim}], got ${k}`);
  const guard = Math.max(0, opts.guard ?? Math.max(4, Math.ceil(k / 4)));
  const tol = opts.tol ?? 1e-8;
  const maxHalfSweeps = opts.maxHalfSweeps ?? 12;
  const start = opts.finalStart ?? null;
  if (start && (start.length === 0 || start.length % dim !== 0))
    throw new Error(`initial-frame vectors: the start vectors must be whole vectors of length ${dim}, got ${start.length} values`);
  const blocks = opts.which.map((w) => new Block(w, k, guard, dim, opts.seed ?? 0, opts.accelerate ?? true, w === 'top' ? start : null));
  // Half-sweep h goes forward when h is odd, or even when starting from the window's end.
  const shift = start ? 1 : 0;
  for (let h = 1; h <= maxHalfSweeps; h++) {
    const active = blocks.filter((bl) => !bl.converged);
    if (!active.length) break;
    const forward = (h - 1 + shift) % 2 === 0;
    for (const bl of active) bl.begin(forward);
    let done = 0;
    const visit = (step: number, map: StepMap): void => {
      done++;
      for (const bl of active) bl.step(step, map, forward, done === steps);
      opts.progress?.({ halfSweep: h, forward, done, of: steps });
    };
    if (forward) sweeps.forward(visit);
    else sweeps.backward(visit);
    for (const bl of active) bl.end(forward, tol);
    opts.log?.(
      `half-sweep ${h} (${forward ? 'forward, J_t' : 'backward, J_tᵀ'}): ` + active.map((bl) => `${bl.which} ${bl.k} of ${bl.b}: ${bl.status()}`).join('; '),
    );
  }
  return blocks.map((bl) => bl.result(steps, tol));
}
