// Float64 loss/gradient and exact Hessian for either model, behind one interface.
import type { ModelSpec } from '../models/spec';
import { mlpPass } from '../models/mlp';
import { cnnLossGrad } from '../models/cnn';
import { cnnHessian } from './cnn-hessian';
import { mlpHessian } from './mlp-hessian';
import type { ExactStep } from './reduced';

export interface LossGrad {
  loss: number;
  correct: number;
  grad: Float64Array;
}

export function exactLossGrad(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number): LossGrad {
  return spec.config.kind === 'mlp' ? mlpPass(spec, theta, x, y, size) : cnnLossGrad(spec, theta, x, y, size);
}

/** Loss, gradient and the exact Hessian in reduced form (MLP: low-rank basis; CNN: its structurally nonzero coordinates). */
export function exactStep(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number): ExactStep {
  return spec.config.kind === 'mlp' ? mlpHessian(spec, theta, x, y, size) : cnnHessian(spec, theta, x, y, size);
}
