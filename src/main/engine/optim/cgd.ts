// Chaos-sensitive gradient descent (DESIGN §2): g′ = g − V_P V_Pᵀ g for the pruned eigen-directions P,
// optionally replacing the pruned components by Gaussian noise and mixing with the plain gradient.
import type { CgdConfig } from '../../../shared/config';
import { parseVectors, vectorLength } from '../input-files';
import type { Rng } from '../rng';
import { isChaotic } from '../../../shared/math/chaos';
import type { HessianSpectrum } from '../curvature/spectrum';

/**
 * Indices (into `values`, the eigenvalues computed at this step) of the directions to prune.
 * neg = {λ < −τ}, pos = {λ > τ}, chaotic = {(1−γλ)² > 1, |λ| > τ}; with k, the k most extreme of the set
 * (smallest λ for neg, largest λ for pos, largest (1−γλ)² for chaotic) or k drawn at random. Only computed
 * eigenvalues can be pruned: under Lanczos (DESIGN §6) the sets are those of the top-k and bottom-k pairs.
 */
export function selectPruned(values: ArrayLike<number>, tau: number, cfg: CgdConfig, lr: number, rng: Rng): number[] {
  const set: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (cfg.prune === 'neg' ? v < -tau : cfg.prune === 'pos' ? v > tau : isChaotic(v, lr, tau)) set.push(i);
  }
  if (cfg.k === null || cfg.k >= set.length) return set;
  if (cfg.select === 'random') return rng.sample(set.length, cfg.k).map((i) => set[i]);
  const extremeness = (i: number): number => (cfg.prune === 'neg' ? -values[i] : cfg.prune === 'pos' ? values[i] : (1 - lr * values[i]) ** 2);
  return set.sort((a, b) => extremeness(b) - extremeness(a)).slice(0, cfg.k);
}

export interface CgdResult {
  /** The gradient to apply (full space). */
  update: Float64Array;
  pruned: number;
}

/**
 * g′ = g − V_P(V_Pᵀg) [+ V_P ξ, ξ ~ N(0, noise²)], then (1 − mix)·g + mix·g′.
 * The correction is formed in reduced coordinates (V c with c zero off P) and mapped back, so components of g
 * outside range(U) (float32 round-off of a TF.js gradient) are kept, not lost.
 */
export function cgdUpdate(spec: HessianSpectrum, pruned: number[], g: Float64Array, cfg: CgdConfig, rng: Rng): CgdResult {
  const coef = spec.coefficients(spec.step.basis.toReduced(g));
  const c = new Float64Array(spec.m);
  for (const i of pruned) c[i] = (cfg.noise > 0 ? cfg.noise * rng.normal() : 0) - coef[i];
  const delta = spec.step.basis.fromReduced(spec.combine(c));
  const update = new Float64Array(g.length);
  for (let i = 0; i < g.length; i++) update[i] = g[i] + cfg.mix * delta[i];
  return { update, pruned: pruned.length };
}

/** Global pruning with a fixed orthonormal basis V (k×n): g′ = g − V(Vᵀg), then the same noise and mix. */
export function cgdFixedBasis(basis: Float64Array[], g: Float64Array, cfg: CgdConfig, rng: Rng): CgdResult {
  const update = g.slice();
  for (const v of basis) {
    let d = 0;
    for (let i = 0; i < g.length; i++) d += v[i] * g[i];
    const c = cfg.mix * ((cfg.noise > 0 ? cfg.noise * rng.normal() : 0) - d);
    for (let i = 0; i < g.length; i++) update[i] += c * v[i];
  }
  return { update, pruned: basis.length };
}

/** A global pruning basis file (parseVectors: {"vectors": number[][]}, rows of length n), orthonormalised in order. */
export function parseBasis(text: string, file: string, n: number, k: number | null): Float64Array[] {
  const out: Float64Array[] = [];
  for (const [r, w] of parseVectors(text, file, n, k).entries()) {
    const scale = vectorLength(w);
    if (scale === 0) throw new Error(`${file}: vector ${r} is zero`);
    if (!(scale >= 1e-150 && scale <= 1e150))
      throw new Error(`${file}: vector ${r} has length ${scale.toExponential(1)}, outside 1e-150…1e150 where its squares stay finite; rescale it`);
    for (let pass = 0; pass < 2; pass++)
      for (const q of out) {
        let d = 0;
        for (let i = 0; i < n; i++) d += q[i] * w[i];
        for (let i = 0; i < n; i++) w[i] -= d * q[i];
      }
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0));
    // Relative to the vector's own scale: a file's units do not decide what is dependent.
    if (!(norm > 1e-12 * scale)) throw new Error(`${file}: vector ${r} is linearly dependent on the previous ones (less than 1e-12 of it outside their span)`);
    out.push(w.map((x) => x / norm));
  }
  return out;
}
