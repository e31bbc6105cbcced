// Initial perturbation directions u (‖u‖ = 1 over all parameters) for replica runs (DESIGN §2):
// replicas start at θ_0 + ε·u.
import type { ReplicaStrategy } from '../../../shared/math/divergence';
import type { Rng } from '../rng';

export interface LyapunovBasis {
  /** Finite-time exponents, one per vector (any order). */
  exponents: Float64Array;
  /** The matching Lyapunov vectors, vector j at j*n. */
  vectors: Float64Array;
  /** |λ| ≤ tol counts as neither expanding nor contracting. Default 1e-8·max|λ|: the null directions of a
   *  low-rank Hessian have J v = v, so their exponents are round-off around 0 and must not count as positive. */
  tol?: number;
}

function normalise(u: Float64Array, what: string): Float64Array {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * u[i];
  const norm = Math.sqrt(s);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new Error(`${what} has norm ${norm}; cannot normalise it`);
  for (let i = 0; i < u.length; i++) u[i] /= norm;
  return u;
}

function gaussian(n: number, rng: Rng): Float64Array {
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = rng.normal();
  return u;
}

/** Σ_j c_j v_j with c_j ~ N(0, 1) over the selected vectors. */
function randomCombination(idx: number[], vectors: Float64Array, n: number, rng: Rng): Float64Array {
  const u = new Float64Array(n);
  for (const j of idx) {
    const c = rng.normal();
    for (let i = 0; i < n; i++) u[i] += c * vectors[j * n + i];
  }
  return u;
}

function checkBasis(strategy: ReplicaStrategy, n: number, lyap: LyapunovBasis | undefined): LyapunovBasis {
  if (!lyap) throw new Error(`perturbation strategy '${strategy}' needs Lyapunov exponents and vectors`);
  const k = lyap.exponents.length;
  if (k === 0) throw new Error(`perturbation strategy '${strategy}': the Lyapunov basis is empty`);
  if (lyap.vectors.length !== k * n)
    throw new Error(`perturbation strategy '${strategy}': Lyapunov vectors have length ${lyap.vectors.length}, expected ${k} exponents × n = ${n} = ${k * n}`);
  return lyap;
}

/** The unit perturbation direction for one replica. `rng` is only drawn from by the random strategies. */
export function perturbation(strategy: ReplicaStrategy, n: number, rng: Rng, lyap?: LyapunovBasis, direction?: Float64Array): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`perturbation: n must be a positive integer, got ${n}`);
  switch (strategy) {
    case 'randn':
      return normalise(gaussian(n, rng), 'the random direction');
    case 'file': {
      if (!direction) throw new Error("perturbation strategy 'file' needs a direction");
      if (direction.length !== n) throw new Error(`perturbation direction has length ${direction.length}, expected n = ${n} parameters`);
      for (let i = 0; i < n; i++) if (!Number.isFinite(direction[i])) throw new Error(`perturbation direction entry ${i} is not finite (${direction[i]})`);
      return normalise(Float64Array.from(direction), 'the perturbation direction');
    }
    case 'max_chaos':
    case 'max_convergence': {
      const { exponents, vectors } = checkBasis(strategy, n, lyap);
      let j = 0;
      for (let i = 1; i < exponents.length; i++) if (strategy === 'max_chaos' ? exponents[i] > exponents[j] : exponents[i] < exponents[j]) j = i;
      return normalise(vectors.slice(j * n, (j + 1) * n), `Lyapunov vector ${j}`);
    }
    case 'randn_chaos':
    case 'randn_convergence': {
      const b = checkBasis(strategy, n, lyap);
      const tol = b.tol ?? 1e-8 * b.exponents.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const sign = strategy === 'randn_chaos' ? 1 : -1;
      const idx: number[] = [];
      b.exponents.forEach((v, i) => {
        if (sign * v > tol) idx.push(i);
      });
      if (idx.length === 0)
        throw new Error(
          `perturbation strategy '${strategy}': none of the ${b.exponents.length} Lyapunov exponents is ${sign > 0 ? 'positive' : 'negative'} (beyond tol ${tol.toExponential(2)}); range [${Math.min(...b.exponents)}, ${Math.max(...b.exponents)}]`,
        );
      return normalise(randomCombination(idx, b.vectors, n, rng), 'the random combination of Lyapunov vectors');
    }
    default:
      throw new Error(`unknown perturbation strategy '${strategy as string}'`);
  }
}
