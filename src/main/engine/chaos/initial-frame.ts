// Initial-frame Lyapunov vectors (DESIGN §7): the right singular vectors of Y = J_T⋯J_1 — the directions at the
// window's start that grow (top) or shrink (bottom) most over it — by block Krylov iteration on A = YᵀY, never
// forming Y. A half-sweep pushes b = k + guard orthonormal vectors B through the window, forward with J_t (t = 1…T)
// or backward with J_tᵀ (t = T…1), re-orthonormalising whenever the steps since the last QR may have worsened the
// block's conditioning by e^{LOG_COND_BUDGET} (Σ log κ(J_t), bounded per step by StepMap.logCond; at γ = 0.001 that
// is every ~10 steps, at every step when no bound is at hand): Op·B = X·P, P the product of the R factors (kept
// graded: linalg/graded.ts), so the backward half-sweep from X gives A·B = X′·P′P without ever forming A·B.
// Krylov: K = span{B_0, A·B_0, A²·B_0, …} grows by one block per forward + backward pair (the next block is X′
// orthogonalised against K), and Rayleigh–Ritz on Y·K (kept with K) gives the Ritz triples after every forward
// half-sweep; the wanted k converge like a Chebyshev polynomial of A of the pairs' number, not like
// (σ_{b+1}/σ_i)^pairs, which matters where the finite-time exponents crowd (long windows at small γ). K keeps at
// most KRYLOV_BLOCKS blocks and then restarts from its best Ritz vectors. Where the wanted σ span more than
// e^KRYLOV_SKEW, plain subspace iteration: Rayleigh–Ritz on the graded product after every half-sweep (P = L·Σ·Rᵀ
// gives Op·(B·R) = (X·L)·Σ), X·L starting the next half-sweep in the other direction; exact however wide σ spread.
// A triple has converged when one more Rayleigh–Ritz moves it by at most tol: change_i = max(‖v_i′ ∓ v_i‖,
// ‖w_i′ ∓ w_i‖, |log σ_i′ − log σ_i|). (The residual ‖Opᵀw_i − σ_i·v_i‖/σ_i cannot serve: through the block's
// product it carries round-off of size ε·σ_1/σ_i, beyond 1 when the block spans more than 1/ε.) Bottom vectors are
// the top ones of Y⁻ᵀ = J_T⁻ᵀ⋯J_1⁻ᵀ (same right singular vectors, σ ↦ 1/σ), swept with J_t⁻ᵀ forward and J_t⁻¹
// backward.
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
  /** Stop when a Rayleigh–Ritz step moves every wanted triple by at most this (default 1e-8). */
  tol?: number;
  /** At most this many half-sweeps (default 12). */
  maxHalfSweeps?: number;
  /** Seed of the random start. */
  seed?: number;
  /**
   * Vectors to start every block from (random ones fill the rest), at the window's start (`initial`: e.g. saved
   * vectors of an iteration to continue) or at its end (`final`: e.g. the run's own QR vectors Q_T = orth(Y·Q_0), where
   * a forward half-sweep from a random start would take them; the first half-sweep then goes backward).
   */
  start?: { vectors: Float64Array; at: 'initial' | 'final' };
  /** Block Krylov iteration where the wanted σ allow it (default true); false: plain subspace iteration. */
  krylov?: boolean;
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
  /** How far the last Rayleigh–Ritz step moved each returned triple (NaN after a single one). */
  changes: Float64Array;
  /** Vectors iterated (k + guard). */
  block: number;
  /** The largest Krylov space used, in vectors (0: plain subspace iteration throughout). */
  krylov: number;
  /** The largest of the k changes at each Rayleigh–Ritz step from the second on. */
  history: number[];
  halfSweeps: number;
  converged: boolean;
  tol: number;
}

interface Triple {
  /** Ritz vectors at the window's start (right singular) and end (left singular), and log σ, descending. */
  initial: Float64Array;
  final: Float64Array;
  logSigma: Float64Array;
}

/**
 * The block Krylov space at the window's start, K = span{Z_0, A·Z_0, A²·Z_0, …} with A = OpᵀOp, as c orthonormal
 * vectors (`basis`) and their images e^{−ref}·Op·K (`image`, at the window's end), both vector i at i·dim.
 */
interface Krylov {
  basis: Float64Array;
  image: Float64Array;
  c: number;
  ref: number;
}

/** The maps a block's forward and backward half-sweeps apply (Block.op). */
const OPERATOR: Record<Extreme, [string, string]> = { top: ['J_t', 'J_tᵀ'], bottom: ['J_t⁻ᵀ', 'J_t⁻¹'] };

/** Re-orthonormalise before the block's conditioning may have worsened by more than e^LOG_COND_BUDGET. */
const LOG_COND_BUDGET = Math.LN2;
/**
 * Rayleigh–Ritz over the Krylov space takes Op·K explicitly, so vector i carries round-off ε·σ_1/σ_i: it is used
 * while the wanted σ span at most e^KRYLOV_SKEW (ε·e^12 ≈ 4e-11); wider spreads separate fast by plain iteration.
 */
const KRYLOV_SKEW = 12;
/** Krylov steps whose changes no longer fall below this are left for plain iteration (Block.stalled). */
const STALL_BELOW = 1e-3;
/** The Krylov space holds at most this many blocks; then it restarts from its best Ritz vectors. */
const KRYLOV_BLOCKS = 8;

const rows = (a: Float64Array, n: number, dim: number): Float64Array => a.slice(0, n * dim);

/** ‖a_i ∓ c_i‖ for vector i of two blocks (the sign of a singular vector is arbitrary). */
function distance(a: Float64Array, c: Float64Array, i: number, dim: number): number {
  let minus = 0;
  let plus = 0;
  for (let l = i * dim; l < (i + 1) * dim; l++) {
    minus += (a[l] - c[l]) ** 2;
    plus += (a[l] + c[l]) ** 2;
  }
  return Math.sqrt(Math.min(minus, plus));
}

/** B ← (I − K·Kᵀ)·B, twice (classical Gram–Schmidt with reorthogonalisation). */
function projectOut(block: Float64Array, width: number, k: Float64Array, c: number, dim: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < width; j++) {
      const v = block.subarray(j * dim, (j + 1) * dim);
      const coef = new Float64Array(c);
      for (let i = 0; i < c; i++) {
        let d = 0;
        for (let l = 0; l < dim; l++) d += k[i * dim + l] * v[l];
        coef[i] = d;
      }
      for (let i = 0; i < c; i++) for (let l = 0; l < dim; l++) v[l] -= coef[i] * k[i * dim + l];
    }
}

class Block {
  readonly b: number;
  private x: Float64Array;
  /** The half-sweep's input vectors. */
  private basis: Float64Array;
  private prod: GradedProduct;
  /** Σ log κ(J_t) over the steps since the last QR. */
  private drift = 0;
  private krylov: Krylov | null = null;
  /** Krylov iteration still allowed: the wanted Ritz values have stayed within e^KRYLOV_SKEW. */
  private useKrylov: boolean;
  prev: Triple | null = null;
  changes: Float64Array;
  readonly history: number[] = [];
  halfSweeps = 0;
  /** The largest Krylov space used (0: plain subspace iteration throughout). */
  krylovDim = 0;
  converged = false;

  constructor(
    readonly which: Extreme,
    readonly k: number,
    guard: number,
    readonly dim: number,
    seed: number,
    krylov: boolean,
    start: Float64Array | null,
  ) {
    this.b = Math.min(dim, k + guard);
    // The space must hold the restarted Ritz block and one new block.
    this.useKrylov = krylov && dim >= 2 * this.b;
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

  begin(): void {
    this.x = Float64Array.from(this.basis);
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

  /**
   * After a half-sweep Op·B = X·P: Rayleigh–Ritz, how far each wanted triple moved, and the next half-sweep's input.
   * Plain iteration: the Ritz vectors at the output end. Krylov: a forward half-sweep adds B to K and Op·B to its
   * image; the backward one that follows, from X, gives Opᵀ·Op·B, whose part outside K is the next block.
   */
  end(forward: boolean, tol: number): void {
    this.halfSweeps++;
    if (this.krylov && !forward) {
      this.basis = this.nextBlock(this.krylov, this.x);
      return;
    }
    const next = this.krylov ? this.krylovRitz(this.krylov) : this.gradedRitz(forward);
    if (this.prev) {
      for (let i = 0; i < this.k; i++)
        this.changes[i] = Math.max(
          distance(next.initial, this.prev.initial, i, this.dim),
          distance(next.final, this.prev.final, i, this.dim),
          Math.abs(next.logSigma[i] - this.prev.logSigma[i]),
        );
      this.history.push(Math.max(...this.changes));
      this.converged = this.changes.every((r) => r <= tol);
    }
    this.prev = next;
    if (forward && this.useKrylov && (next.logSigma[0] - next.logSigma[this.k - 1] > KRYLOV_SKEW || this.stalled())) {
      this.useKrylov = false;
      this.krylov = null;
    }
    if (forward && this.useKrylov) {
      // Enter with the Ritz block (span B) and its images σ_i·w_i, or go on from the space just extended.
      this.krylov ??= { basis: next.initial, image: this.scaledImages(next, this.b, next.logSigma[0]), c: this.b, ref: next.logSigma[0] };
      this.krylovDim = Math.max(this.krylovDim, this.krylov.c);
      this.basis = this.x;
      return;
    }
    // (After a Krylov step the Ritz triples number c ≥ b: the best b go on.)
    this.basis = rows(forward ? next.final : next.initial, this.b, this.dim);
  }

  /**
   * Near convergence the Krylov steps can stall at a round-off floor (measured: a 40-step MLP window, v₁ hovering at
   * 4e-8…2e-7 for 60 half-sweeps): when the changes are below STALL_BELOW and the last did not halve the one two
   * steps before, plain iteration takes over from the best Ritz vectors.
   */
  private stalled(): boolean {
    const h = this.history;
    return this.krylov !== null && h.length >= 3 && h[h.length - 1] < STALL_BELOW && h[h.length - 1] > 0.5 * h[h.length - 3];
  }

  /** e^{−ref}·Op·v_i = σ_i·e^{−ref}·w_i for the first n Ritz triples. */
  private scaledImages(t: Triple, n: number, ref: number): Float64Array {
    const out = rows(t.final, n, this.dim);
    for (let i = 0; i < n; i++) {
      const s = Math.exp(t.logSigma[i] - ref);
      for (let l = i * this.dim; l < (i + 1) * this.dim; l++) out[l] *= s;
    }
    return out;
  }

  /** Rayleigh–Ritz on the half-sweep's graded product: P = L·Σ·Rᵀ gives Op·(B·R) = (X·L)·Σ. */
  private gradedRitz(forward: boolean): Triple {
    const { b, dim } = this;
    const svd = gradedSvd(this.prod);
    const input = matmul(svd.right, this.basis, b, b, dim);
    const output = matmul(svd.left, this.x, b, b, dim);
    return forward ? { initial: input, final: output, logSigma: svd.logSigma } : { initial: output, final: input, logSigma: svd.logSigma };
  }

  /**
   * Rayleigh–Ritz over K after the forward half-sweep of its newest block B (Op·B = X·P): the image gains
   * e^{−ref}·Pᵀ·X; image = Q·R, R = L·Σ·Rᵀ gives Op·(K·R) = e^{ref}·(Q·L)·Σ.
   */
  private krylovRitz(kr: Krylov): Triple {
    const { b, dim } = this;
    const { rho, p } = this.prod;
    const pt = new Float64Array(b * b);
    for (let i = 0; i < b; i++) for (let c = 0; c < b; c++) pt[c * b + i] = Math.exp(rho[i] - kr.ref) * p[i * b + c];
    const c = kr.c + b;
    const basis = new Float64Array(c * dim);
    basis.set(kr.basis);
    basis.set(this.basis, kr.c * dim);
    const image = new Float64Array(c * dim);
    image.set(kr.image);
    image.set(matmul(pt, this.x, b, b, dim), kr.c * dim);
    Object.assign(kr, { basis, image, c });
    const { q, r } = qrThin(Float64Array.from(image), dim, c, { r: true });
    // R (column-major from qrThin) as a graded product with unit row scales, for the Jacobi SVD.
    const tri = new GradedProduct(c);
    for (let i = 0; i < c; i++) {
      let max = 0;
      for (let j = i; j < c; j++) max = Math.max(max, Math.abs((r as Float64Array)[j * c + i]));
      tri.rho[i] = max > 0 ? Math.log(max) : -Infinity;
      for (let j = 0; j < c; j++) tri.p[i * c + j] = max > 0 ? (r as Float64Array)[j * c + i] / max : 0;
    }
    const svd = gradedSvd(tri);
    return { initial: matmul(svd.right, basis, c, c, dim), final: matmul(svd.left, q, c, c, dim), logSigma: svd.logSigma.map((v) => v + kr.ref) };
  }

  /** The next block: Opᵀ·Op·B (the backward half-sweep's output X′) orthogonalised against K, after a restart if K is full. */
  private nextBlock(kr: Krylov, xPrime: Float64Array): Float64Array {
    const { b, dim } = this;
    const limit = Math.min(dim, KRYLOV_BLOCKS * b);
    if (kr.c + b > limit) {
      // Thick restart: keep the best Ritz vectors of K (and their images, exactly), room for one more block.
      const t = this.prev as Triple;
      const keep = Math.max(b, limit - b);
      Object.assign(kr, { basis: rows(t.initial, keep, dim), image: this.scaledImages(t, keep, kr.ref), c: keep });
    }
    const z = Float64Array.from(xPrime);
    projectOut(z, b, kr.basis, kr.c, dim);
    // A part of X′ (nearly) inside K leaves Householder's Q with arbitrary directions: project and orthonormalise again.
    const q = qrThin(z, dim, b).q;
    projectOut(q, b, kr.basis, kr.c, dim);
    return qrThin(q, dim, b).q;
  }

  /** A Krylov backward half-sweep only prepares the next block: not worth doing as the last one. */
  wants(forward: boolean, last: boolean): boolean {
    return !this.converged && !(last && this.krylov && !forward);
  }

  status(tol: number): string {
    const space = this.krylov ? `Krylov space ${this.krylov.c}, ` : '';
    const settled = this.changes.filter((c) => c <= tol).length;
    const detail = this.converged || !this.history.length ? '' : ` (v₁ ${this.changes[0].toExponential(2)}; ${settled} of ${this.k} within tol)`;
    return `${space}max change ${(this.history.at(-1) ?? NaN).toExponential(2)}${this.converged ? ' (converged)' : detail}`;
  }

  result(steps: number, tol: number): FrameVectors {
    const t = this.prev as Triple;
    const { k, dim } = this;
    const sign = this.which === 'top' ? 1 : -1;
    return {
      which: this.which,
      k,
      dim,
      exponents: Float64Array.from(t.logSigma.subarray(0, k), (v) => (sign * v) / steps),
      initial: rows(t.initial, k, dim),
      final: rows(t.final, k, dim),
      changes: this.changes.slice(),
      block: this.b,
      krylov: this.krylovDim,
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
  const start = opts.start?.vectors ?? null;
  if (start && (start.length === 0 || start.length % dim !== 0))
    throw new Error(`initial-frame vectors: the start vectors must be whole vectors of length ${dim}, got ${start.length} values`);
  const blocks = opts.which.map((w) => new Block(w, k, guard, dim, opts.seed ?? 0, opts.krylov ?? true, start));
  // Half-sweep h goes forward when h is odd, or even when starting from the window's end.
  const shift = opts.start?.at === 'final' ? 1 : 0;
  for (let h = 1; h <= maxHalfSweeps; h++) {
    const forward = (h - 1 + shift) % 2 === 0;
    const active = blocks.filter((bl) => bl.wants(forward, h === maxHalfSweeps));
    if (!active.length) break;
    for (const bl of active) bl.begin();
    let done = 0;
    const visit = (step: number, map: StepMap): void => {
      done++;
      for (const bl of active) bl.step(step, map, forward, done === steps);
      opts.progress?.({ halfSweep: h, forward, done, of: steps });
    };
    if (forward) sweeps.forward(visit);
    else sweeps.backward(visit);
    for (const bl of active) bl.end(forward, tol);
    const maps = [...new Set(active.map((bl) => OPERATOR[bl.which][forward ? 0 : 1]))].join(' and ');
    opts.log?.(
      `half-sweep ${h} (${forward ? 'forward' : 'backward'}, ${maps}): ` + active.map((bl) => `${bl.which} ${bl.k} of ${bl.b}: ${bl.status(tol)}`).join('; '),
    );
  }
  return blocks.map((bl) => bl.result(steps, tol));
}
