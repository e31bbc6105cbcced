// What a run emits, step by step: the contract between the engine (producer), the store and the UI.
// No Node or DOM imports here.

/** Scalar metrics logged per step. Absent keys mean "not computed at this step" (e.g. no spectrum). */
export const METRICS = {
  loss: 'batch loss (mean cross-entropy)',
  acc: 'batch accuracy',
  test_loss: 'test loss',
  test_acc: 'test accuracy',
  grad_norm: '‖g‖ of the batch gradient',
  update_norm: '‖g′‖ of the gradient actually applied (after CGD projection, noise and mix)',
  pruned: 'number of pruned directions (CGD)',
  n_neg: 'eigenvalues λ < −τ',
  n_pos: 'eigenvalues λ > τ',
  n_null: 'eigenvalues |λ| ≤ τ',
  n_chaotic: 'chaotic eigenvalues: (1−γλ)² > 1 and |λ| > τ',
  n_chaotic_neg: 'chaotic eigenvalues with λ < −τ',
  n_chaotic_pos: 'chaotic eigenvalues with λ > 2/γ',
  lambda_min: 'smallest Hessian eigenvalue',
  lambda_max: 'largest Hessian eigenvalue',
  trace: 'trace of the Hessian (sum of eigenvalues)',
  fro: 'Frobenius norm of the Hessian',
  null_tol: 'null tolerance τ used at this step',
  rank: 'number of non-null eigenvalues',
  cos_top: '|cos| between g and the eigenvector of λ_max',
  cos_bottom: '|cos| between g and the eigenvector of λ_min',
  cos_top_k: 'norm of g projected on the top-k eigenvectors over ‖g‖',
  cos_bottom_k: 'norm of g projected on the bottom-k eigenvectors over ‖g‖',
  frac_neg_grad: 'fraction of ‖g‖² in the negative-curvature subspace',
  grad_curvature: 'curvature along the gradient gᵀHg/‖g‖²',
  cos_prev_grad: 'cosine between g_t and g_{t−1}',
  lyap_max: 'largest finite-time Lyapunov exponent',
  lyap_min: 'smallest tracked finite-time Lyapunov exponent',
  lyap_sum: 'sum of the tracked finite-time Lyapunov exponents',
  lyap_npos: 'number of positive tracked Lyapunov exponents',
  lyap_paper_max: "λ_max in the paper's convention w^(1/t) = e^{2λ}",
  lyap_explicit_max: 'largest exponent from the explicit product Y_t·Q₀ (cross-check, first steps only)',
  lyap_explicit_sum: 'sum of the explicit-product exponents (equals lyap_sum up to round-off)',
  logdet_j: "log|det J_t| of this step's training map (nats), exact from the spectrum: Σ log|1 − γa_i| (SGD, CGD), n·log μ (momentum)",
  lyap_sum_all: 'running mean of log|det J_t| since step 0 (nats per step): the sum of all n (2n with momentum) Lyapunov exponents',
  step_ms: 'wall time of the step in milliseconds',
} as const;
export type MetricName = keyof typeof METRICS;

export interface MetricFrame {
  step: number;
  epoch: number;
  /** Seconds since the run started. */
  wall: number;
  values: Partial<Record<MetricName, number>>;
}

/** The Hessian spectrum at one step: the non-null part explicitly, the null part as a multiplicity. */
export interface SpectrumFrame {
  step: number;
  n: number;
  /** Eigenvalues with |λ| > nullTol, ascending. */
  eigenvalues: Float64Array;
  /** Multiplicity of |λ| ≤ nullTol (including the exact structural zeros). */
  nullCount: number;
  nullTol: number;
}

export interface LyapunovFrame {
  step: number;
  /** Finite-time exponents (natural log per step), descending. */
  exponents: Float64Array;
}

export interface ReplicaFrame {
  step: number;
  /** ‖θ_i − θ_0‖ for each replica i = 1..R. */
  distances: Float64Array;
  /** |⟨θ_i − θ_0, ĝ_0⟩| along the reference model's normalised batch gradient. */
  alongGrad: Float64Array;
  /** |⟨θ_i − θ_0, v_max⟩| along the reference Hessian's top eigenvector (NaN at steps without a spectrum). */
  alongTop: Float64Array;
}

/** Facts about the machine and the engine, recorded with every run. */
export interface RunEnvironment {
  appVersion: string;
  backend: string;
  /** Why better backends were not used (one line each). */
  backendNotes: string[];
  lapack: string;
  machine: string;
  nParams: number;
  /** Steps the run is set to take (null: recorded before schema v2). */
  totalSteps: number | null;
}

export type RunStatus = 'running' | 'paused' | 'finished' | 'cancelled' | 'failed' | 'diverged' | 'interrupted';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'paused', 'finished', 'cancelled', 'failed', 'diverged', 'interrupted'];
/** Stopped runs that can be continued from their last checkpoint (a diverged run would diverge again). */
export const CONTINUABLE: readonly RunStatus[] = ['cancelled', 'interrupted', 'failed'];
