// What a run emits, step by step: the contract between the engine (producer), the store and the UI.
// No Node or DOM imports here.

import type { Domain } from './math/group';

/** A scalar metric: its axis title (with the unit), what it is, and the values it can take (bands are clipped to it). */
export interface MetricInfo {
  axis: string;
  text: string;
  domain: Domain;
}
const m = (axis: string, text: string, domain: Domain = 'real'): MetricInfo => ({ axis, text, domain });
const count = (axis: string, text: string): MetricInfo => m(`${axis} (count)`, text, 'nonneg');

/** Scalar metrics logged per step. Absent keys mean "not computed at this step" (e.g. no spectrum). */
export const METRICS = {
  loss: m('loss (nats)', 'batch loss (mean cross-entropy)', 'nonneg'),
  acc: m('accuracy (fraction)', 'batch accuracy', 'unit'),
  test_loss: m('test loss (nats)', 'test loss', 'nonneg'),
  test_acc: m('test accuracy (fraction)', 'test accuracy', 'unit'),
  grad_norm: m('‖g‖ (L2)', '‖g‖ of the batch gradient', 'nonneg'),
  update_norm: m('‖g′‖ (L2)', '‖g′‖ of the gradient actually applied (after CGD projection, noise and mix)', 'nonneg'),
  pruned: count('pruned directions', 'number of pruned directions (CGD)'),
  n_neg: count('negative eigenvalues', 'eigenvalues λ < −τ'),
  n_pos: count('positive eigenvalues', 'eigenvalues λ > τ'),
  n_null: count('null eigenvalues', 'eigenvalues |λ| ≤ τ'),
  n_chaotic: count('chaotic eigenvalues', 'chaotic eigenvalues: (1−γλ)² > 1 and |λ| > τ'),
  n_chaotic_neg: count('chaotic λ < 0', 'chaotic eigenvalues with λ < −τ'),
  n_chaotic_pos: count('chaotic λ > 2/γ', 'chaotic eigenvalues with λ > 2/γ'),
  lambda_min: m('λ min (Hessian eigenvalue)', 'smallest Hessian eigenvalue'),
  lambda_max: m('λ max (Hessian eigenvalue)', 'largest Hessian eigenvalue'),
  trace: m('trace of H', 'trace of the Hessian (sum of eigenvalues)'),
  fro: m('‖H‖ (Frobenius)', 'Frobenius norm of the Hessian', 'nonneg'),
  null_tol: m('null tolerance τ', 'null tolerance τ used at this step', 'nonneg'),
  rank: count('rank', 'number of non-null eigenvalues'),
  cos_top: m('|cos(g, v_max)|', '|cos| between g and the eigenvector of λ_max', 'unit'),
  cos_bottom: m('|cos(g, v_min)|', '|cos| between g and the eigenvector of λ_min', 'unit'),
  cos_top_k: m('‖P_top-k g‖/‖g‖', 'norm of g projected on the top-k eigenvectors over ‖g‖', 'unit'),
  cos_bottom_k: m('‖P_bottom-k g‖/‖g‖', 'norm of g projected on the bottom-k eigenvectors over ‖g‖', 'unit'),
  frac_neg_grad: m('share of ‖g‖² along λ < 0', 'fraction of ‖g‖² in the negative-curvature subspace', 'unit'),
  grad_curvature: m('gᵀHg/‖g‖²', 'curvature along the gradient gᵀHg/‖g‖²'),
  trace_se: m('SE of trace (Hutch++)', 'standard error of the Hutch++ trace estimate (spectrum.method lanczos)', 'nonneg'),
  n_neg_est: count('negative eigenvalues (SLQ estimate)', 'estimated eigenvalues λ < −τ_c from the SLQ density (τ_c = count_tol)'),
  n_neg_est_se: m('SE of negative count (eigenvalues)', 'standard error of n_neg_est', 'nonneg'),
  n_chaotic_est: count('chaotic eigenvalues (SLQ estimate)', 'estimated chaotic eigenvalues from the SLQ density: λ < −τ_c or λ > max(τ_c, 2/γ)'),
  n_chaotic_est_se: m('SE of chaotic count (eigenvalues)', 'standard error of n_chaotic_est', 'nonneg'),
  count_tol: m('null band τ_c of estimated counts', 'τ_c = max(τ, 4σ): SLQ counts cannot tell |λ| ≤ τ_c from null', 'nonneg'),
  lanczos_residual: m('max ‖Hv − λv‖/|λ|max (Lanczos)', 'largest residual of the reported Lanczos eigenpairs over the largest |Ritz value|', 'nonneg'),
  lanczos_steps: count('Lanczos steps', 'Lanczos steps (Krylov dimension) taken for the extreme eigenpairs'),
  cos_prev_grad: m('cos(g_t, g_{t−1})', 'cosine between g_t and g_{t−1}'),
  lyap_max: m('λ₁ (1/step)', 'largest finite-time Lyapunov exponent'),
  lyap_min: m('λ_k (1/step)', 'smallest tracked finite-time Lyapunov exponent'),
  lyap_sum: m('Σλᵢ (1/step)', 'sum of the tracked finite-time Lyapunov exponents'),
  lyap_npos: count('positive exponents', 'number of positive tracked Lyapunov exponents'),
  lyap_paper_max: m('w₁^(1/t) = e^{2λ₁}', "λ_max in the paper's convention w^(1/t) = e^{2λ}", 'positive'),
  lyap_explicit_max: m('λ₁ explicit product (per step)', 'largest exponent from the explicit product Y_t·Q₀ (cross-check, first steps only)'),
  lyap_explicit_sum: m('Σ λ_i explicit product (per step)', 'sum of the explicit-product exponents (equals lyap_sum up to round-off)'),
  logdet_j: m(
    'log|det J_t| (nats)',
    "log|det J_t| of this step's training map (nats), exact from the spectrum: Σ log|1 − γa_i| (SGD, CGD), n·log μ (momentum)",
  ),
  lyap_sum_all: m('Σ all λᵢ (nats/step)', 'running mean of log|det J_t| since step 0 (nats per step): the sum of all n (2n with momentum) Lyapunov exponents'),
  lyap_subsim_1: m(
    '‖VᵀW_t‖²_F/k',
    'similarity of the QR subspace W_t with the one kept after the first lyapunov.subsimAt step (1: same, random: lyap_subsim_random)',
    'unit',
  ),
  lyap_subsim_2: m('‖VᵀW_t‖²_F/k (2nd)', 'the same against the subspace kept after the second lyapunov.subsimAt step', 'unit'),
  lyap_subsim_random: m('k/dim', 'expected subspace similarity of two random k-dimensional subspaces, max(dim V, dim W)/n', 'unit'),
  step_ms: m('step time (ms)', 'wall time of the step in milliseconds', 'nonneg'),
} as const satisfies Record<string, MetricInfo>;
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

/**
 * A spectrum estimated from Hessian-vector products at one step (spectrum.method 'lanczos', DESIGN §6): the top-k
 * and bottom-k eigenvalues by Lanczos with their residuals, and, when probes were drawn, the SLQ density with
 * its standard error on a uniform grid.
 */
export interface EstimatedSpectrumFrame {
  step: number;
  n: number;
  /** Lanczos steps taken for the extremes. */
  lanczosSteps: number;
  /** Top-k eigenvalues, descending, and ‖Hv − λv‖ of each. */
  top: Float64Array;
  topResiduals: Float64Array;
  /** Bottom-k eigenvalues, ascending, and ‖Hv − λv‖ of each. */
  bottom: Float64Array;
  bottomResiduals: Float64Array;
  /** Null tolerance τ of the extremes. */
  nullTol: number;
  /** The SLQ density; null without probes (spectrum.probes empty). */
  density: SpectralDensityFrame | null;
}

/** The SLQ density of an estimated spectrum: eigenvalues per unit λ on grid points lo … hi (uniform), ± SE. */
export interface SpectralDensityFrame {
  probes: number;
  /** Lanczos steps per probe. */
  steps: number;
  /** Gaussian kernel width σ of the smoothing. */
  sigma: number;
  /** τ_c = max(τ, 4σ): the estimated counts leave |λ| ≤ τ_c to the null space. */
  countTol: number;
  lo: number;
  hi: number;
  /** Integrates to n over the grid (the null space included). */
  values: Float64Array;
  se: Float64Array;
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
/**
 * Why run `id` cannot be continued, or null. Live statuses pass: their writer may have died, and the claim decides
 * (it refuses a live writer by name).
 */
export function notContinuable(id: string, status: RunStatus): string | null {
  if (CONTINUABLE.includes(status) || status === 'running' || status === 'paused') return null;
  return `Run ${id} is ${status}: only cancelled, interrupted or failed runs can be continued`;
}
