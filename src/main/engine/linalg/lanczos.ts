// Lanczos on a symmetric operator A given only through products (DESIGN §6):
// A Q_m = Q_m T_m + β_m q_{m+1} e_mᵀ, T_m tridiagonal (α on the diagonal, β beside it).
//
// Orthogonality of Q_m, three ways:
// - 'full': every new vector is orthogonalised against all previous ones (classical Gram–Schmidt, repeated when
//   the DGKS test asks for it).
//   Q_m is orthonormal to working precision; the cost is O(n·m²) memory traffic.
// - 'partial' (Simon 1984): the loss of orthogonality ω_jk ≈ q_jᵀq_k is tracked by its own recurrence and the
//   full orthogonalisation runs only when max|ω| would exceed √ε (for that vector and the next). Q_m stays
//   semi-orthogonal, which is enough for T_m to be the exact projection of A up to O(ε‖A‖): Ritz values are
//   as accurate as with 'full'. Ritz vectors are good to O(√ε): orthonormal to that, and with residuals
//   down to ~√ε‖A‖ (the components removed at a reorthogonalisation, up to √ε, are not in T), so ask for
//   tol ≥ 1e-8. Far cheaper when n·m² is large.
// - 'none': three-term recurrence only (for quadrature: the computed T is still the exact Lanczos matrix of a
//   measure whose points lie within O(ε‖A‖) of A's eigenvalues, Greenbaum 1989; converged Ritz values only
//   repeat, splitting their weight).
// The Ritz pairs (θ_i, Q_m y_i) of T_m y_i = θ_i y_i have residual ‖A Q_m y_i − θ_i Q_m y_i‖ = β_m|e_mᵀy_i|.
// When the Krylov space becomes invariant (β ≈ 0: it holds every eigenvalue the start vector sees, e.g. after
// ~rank(H) steps on a low-rank Hessian), 'full'/'partial' go on from a random vector orthogonal to Q_m
// (β := 0, T splits), so that repeated eigenvalues — the Hessian's null space above all — get their copies.
import { eigh, matmul } from './eigh';
import type { LinearMap } from './linear-map';
import { Rng } from '../rng';

export type Reorthogonalization = 'full' | 'partial' | 'none';

export interface Tridiagonal {
  /** Number of steps m: T is m×m. */
  steps: number;
  /** Diagonal α_0 … α_{m−1}. */
  alpha: Float64Array;
  /** beta[j] couples j and j+1 (j < m − 1); beta[m − 1] = β_m, the norm of the residual after the last step. */
  beta: Float64Array;
}

export interface LanczosRun extends Tridiagonal {
  /** Q_m: Lanczos vector j at j*n (null for 'none'). */
  basis: Float64Array | null;
  /** Steps at which the new vector was orthogonalised against all previous ones. */
  reorthogonalizations: number;
}

export interface LanczosRunOptions {
  maxSteps: number;
  reorthogonalize: Reorthogonalization;
  /** 'full'/'partial': after an invariant subspace continue from random vectors of this stream (else stop). */
  restart?: Rng;
  /** Called after every step with the tridiagonal so far; true stops the run. */
  stop?: (t: Tridiagonal) => boolean;
}

const EPS = Number.EPSILON;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * w ← (I − QQᵀ) w against the first j vectors of Q by classical Gram–Schmidt, repeated once when the pass
 * removed more than 1 − 1/√2 of w's norm (the Daniel–Gragg–Kaufman–Stewart test: then cancellation may have
 * left components along Q of the order of the removed ones).
 */
function orthogonalize(q: Float64Array, j: number, n: number, w: Float64Array): void {
  if (j === 0) return;
  const qj = q.subarray(0, j * n);
  for (let pass = 0; pass < 2; pass++) {
    const before = Math.sqrt(dot(w, w));
    const c = matmul(matmul(qj, w, j, n, 1), qj, 1, j, n);
    for (let i = 0; i < n; i++) w[i] -= c[i];
    if (Math.sqrt(dot(w, w)) >= Math.SQRT1_2 * before) return;
  }
}

/** Runs Lanczos on `apply` (n×n symmetric) from `start` (nonzero, length n). */
export function lanczosRun(apply: LinearMap, start: Float64Array, opts: LanczosRunOptions): LanczosRun {
  const n = start.length;
  const norm0 = Math.sqrt(dot(start, start));
  if (!(norm0 > 0 && Number.isFinite(norm0))) throw new Error(`Lanczos: the start vector must be nonzero and finite, its norm is ${norm0}`);
  const mode = opts.reorthogonalize;
  const maxSteps = Math.min(opts.maxSteps, n);
  const alpha = new Float64Array(maxSteps);
  const beta = new Float64Array(maxSteps);
  const basis = mode === 'none' ? null : new Float64Array(maxSteps * n);
  // 'partial': ω_{j,k} ≈ q_jᵀq_k for the current vector j = m (omega), the previous one (omegaPrev), and the next (next).
  let omega = new Float64Array(maxSteps + 1);
  let omegaPrev = new Float64Array(maxSteps + 1);
  let next = new Float64Array(maxSteps + 1);
  const roundoff = Math.sqrt(n) * EPS;
  let forceNext = false;
  let reorthogonalizations = 0;
  let q: Float64Array = start.map((v) => v / norm0);
  let qPrev: Float64Array = new Float64Array(n);
  let scale = 0;
  let m = 0;
  omega[0] = 1;
  while (m < maxSteps) {
    basis?.set(q, m * n);
    const w = apply(q, 1);
    const bPrev = m > 0 ? beta[m - 1] : 0;
    for (let i = 0; i < n; i++) w[i] -= bPrev * qPrev[i];
    const a = dot(q, w);
    for (let i = 0; i < n; i++) w[i] -= a * q[i];
    alpha[m] = a;
    let b = Math.sqrt(dot(w, w));
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`Lanczos step ${m + 1}: the operator returned non-finite values (has training diverged?)`);
    scale = Math.max(scale, Math.abs(a) + b + bPrev);
    let reorth = mode === 'full';
    if (mode === 'partial') {
      // Simon's rule: orthogonalise when semi-orthogonality would be lost, and then the next vector too.
      const forced = forceNext;
      forceNext = false;
      next.fill(roundoff);
      next[m + 1] = 1;
      if (forced || b === 0) reorth = true;
      else {
        // ω_{m+1,k} from ω_{m,·} and ω_{m−1,·} (Simon's recurrence) plus a round-off term of the sign of ω.
        let worst = 0;
        for (let k = 0; k < m; k++) {
          let v = beta[k] * omega[k + 1] + (alpha[k] - a) * omega[k] - bPrev * omegaPrev[k];
          if (k > 0) v += beta[k - 1] * omega[k - 1];
          v = (v + Math.sign(v) * roundoff * scale) / b;
          next[k] = v;
          worst = Math.max(worst, Math.abs(v));
        }
        next[m] = (roundoff * scale) / b;
        reorth = forceNext = worst > Math.sqrt(EPS);
        if (reorth) next.fill(roundoff, 0, m + 1);
      }
      [omegaPrev, omega, next] = [omega, next, omegaPrev];
    }
    if (reorth && basis) {
      orthogonalize(basis, m + 1, n, w);
      b = Math.sqrt(dot(w, w));
      reorthogonalizations++;
    }
    // Invariant subspace: what is left of w is round-off (√n·ε·‖A‖).
    if (b <= roundoff * scale) b = 0;
    beta[m] = b;
    m++;
    if (m === maxSteps || opts.stop?.({ steps: m, alpha: alpha.subarray(0, m), beta: beta.subarray(0, m) })) break;
    qPrev = q;
    if (b > 0) {
      q = w;
      for (let i = 0; i < n; i++) q[i] /= b;
    } else if (basis && opts.restart) {
      const rng = opts.restart;
      q = Float64Array.from({ length: n }, () => rng.normal());
      orthogonalize(basis, m, n, q);
      const norm = Math.sqrt(dot(q, q));
      for (let i = 0; i < n; i++) q[i] /= norm;
      omega.fill(roundoff);
      omega[m] = 1;
    } else break;
  }
  return { steps: m, alpha: alpha.slice(0, m), beta: beta.slice(0, m), basis: basis ? basis.subarray(0, m * n) : null, reorthogonalizations };
}

/** Eigenvalues θ (ascending) and eigenvectors y (vector i at i*m) of the m×m tridiagonal T. */
export function tridiagonalEigen(t: Tridiagonal): { values: Float64Array; vectors: Float64Array } {
  const m = t.steps;
  const a = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    a[j * m + j] = t.alpha[j];
    if (j + 1 < m) a[j * m + j + 1] = a[(j + 1) * m + j] = t.beta[j];
  }
  const { values, vectors } = eigh(a, m, { vectors: true });
  return { values, vectors: vectors! };
}

export interface Eigenpairs {
  /** Top: descending; bottom: ascending. */
  values: Float64Array;
  /** Ritz vectors, vector i at i*n, unit length. */
  vectors: Float64Array;
  /** ‖A v_i − λ_i v_i‖₂, measured with one more product per pair. */
  residuals: Float64Array;
}

export interface LanczosExtremes {
  top: Eigenpairs;
  bottom: Eigenpairs;
  /** Lanczos steps taken (Krylov dimension). */
  steps: number;
  /** Operator products, the residual check included. */
  matvecs: number;
  /** Steps with a full orthogonalisation ('full': all of them). */
  reorthogonalizations: number;
  /** max |θ| over the Ritz values: the estimate of ‖A‖₂ the tolerance is relative to. */
  scale: number;
  tol: number;
  /** Every reported pair has a measured residual ≤ tol·scale. */
  converged: boolean;
}

export interface LanczosOptions {
  /** Eigenpairs wanted at each end (spectrum.k). */
  k: number;
  /** Lanczos step cap (spectrum.lanczosSteps), itself capped at n. */
  steps: number;
  which?: 'both' | 'top' | 'bottom';
  /** Stop when every wanted pair has β_m|e_mᵀy| ≤ tol·max|θ|. Default 1e-10. */
  tol?: number;
  /** Default 'full'. */
  reorthogonalize?: 'full' | 'partial';
  seed?: number;
}

/** Indices of the wanted Ritz values among m ascending ones: the top descending, then the bottom ascending
 *  (they overlap only when m < nTop + nBottom, i.e. m = n). */
function wantedIndices(m: number, nTop: number, nBottom: number): number[] {
  const top = Array.from({ length: Math.min(nTop, m) }, (_, i) => m - 1 - i);
  return [...top, ...Array.from({ length: Math.min(nBottom, m) }, (_, i) => i)];
}

const int = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;

/** Refuses a k or a step budget that cannot give k eigenpairs of an n×n operator, naming the config field. */
export function checkLanczosOptions(n: number, opts: LanczosOptions): void {
  const ends = (opts.which ?? 'both') === 'both' ? 2 : 1;
  if (!int(opts.k, 1) || opts.k > n) throw new Error(`spectrum.k: must be an integer from 1 to n = ${n} (the number of parameters), got ${opts.k}`);
  const need = Math.min(n, ends * opts.k);
  if (!int(opts.steps, need))
    throw new Error(
      `spectrum.lanczosSteps: must be an integer ≥ ${need} (${ends === 2 ? '2·spectrum.k, the top and bottom k' : 'spectrum.k'}), got ${opts.steps}`,
    );
  if (opts.tol !== undefined && !(opts.tol > 0 && opts.tol < 1)) throw new Error(`tol: must be in (0, 1), got ${opts.tol}`);
}

/** The top-k and/or bottom-k eigenpairs of the symmetric operator `apply` (n×n) by Lanczos from a seeded Gaussian start. */
export function lanczosExtremes(apply: LinearMap, n: number, opts: LanczosOptions): LanczosExtremes {
  checkLanczosOptions(n, opts);
  const which = opts.which ?? 'both';
  const tol = opts.tol ?? 1e-10;
  const { k } = opts;
  const nTop = which === 'bottom' ? 0 : k;
  const nBottom = which === 'top' ? 0 : k;
  let lastCheck = 0;
  let lastWanted: number[] = [];
  // Convergence test every max(5, m/10) steps once T can hold the wanted pairs (eigh of T is O(m³)): every
  // wanted pair has β_m|e_mᵀy| ≤ tol·max|θ|. At an invariant subspace (β_m = 0) all bounds vanish while an
  // eigenvalue may still lack copies (the null space): there the wanted values must also be those of the
  // previous test, the restarts in between having added nothing to them.
  const stop = (t: Tridiagonal): boolean => {
    const m = t.steps;
    if (m < Math.min(n, nTop + nBottom) || m - lastCheck < Math.max(5, m / 10)) return false;
    lastCheck = m;
    const { values, vectors } = tridiagonalEigen(t);
    const scale = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]));
    const wanted = wantedIndices(m, nTop, nBottom);
    const converged = wanted.every((i) => Math.abs(t.beta[m - 1] * vectors[i * m + m - 1]) <= tol * scale);
    const same = wanted.length === lastWanted.length && wanted.every((i, r) => Math.abs(values[i] - lastWanted[r]) <= tol * scale);
    lastWanted = wanted.map((i) => values[i]);
    return converged && (t.beta[m - 1] > 0 || same);
  };
  const rng = new Rng(opts.seed ?? 0, 'lanczos');
  const start = Float64Array.from({ length: n }, () => rng.normal());
  const run = lanczosRun(apply, start, { maxSteps: opts.steps, reorthogonalize: opts.reorthogonalize ?? 'full', restart: rng, stop });
  const m = run.steps;
  const { values, vectors } = tridiagonalEigen(run);
  const scale = Math.max(Math.abs(values[0]), Math.abs(values[m - 1]));
  const idx = wantedIndices(m, nTop, nBottom);
  const nt = Math.min(nTop, m);
  const y = new Float64Array(idx.length * m);
  idx.forEach((i, r) => y.set(vectors.subarray(i * m, (i + 1) * m), r * m));
  const ritz = matmul(y, run.basis!, idx.length, m, n);
  for (let r = 0; r < idx.length; r++) {
    const v = ritz.subarray(r * n, (r + 1) * n);
    const norm = Math.sqrt(dot(v, v));
    for (let i = 0; i < n; i++) v[i] /= norm;
  }
  const image = apply(ritz, idx.length);
  const residuals = idx.map((i, r) => {
    let s = 0;
    for (let c = r * n; c < (r + 1) * n; c++) s += (image[c] - values[i] * ritz[c]) ** 2;
    return Math.sqrt(s);
  });
  const pairs = (from: number, order: number[]): Eigenpairs => ({
    values: Float64Array.from(order, (i) => values[i]),
    vectors: ritz.slice(from * n, (from + order.length) * n),
    residuals: Float64Array.from(residuals.slice(from, from + order.length)),
  });
  return {
    top: pairs(0, idx.slice(0, nt)),
    bottom: pairs(nt, idx.slice(nt)),
    steps: m,
    matvecs: m + idx.length,
    reorthogonalizations: run.reorthogonalizations,
    scale,
    tol,
    converged: residuals.every((r) => r <= tol * scale),
  };
}
