// The paper's explicit-product estimate of the Lyapunov exponents, as a reference for the QR method in the tests.
import { gramExponents } from '../../src/main/engine/chaos/lyapunov';
import { matmul } from '../../src/main/engine/linalg/eigh';

/**
 * The paper's explicit-product estimate, for small t only (cross-check): with Y_t = J_t ⋯ J_1,
 * λ_i = log(eig_i(Y_tᵀY_t)) / (2t), descending; eigenvalues that round to ≤ 0 give −Infinity.
 * Each Jacobian is a dense dim×dim row-major matrix, applied in the given order (J_1 first).
 */
export function explicitProductExponents(jacobians: Float64Array[], dim: number): Float64Array {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`explicitProductExponents: dim must be a positive integer, got ${dim}`);
  if (jacobians.length === 0) throw new Error('explicitProductExponents: need at least one Jacobian');
  jacobians.forEach((j, s) => {
    if (j.length !== dim * dim) throw new Error(`explicitProductExponents: Jacobian ${s} has length ${j.length}, expected ${dim}×${dim} = ${dim * dim}`);
  });
  let y: Float64Array = Float64Array.from(jacobians[0]);
  for (let s = 1; s < jacobians.length; s++) y = matmul(jacobians[s], y, dim, dim, dim);
  // For a square Y the Gram matrix of its rows, YYᵀ, has the eigenvalues of YᵀY.
  return gramExponents(y, dim, dim, jacobians.length);
}
