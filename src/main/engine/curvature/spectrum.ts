// The full spectrum of the exact minibatch Hessian from its reduced form (see reduced.ts):
// the m eigenpairs of Hr plus the n − m exact zeros, and the classification of DESIGN §2.
import { eigh } from '../linalg/eigh';
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
  /** Eigenvalues of Hr, ascending (m of them; the other n − m eigenvalues of H are exactly 0). */
  readonly values: Float64Array;
  /** Eigenvectors of Hr in reduced coordinates: vector i at i*m (null when not requested). */
  readonly vectors: Float64Array | null;
  /** Null tolerance τ: |λ| ≤ τ is null. */
  readonly tau: number;

  constructor(
    readonly step: ExactStep,
    opts: { nullTol: number | null; vectors: boolean },
  ) {
    this.n = step.basis.n;
    this.m = step.basis.m;
    const { values, vectors } = eigh(step.hr.slice(), this.m, { vectors: opts.vectors });
    this.values = values;
    this.vectors = vectors;
    let maxAbs = 0;
    for (const v of values) maxAbs = Math.max(maxAbs, Math.abs(v));
    // Default τ = n·ε₆₄·max|λ| (DESIGN §2): round-off of a backward-stable eigensolver on an n×n problem.
    this.tau = opts.nullTol ?? this.n * Number.EPSILON * maxAbs;
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

  /** Eigenvector i in reduced coordinates. */
  vector(i: number): Float64Array {
    if (!this.vectors) throw new Error('eigenvectors were not computed for this spectrum');
    return this.vectors.subarray(i * this.m, (i + 1) * this.m);
  }
}
