// Per-step curvature metrics from an estimated spectrum (spectrum.method 'lanczos', DESIGN §6) and the batch
// gradient: the extremes and eigenvector cosines from the Lanczos pairs, gᵀHg from one more exact product, and
// from the SLQ density the estimated counts, trace (Hutch++) and ‖H‖_F with their standard errors. The exact
// counts (n_neg, n_pos, n_null, rank) and frac_neg_grad need every eigenpair and are not logged here.
import type { EstimatedSpectrum } from '../curvature/estimated-spectrum';
import type { LinearMap } from '../linalg/linear-map';
import { norm, type Metrics } from './spectral';

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export function estimatedMetrics(est: EstimatedSpectrum, apply: LinearMap, g: Float64Array, extremes: number): Metrics {
  const { top, bottom, scale, steps } = est.extremes;
  const n = est.n;
  const gn = norm(g);
  const k = Math.min(extremes, top.values.length);
  /** ‖V_jᵀ g‖ over the first k Ritz vectors of one end, and |v_0ᵀ g|. */
  const along = (vectors: Float64Array): { first: number; all: number } => {
    let s = 0;
    let first = 0;
    for (let j = 0; j < k; j++) {
      const c = dot(vectors.subarray(j * n, (j + 1) * n), g);
      if (j === 0) first = Math.abs(c);
      s += c * c;
    }
    return { first, all: Math.sqrt(s) };
  };
  const t = along(top.vectors);
  const b = along(bottom.vectors);
  const out: Metrics = {
    lambda_min: bottom.values[0],
    lambda_max: top.values[0],
    null_tol: est.tau,
    cos_top: t.first / gn,
    cos_bottom: b.first / gn,
    cos_top_k: t.all / gn,
    cos_bottom_k: b.all / gn,
    grad_curvature: dot(g, apply(g, 1)) / (gn * gn),
    lanczos_residual: Math.max(...top.residuals, ...bottom.residuals) / scale,
    lanczos_steps: steps,
  };
  const d = est.density;
  if (d) {
    const c = d.counts;
    Object.assign(out, {
      trace: d.trace.value,
      trace_se: d.trace.se,
      fro: d.frobenius.value,
      n_neg_est: c.negative.value,
      n_neg_est_se: c.negative.se,
      n_chaotic_est: c.chaotic.value,
      n_chaotic_est_se: c.chaotic.se,
      count_tol: d.countTol,
    } satisfies Metrics);
  }
  return out;
}
