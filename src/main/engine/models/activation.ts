// Activation functions with their first and second derivatives (float64).
import type { Activation } from '../../../shared/config';

export interface ActivationFns {
  f(z: number): number;
  d1(z: number): number;
  /** Second derivative; identically 0 for ReLU (a.e.), which is what makes the MLP Hessian so sparse. */
  d2(z: number): number;
  piecewiseLinear: boolean;
}

const relu: ActivationFns = {
  f: (z) => (z > 0 ? z : 0),
  d1: (z) => (z > 0 ? 1 : 0),
  d2: () => 0,
  piecewiseLinear: true,
};

const sig = (z: number): number => 1 / (1 + Math.exp(-z));
const sigmoid: ActivationFns = {
  f: sig,
  d1: (z) => {
    const s = sig(z);
    return s * (1 - s);
  },
  d2: (z) => {
    const s = sig(z);
    return s * (1 - s) * (1 - 2 * s);
  },
  piecewiseLinear: false,
};

export function activation(name: Activation): ActivationFns {
  return name === 'relu' ? relu : sigmoid;
}
