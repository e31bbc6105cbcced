// The minibatch Hessian as an operator: loss, gradient and exact Hessian-vector products at one (θ, batch).
import type { LinearMap } from '../../linalg/linear-map';

export interface HessianOperator {
  n: number;
  loss: number;
  correct: number;
  /** Batch gradient, float64. */
  grad: Float64Array;
  /** H·V for k vectors (vector j at j*n): exact float64 Hessian-vector products, H never formed. */
  apply: LinearMap;
}
