// The paper's MLP and CNN at the PyTorch fixtures' parameters and USPS batches, with both curvature paths:
// the exact one (exactStep + HessianSpectrum) and the Hessian-vector-product operator.
import { exactStep } from '../../src/main/engine/curvature/exact';
import { hessianOperator } from '../../src/main/engine/curvature/hvp';
import { HessianSpectrum } from '../../src/main/engine/curvature/spectrum';
import { modelSpec } from '../../src/main/engine/models/spec';
import type { ModelConfig } from '../../src/shared/config';
import { fixture, fixtureBatch } from './fixtures';

export type PaperModel = 'mlp_init' | 'cnn_init';

export const PAPER_MODELS: [string, PaperModel][] = [
  ['MLP 256-20-10', 'mlp_init'],
  ['CNN base 4', 'cnn_init'],
];

const CONFIGS: Record<PaperModel, ModelConfig> = {
  mlp_init: { kind: 'mlp', hidden: 20, activation: 'relu' },
  cnn_init: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' },
};

export function paperHessian(name: PaperModel) {
  const f = fixture(name);
  const spec = modelSpec(CONFIGS[name]);
  const theta = Float64Array.from(f.params_init);
  const b = fixtureBatch(f);
  const op = hessianOperator(spec, theta, b.x, b.y, b.size);
  const step = exactStep(spec, theta, b.x, b.y, b.size);
  const exact = new HessianSpectrum(step, { nullTol: null });
  /** All n exact eigenvalues, ascending. */
  const all = exact.allEigenvalues();
  return { f, spec, n: spec.n, op, step, exact, all, scale: Math.max(-all[0], all[spec.n - 1]) };
}
