// The linearised training map of one step, J_t = ∂θ_{t+1}/∂θ_t at θ_t (DESIGN §2, §7), with what the Lyapunov
// analysis needs from it: J, Jᵀ, J⁻¹ and J⁻ᵀ applied to blocks of vectors, and log|det J| in closed form.
// Every case is J = I − γA, or the momentum map on (θ, b) built on A, with A = (I − mix·V Vᵀ)·H and
// H = U Eᵀ Λ E Uᵀ (U the reduced basis of the exact Hessian, E the eigenvectors of Hr):
// - SGD: A = H, applied as U Hr Uᵀ: the eigendecomposition is made only when log|det J| or J⁻¹ is asked for (a
//   replay that pushes vectors through J alone skips it).
// - CGD in the per-step eigenbasis (V = the pruned eigenvectors): A = U Eᵀ diag(a) E Uᵀ with a_i = (1 − mix)·λ_i
//   for pruned i, else λ_i. J is symmetric, log|det J| = Σ log|1 − γa_i| (the n − m structural zeros give 0),
//   J⁻¹ = I + U Eᵀ diag(γa/(1 − γa)) E Uᵀ.
// - CGD with a fixed basis V: Aᵀ = H(I − mix·VVᵀ) ≠ A. With B = E Uᵀ V, Sylvester's identity gives
//   det J = det C, C = I_m − γΛ(I − mix·BBᵀ), and Woodbury J⁻¹ = I + γ(I − mix·VVᵀ) U Eᵀ C⁻¹ Λ E Uᵀ.
// - Momentum (torch SGD): J = [[I − γA, −γμI], [A, μI]] on (θ, b); det J = μⁿ (a shear after scaling b by μ).
import type { Basis } from '../curvature/reduced';
import type { HessianSpectrum } from '../curvature/spectrum';
import { hessianVectors } from '../curvature/reduced';
import { qrThin } from '../linalg/eigh';
import type { LinearMap } from '../linalg/linear-map';
import { momentumInverse, momentumInverseT, momentumJacobian, momentumJacobianT, projector, sgdJacobian } from './lyapunov';

/** |1 − γa| (or |R_ii| of C) below this, relative to the largest, makes J singular to working precision. */
export const SINGULAR_TOL = 1e-10;

export interface StepMap {
  /** n, or 2n with momentum (θ then b in every vector). */
  readonly dim: number;
  readonly forward: LinearMap;
  readonly transpose: LinearMap;
  /** J⁻¹; throws, naming the step, when J is singular to working precision. */
  inverse(): LinearMap;
  inverseTranspose(): LinearMap;
  readonly logAbsDet: number;
  /**
   * An upper bound on log κ(J) = log(σ_max/σ_min) (Infinity when none is at hand): a block of vectors pushed through
   * maps whose bounds sum to L has its conditioning worsened by at most e^L (initial-frame.ts re-orthonormalises by it).
   */
  readonly logCond: number;
  /** Bytes of the factors the map holds now (the replay's memory bound counts them). */
  readonly bytes: number;
}

export interface StepMapInputs {
  /** This step's spectrum. */
  spectrum: HessianSpectrum;
  lr: number;
  momentum: number;
  /** CGD in the eigenbasis: indices into spectrum.values pruned at this step (empty: none). */
  pruned: number[];
  mix: number;
  /** CGD with a fixed global basis, when it applies at this step: orthonormal vectors of length n. */
  fixedBasis: Float64Array[] | null;
  /** The step, for messages. */
  step: number;
}

/** The map I − γA (or its pieces for the momentum map) before momentum is added. */
interface Core {
  A: LinearMap;
  AT: LinearMap;
  forward: LinearMap;
  transpose: LinearMap;
  inverse(): LinearMap;
  inverseTranspose(): LinearMap;
  logAbsDet: number;
  logCond: number;
  bytes: number;
}

/** Coordinates in the eigenbasis of Hr: c = E Uᵀ v (k×m, vector l's coefficients at l·m) and back, v = U Eᵀ c. */
class EigenFrame {
  readonly n: number;
  readonly m: number;
  readonly basis: Basis;
  constructor(readonly spectrum: HessianSpectrum) {
    this.basis = spectrum.step.basis;
    this.n = this.basis.n;
    this.m = this.basis.m;
  }

  toEigen(v: Float64Array, k: number): Float64Array {
    return this.spectrum.coefficients(this.basis.toReduced(v, k), k);
  }

  fromEigen(c: Float64Array, k: number): Float64Array {
    return this.basis.fromReduced(this.spectrum.combine(c, k), k);
  }

  /** v ↦ U Eᵀ diag(d) E Uᵀ v. */
  operator(d: Float64Array): LinearMap {
    return (v, k) => {
      const c = this.toEigen(v, k);
      for (let l = 0; l < k; l++) for (let i = 0; i < this.m; i++) c[l * this.m + i] *= d[i];
      return this.fromEigen(c, k);
    };
  }
}

function singular(step: number, what: string): Error {
  return new Error(
    `J_t⁻¹ at step ${step}: ${what} is below ${SINGULAR_TOL} relative to the largest: the step's map is singular to working precision, so the contracting (bottom) Lyapunov vectors are undefined over a window containing it`,
  );
}

/** (I − γA) with A = U Eᵀ diag(a) E Uᵀ symmetric: SGD and CGD in the eigenbasis. */
function symmetricMap(frame: EigenFrame, a: Float64Array, lr: number, step: number): Core {
  const A = frame.operator(a);
  const forward = sgdJacobian(A, lr);
  let logAbsDet = 0;
  // The singular values of J are |1 − γa_i| and, on the n − m structural zeros, 1.
  let logMax = 0;
  let logMin = 0;
  for (const v of a) {
    const f = Math.log(Math.abs(1 - lr * v));
    logAbsDet += f;
    logMax = Math.max(logMax, f);
    logMin = Math.min(logMin, f);
  }
  const inverse = (): LinearMap => {
    let worst = 0;
    let top = 1;
    for (let i = 0; i < a.length; i++) {
      const f = Math.abs(1 - lr * a[i]);
      top = Math.max(top, f);
      if (f < Math.abs(1 - lr * a[worst])) worst = i;
    }
    const f = Math.abs(1 - lr * a[worst]);
    if (f < SINGULAR_TOL * top) throw singular(step, `|1 − γλ| = ${f.toExponential(3)} for λ = ${a[worst]} (γ = ${lr})`);
    // J⁻¹ = I − U Eᵀ diag(−γa/(1 − γa)) E Uᵀ, written with sgdJacobian's I − 1·(·).
    return sgdJacobian(frame.operator(a.map((v) => (-lr * v) / (1 - lr * v))), 1);
  };
  return { A, AT: A, forward, transpose: forward, inverse, inverseTranspose: inverse, logAbsDet, logCond: logMax - logMin, bytes: a.byteLength };
}

/**
 * SGD's I − γH with H = U Hr Uᵀ applied directly; log|det J| and J⁻¹ through the eigenbasis, made on first use.
 * κ(J) ≤ (1 + s)/(1 − s) with s = γ‖Hr‖_F ≥ γ‖H‖₂ (while s < 1).
 */
function hessianMap(frame: EigenFrame, lr: number, step: number): Core {
  const exact = frame.spectrum.step;
  const A: LinearMap = (v, k) => hessianVectors(exact, v, k);
  const forward = sgdJacobian(A, lr);
  let eigen: Core | null = null;
  const viaEigen = (): Core => (eigen ??= symmetricMap(frame, frame.spectrum.values, lr, step));
  let frob = 0;
  for (const v of exact.hr) frob += v * v;
  const s = lr * Math.sqrt(frob);
  return {
    A,
    AT: A,
    forward,
    transpose: forward,
    inverse: () => viaEigen().inverse(),
    inverseTranspose: () => viaEigen().inverse(),
    get logAbsDet() {
      return viaEigen().logAbsDet;
    },
    logCond: s < 1 ? Math.log1p(s) - Math.log1p(-s) : Infinity,
    get bytes() {
      return exact.hr.byteLength + (eigen?.bytes ?? 0);
    },
  };
}

/** (I − γA) with A = (I − mix·VVᵀ)·H for a fixed basis V. */
function fixedBasisMap(frame: EigenFrame, lambda: Float64Array, fixed: Float64Array[], mix: number, lr: number, step: number): Core {
  const { n, m } = frame;
  const flat = new Float64Array(fixed.length * n);
  fixed.forEach((v, j) => flat.set(v, j * n));
  const P = projector(flat, n, mix);
  const H = frame.operator(lambda);
  const A: LinearMap = (v, k) => P(H(v, k), k);
  const AT: LinearMap = (v, k) => H(P(v, k), k);
  // C = I − γΛ(I − mix·BBᵀ), row-major; B = E Uᵀ V (m×|V|, vector p's coefficients at p·m).
  const B = frame.toEigen(flat, fixed.length);
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    C[i * m + i] = 1 - lr * lambda[i];
    for (let j = 0; j < m; j++) {
      let bb = 0;
      for (let p = 0; p < fixed.length; p++) bb += B[p * m + i] * B[p * m + j];
      C[i * m + j] += lr * mix * lambda[i] * bb;
    }
  }
  // qrThin reads vectors contiguously, so this factors Cᵀ = QR: C⁻¹ = Q R⁻ᵀ, C⁻ᵀ = R⁻¹ Qᵀ.
  const { q, rdiag, r } = qrThin(Float64Array.from(C), m, m, { r: true });
  let logAbsDet = 0;
  for (const v of rdiag) logAbsDet += Math.log(Math.abs(v));
  const R = r as Float64Array;
  const checkRegular = (): void => {
    const top = rdiag.reduce((acc, v) => Math.max(acc, Math.abs(v)), 0);
    const low = rdiag.reduce((acc, v) => Math.min(acc, Math.abs(v)), Infinity);
    if (low < SINGULAR_TOL * top) throw singular(step, `the smallest |R_ii| of C = I − γΛ(I − mix·BBᵀ) (${low.toExponential(3)})`);
  };
  /** In place on each of k coefficient vectors: C⁻¹y = Q(R⁻ᵀy) or C⁻ᵀy = R⁻¹(Qᵀy). */
  const solve = (y: Float64Array, k: number, transposed: boolean): Float64Array => {
    const out = new Float64Array(k * m);
    const w = new Float64Array(m);
    for (let l = 0; l < k; l++) {
      const yl = y.subarray(l * m, (l + 1) * m);
      if (!transposed) {
        for (let i = 0; i < m; i++) {
          let s = yl[i];
          for (let j = 0; j < i; j++) s -= R[i * m + j] * w[j];
          w[i] = s / R[i * m + i];
        }
        for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) out[l * m + i] += q[j * m + i] * w[j];
      } else {
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += q[j * m + i] * yl[i];
          w[j] = s;
        }
        for (let i = m - 1; i >= 0; i--) {
          let s = w[i];
          for (let j = i + 1; j < m; j++) s -= R[j * m + i] * out[l * m + j];
          out[l * m + i] = s / R[i * m + i];
        }
      }
    }
    return out;
  };
  const scale = (c: Float64Array, k: number): Float64Array => {
    for (let l = 0; l < k; l++) for (let i = 0; i < m; i++) c[l * m + i] *= lambda[i];
    return c;
  };
  const plus = (v: Float64Array, w: Float64Array): Float64Array => {
    for (let i = 0; i < w.length; i++) w[i] = v[i] + lr * w[i];
    return w;
  };
  return {
    A,
    AT,
    forward: sgdJacobian(A, lr),
    transpose: sgdJacobian(AT, lr),
    inverse: (): LinearMap => {
      checkRegular();
      return (v, k) => plus(v, P(frame.fromEigen(solve(scale(frame.toEigen(v, k), k), k, false), k), k));
    },
    inverseTranspose: (): LinearMap => {
      checkRegular();
      return (v, k) => plus(v, frame.fromEigen(scale(solve(frame.toEigen(P(v, k), k), k, true), k), k));
    },
    logAbsDet,
    logCond: Infinity,
    bytes: lambda.byteLength + flat.byteLength + q.byteLength + R.byteLength,
  };
}

export function stepMap(inp: StepMapInputs): StepMap {
  const { spectrum, lr, momentum, pruned, mix, fixedBasis, step } = inp;
  const frame = new EigenFrame(spectrum);
  const { n } = frame;
  let core: Core;
  if (fixedBasis && fixedBasis.length > 0) core = fixedBasisMap(frame, spectrum.values, fixedBasis, mix, lr, step);
  else if (pruned.length === 0) core = hessianMap(frame, lr, step);
  else {
    const a = Float64Array.from(spectrum.values);
    for (const i of pruned) a[i] *= 1 - mix;
    core = symmetricMap(frame, a, lr, step);
  }
  const held = (): number => frame.basis.bytes + spectrum.bytes + core.bytes;
  if (momentum > 0) {
    const { A, AT } = core;
    return {
      dim: 2 * n,
      forward: momentumJacobian(A, lr, momentum, n),
      transpose: momentumJacobianT(AT, lr, momentum, n),
      inverse: () => momentumInverse(A, lr, momentum, n),
      inverseTranspose: () => momentumInverseT(AT, lr, momentum, n),
      logAbsDet: n * Math.log(momentum),
      logCond: Infinity,
      get bytes() {
        return held();
      },
    };
  }
  return {
    dim: n,
    forward: core.forward,
    transpose: core.transpose,
    inverse: core.inverse,
    inverseTranspose: core.inverseTranspose,
    get logAbsDet() {
      return core.logAbsDet;
    },
    logCond: core.logCond,
    get bytes() {
      return held();
    },
  };
}
