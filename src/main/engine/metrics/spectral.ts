// Per-step curvature metrics from the exact spectrum and the batch gradient (names as in shared/frames.ts).
import type { MetricName } from '../../../shared/frames';
import { symv } from '../curvature/reduced';
import type { HessianSpectrum } from '../curvature/spectrum';

export type Metrics = Partial<Record<MetricName, number>>;

export function spectralMetrics(spec: HessianSpectrum, g: Float64Array, lr: number, extremes: number): Metrics {
  const { values, m, tau } = spec;
  const c = spec.counts(lr);
  let trace = 0;
  let fro = 0;
  for (const v of values) {
    trace += v;
    fro += v * v;
  }
  const gr = spec.step.basis.toReduced(g);
  let g2 = 0;
  for (const x of g) g2 += x * x;
  // Components of g along each eigenvector: coef_i = v_iᵀ g (in reduced coordinates; g ∈ range(U) up to round-off).
  const coef = spec.coefficients(gr);
  const k = Math.min(extremes, m);
  let top = 0;
  let bottom = 0;
  let neg = 0;
  for (let i = 0; i < k; i++) {
    bottom += coef[i] ** 2;
    top += coef[m - 1 - i] ** 2;
  }
  for (let i = 0; i < m && values[i] < -tau; i++) neg += coef[i] ** 2;
  const hg = symv(spec.step.hr, m, gr);
  let ghg = 0;
  for (let a = 0; a < m; a++) ghg += gr[a] * hg[a];
  const gn = Math.sqrt(g2);
  return {
    n_neg: c.negative,
    n_pos: c.positive,
    n_null: c.null,
    n_chaotic: c.chaoticNeg + c.chaoticPos,
    n_chaotic_neg: c.chaoticNeg,
    n_chaotic_pos: c.chaoticPos,
    lambda_min: Math.min(values[0], 0),
    lambda_max: Math.max(values[m - 1], 0),
    trace,
    fro: Math.sqrt(fro),
    null_tol: tau,
    rank: spec.n - c.null,
    cos_top: Math.abs(coef[m - 1]) / gn,
    cos_bottom: Math.abs(coef[0]) / gn,
    cos_top_k: Math.sqrt(top) / gn,
    cos_bottom_k: Math.sqrt(bottom) / gn,
    frac_neg_grad: neg / g2,
    grad_curvature: ghg / g2,
  };
}

export function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

export function cosine(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d / (norm(a) * norm(b));
}
