// The full spectrum of the exact minibatch Hessian from its reduced form (see reduced.ts):
// the m eigenpairs of Hr plus the n − m exact zeros, and the classification of DESIGN §2.
// Every eigenvalue is computed; the eigenvectors stay implicit (linalg EigenSystem): the metrics and CGD need
// only coordinates Vᵀg and combinations Vc, explicit vectors are formed for the few who ask.
import { eigenSystem, type EigenSystem } from '../linalg/eigh';
import type { SpectrumFrame } from '../../../shared/frames';
import type { ExactStep } from './reduced';
import { isChaotic, isNull } from '../../../shared/math/chaos';

export interface SpectrumCounts {
  negative: number;
  positive: number;
  null: number;
  /** (1−γλ)² > 1 with |λ| > τ, split into λ < −τ and λ > 2/γ. */
  chaoticNeg: number;
  chaoticPos: number;
}

export class HessianSpectrum {
  readonly n: number;
  readonly m: number;
  private eigenSystem: EigenSystem | null = null;
  private readonly nullTol: number | null;
  private tol = NaN;

  /** The eigendecomposition is made on first use: a replay that applies only J = I − γH (step-map.ts) needs none. */
  constructor(
    readonly step: ExactStep,
    opts: { nullTol: number | null },
  ) {
    this.n = step.basis.n;
    this.m = step.basis.m;
    this.nullTol = opts.nullTol;
  }

  private get eigen(): EigenSystem {
    return this.eigenSystem ?? this.decompose();
  }

  private decompose(): EigenSystem {
    const e = (this.eigenSystem = eigenSystem(this.step.hr.slice(), this.m));
    let maxAbs = 0;
    for (const v of e.values) maxAbs = Math.max(maxAbs, Math.abs(v));
    // Default τ = n·ε₆₄·max|λ| (DESIGN §2): round-off of a backward-stable eigensolver on an n×n problem.
    this.tol = this.nullTol ?? this.n * Number.EPSILON * maxAbs;
    return e;
  }

  /** Eigenvalues of Hr, ascending (m of them; the other n − m eigenvalues of H are exactly 0). */
  get values(): Float64Array {
    return this.eigen.values;
  }

  /** Null tolerance τ: |λ| ≤ τ is null. */
  get tau(): number {
    if (!this.eigenSystem) this.decompose();
    return this.tol;
  }

  counts(lr: number): SpectrumCounts {
    const c: SpectrumCounts = { negative: 0, positive: 0, null: this.n - this.m, chaoticNeg: 0, chaoticPos: 0 };
    for (const v of this.values) {
      if (isNull(v, this.tau)) c.null++;
      else if (v < 0) {
        c.negative++;
        c.chaoticNeg++;
      } else {
        c.positive++;
        if (isChaotic(v, lr, this.tau)) c.chaoticPos++;
      }
    }
    return c;
  }

  /** All n eigenvalues, ascending, with the structural zeros in place. */
  allEigenvalues(): Float64Array {
    const out = new Float64Array(this.n);
    let o = 0;
    let i = 0;
    while (i < this.m && this.values[i] < 0) out[o++] = this.values[i++];
    o += this.n - this.m;
    while (i < this.m) out[o++] = this.values[i++];
    return out;
  }

  frame(step: number): SpectrumFrame {
    const nonNull = this.values.filter((v) => !isNull(v, this.tau));
    return { step, n: this.n, eigenvalues: nonNull, nullCount: this.n - nonNull.length, nullTol: this.tau };
  }

  /** Coordinates of k reduced vectors (stacked, the l-th at l·m) in the eigenbasis of Hr: c_i = v_iᵀ x. */
  coefficients(x: Float64Array, k = 1): Float64Array {
    return this.eigen.coefficients(x, k);
  }

  /** The reduced vectors Σ_i c_i v_i of k coefficient vectors (stacked, the l-th at l·m). */
  combine(c: Float64Array, k = 1): Float64Array {
    return this.eigen.combine(c, k);
  }

  /** Bytes the eigensystem holds (none before it is made). */
  get bytes(): number {
    return this.eigenSystem?.bytes ?? 0;
  }

  /** Eigenvectors indices[j] of Hr in reduced coordinates, explicit, the j-th at j·m (all of them: one O(m³) batch). */
  vectors(indices: ArrayLike<number>): Float64Array {
    return this.eigen.vectors(indices);
  }

  /** Eigenvector i in reduced coordinates. */
  vector(i: number): Float64Array {
    return this.eigen.vectors([i]);
  }
}
