// Exact Hessian-vector products for every model kind, behind one entry point.
import { mlpHessianOperator } from './mlp';
import { cnnHessianOperator } from './cnn';
import type { ModelSpec } from '../../models/spec';
import type { HessianOperator } from './operator';

export type { HessianOperator } from './operator';

/** Loss, gradient and the exact Hessian operator v ↦ Hv of the batch (x: size×inputSize, y: labels). */
export function hessianOperator(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number): HessianOperator {
  return spec.config.kind === 'mlp' ? mlpHessianOperator(spec, theta, x, y, size) : cnnHessianOperator(spec, theta, x, y, size);
}
