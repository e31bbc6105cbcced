// Initial-frame Lyapunov vectors (DESIGN §6): the right singular vectors of Y = J_T⋯J_1 — the directions at the
// window's start that grow (top) or shrink (bottom) most over it — by subspace iteration on YᵀY, never forming Y.
// A half-sweep pushes b = k + guard orthonormal vectors B through the window, forward with J_t (t = 1…T) or
// backward with J_tᵀ (t = T…1), re-orthonormalising at every step: Op·B = X·P, P the product of the steps' R
// factors (kept graded: linalg/graded.ts). Rayleigh–Ritz on that product: P = L·Σ·Rᵀ gives Op·(B·R) = (X·L)·Σ, the
// Ritz vectors on both ends; X·L starts the next half-sweep, in the other direction (with Opᵀ). The wanted k
// converge at the rate σ_{b+1}/σ_i per half-sweep; a triple has converged when one more half-sweep moves it by at
// most tol: change_i = max(‖v_i′ ∓ v_i‖, ‖w_i′ ∓ w_i‖, |log σ_i′ − log σ_i|). (The residual ‖Opᵀw_i − σ_i·v_i‖/σ_i
// cannot serve: through the block's product it carries round-off of size ε·σ_1/σ_i, beyond 1 when the block spans
// more than 1/ε.) Bottom vectors are the top ones of Y⁻ᵀ = J_T⁻ᵀ⋯J_1⁻ᵀ (same right singular vectors, σ ↦ 1/σ),
// swept with J_t⁻ᵀ forward and J_t⁻¹ backward.
import { GradedProduct, gradedSvd } from '../linalg/graded';
import { matmul, qrThin } from '../linalg/eigh';
import { Rng } from '../rng';
import type { LinearMap } from './lyapunov';
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
}

class Block {
  readonly b: number;
  private x: Float64Array;
  private basis: Float64Array;
  private prod: GradedProduct;
  prev: Triple | null = null;
  changes: Float64Array;
  readonly history: number[] = [];
  halfSweeps = 0;
  lastForward = true;
  converged = false;

  constructor(
    readonly which: Extreme,
    readonly k: number,
    guard: number,
    readonly dim: number,
    seed: number,
  ) {
    this.b = Math.min(dim, k + guard);
    const rng = new Rng(seed, `initial-frame-${which}`);
    this.basis = qrThin(
      Float64Array.from({ length: dim * this.b }, () => rng.normal()),
      dim,
      this.b,
    ).q;
    this.x = this.basis;
    this.prod = new GradedProduct(this.b);
    this.changes = new Float64Array(k).fill(NaN);
  }

  private op(map: StepMap, forward: boolean): LinearMap {
    if (this.which === 'top') return forward ? map.forward : map.transpose;
    return forward ? map.inverseTranspose() : map.inverse();
  }

  begin(): void {
    this.x = Float64Array.from(this.basis);
    this.prod = new GradedProduct(this.b);
  }

  step(step: number, map: StepMap, forward: boolean): void {
    const y = this.op(map, forward)(this.x, this.b);
    for (let i = 0; i < y.length; i++)
      if (!Number.isFinite(y[i])) throw new Error(`initial-frame vectors: the ${this.which} block is not finite after step ${step}; has training diverged?`);
    const { q, r } = qrThin(y, this.dim, this.b, { r: true });
    this.prod.leftMultiply(r as Float64Array);
    this.x = q;
  }

  /** Rayleigh–Ritz on the half-sweep's product, and how far each wanted triple moved; true when converged. */
  end(forward: boolean, tol: number): boolean {
    const { b, dim, prev } = this;
    const svd = gradedSvd(this.prod);
    const next: Triple = { in: matmul(svd.right, this.basis, b, b, dim), out: matmul(svd.left, this.x, b, b, dim), logSigma: svd.logSigma };
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
    this.halfSweeps++;
    this.lastForward = forward;
    if (prev) this.history.push(Math.max(...this.changes));
    this.converged = prev !== null && this.changes.every((r) => r <= tol);
    return this.converged;
  }

  result(steps: number, tol: number): FrameVectors {
    const t = this.prev as Triple;
    const { k, dim } = this;
    const [initial, final] = this.lastForward ? [t.in, t.out] : [t.out, t.in];
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
  const blocks = opts.which.map((w) => new Block(w, k, guard, dim, opts.seed ?? 0));
  for (let h = 1; h <= maxHalfSweeps; h++) {
    const active = blocks.filter((bl) => !bl.converged);
    if (!active.length) break;
    const forward = h % 2 === 1;
    for (const bl of active) bl.begin();
    let done = 0;
    const visit = (step: number, map: StepMap): void => {
      for (const bl of active) bl.step(step, map, forward);
      opts.progress?.({ halfSweep: h, forward, done: ++done, of: steps });
    };
    if (forward) sweeps.forward(visit);
    else sweeps.backward(visit);
    for (const bl of active) bl.end(forward, tol);
    opts.log?.(
      `half-sweep ${h} (${forward ? 'forward, J_t' : 'backward, J_tᵀ'}): ` +
        active
          .map((bl) => `${bl.which} ${bl.k} of ${bl.b}: max change ${(bl.history.at(-1) ?? NaN).toExponential(2)}${bl.converged ? ' (converged)' : ''}`)
          .join('; '),
    );
  }
  return blocks.map((bl) => bl.result(steps, tol));
}
