// Exact Hessian-vector products (curvature/hvp) against the exact Hessian of the exact path (exactStep +
// hessianVectors: the MLP's reduced form, the CNN's dense H) and against central finite differences of the
// gradient, for every model kind: MLP and CNN, ReLU and sigmoid, one and two blocks, 16×16 and 28×28 inputs.
import { describe, expect, it } from 'vitest';
import { exactLossGrad, exactStep } from '../../../../src/main/engine/curvature/exact';
import { hessianOperator } from '../../../../src/main/engine/curvature/hvp';
import { hessianVectors } from '../../../../src/main/engine/curvature/reduced';
import { initParams, modelSpec, type ModelSpec } from '../../../../src/main/engine/models/spec';
import { Rng } from '../../../../src/main/engine/rng';
import type { ModelConfig } from '../../../../src/shared/config';
import { uspsData } from '../../../helpers/fixtures';
import { PAPER_MODELS, paperHessian } from '../../../helpers/paper-hessian';
import { gatherBatch } from '../../../../src/main/engine/data/sampler';

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
function relDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  return Math.sqrt(d) / norm(b);
}
const gaussian = (rng: Rng, len: number): Float64Array => Float64Array.from({ length: len }, () => rng.normal());

/** A real USPS batch (16×16) or a random image batch of another side, and a random PyTorch-style init. */
function setup(config: ModelConfig, side: number, B: number, seed: number) {
  const spec = modelSpec(config, side);
  const theta = initParams(spec, seed);
  const rng = new Rng(seed, 'hvp-batch');
  if (side === 16) {
    const b = gatherBatch(
      uspsData().train,
      Int32Array.from({ length: B }, () => rng.int(7291)),
    );
    return { spec, theta, x: b.x, y: b.y, B };
  }
  const x = gaussian(rng, B * spec.inputSize);
  const y = Uint8Array.from({ length: B }, () => rng.int(spec.classes));
  return { spec, theta, x, y, B };
}

/** (∇L(θ + εv) − ∇L(θ − εv)) / 2ε. */
function fdHv(spec: ModelSpec, theta: Float64Array, x: Float64Array, y: Uint8Array, B: number, v: Float64Array, eps: number): Float64Array {
  const at = (s: number) =>
    exactLossGrad(
      spec,
      theta.map((t, i) => t + s * eps * v[i]),
      x,
      y,
      B,
    ).grad;
  const plus = at(1);
  const minus = at(-1);
  return plus.map((g, i) => (g - minus[i]) / (2 * eps));
}

const MLP: ModelConfig = { kind: 'mlp', hidden: 20, activation: 'relu' };
const CNN: ModelConfig = { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' };

describe('Hessian-vector products = the exact Hessian (to 1e-12 relative)', () => {
  const cases: [string, ModelConfig][] = [
    ['MLP 256-20-10 ReLU', MLP],
    ['MLP 256-20-10 sigmoid', { ...MLP, activation: 'sigmoid' }],
    ['CNN base 4 ReLU', CNN],
    ['CNN base 2, 2 blocks, sigmoid', { kind: 'cnn', baseChannels: 2, blocks: 2, activation: 'sigmoid' }],
  ];
  it.each(cases)('%s: H·V for 4 vectors at once, loss and gradient as the exact path', (_, config) => {
    const { spec, theta, x, y, B } = setup(config, 16, 8, 3);
    const n = spec.n;
    const op = hessianOperator(spec, theta, x, y, B);
    const step = exactStep(spec, theta, x, y, B);
    const v = gaussian(new Rng(1, 'v'), 4 * n);
    const hv = op.apply(v, 4);
    const ref = hessianVectors(step, v, 4);
    for (let j = 0; j < 4; j++) expect(relDiff(hv.subarray(j * n, (j + 1) * n), ref.subarray(j * n, (j + 1) * n))).toBeLessThan(1e-12);
    expect(op.loss).toBeCloseTo(step.loss, 14);
    expect(relDiff(op.grad, step.grad)).toBeLessThan(1e-14);
    expect(op.correct).toBe(step.correct);
  });

  it.each(PAPER_MODELS)('%s on the PyTorch fixture: H·v for v supported on one parameter tensor, every tensor', (_, name) => {
    const { spec, op, step, n } = paperHessian(name);
    // One Gaussian vector per tensor, zero elsewhere, all applied in one batch.
    const rng = new Rng(4, 'tensor');
    const k = spec.tensors.length;
    const e = new Float64Array(k * n);
    spec.tensors.forEach((t, j) => {
      for (let i = 0; i < t.size; i++) e[j * n + t.offset + i] = rng.normal();
    });
    const got = op.apply(e, k);
    const ref = hessianVectors(step, e, k);
    for (let j = 0; j < k; j++) {
      const r = ref.subarray(j * n, (j + 1) * n);
      expect(norm(r)).toBeGreaterThan(0);
      expect(relDiff(got.subarray(j * n, (j + 1) * n), r)).toBeLessThan(1e-12);
    }
  });
});

describe('Hessian-vector products = central finite differences of the gradient', () => {
  // ε = 1e-6: truncation O(ε²‖∇³L‖) and round-off O(ε_mach‖∇L‖/ε) are ≤ 1e-9 relative here; tolerance 1e-7.
  // ReLU and max-pool make the gradient piecewise smooth: at ε = 1e-5 the CNN on 28×28 noise crosses a kink
  // (the difference quotient is then off by O(1)), at 1e-6 none of these cases does.
  const EPS = 1e-6;
  const TOL = 1e-7;
  const cases: [string, ModelConfig, number][] = [
    ['MLP ReLU 16×16', MLP, 16],
    ['MLP sigmoid 16×16', { ...MLP, activation: 'sigmoid' }, 16],
    ['MLP 784-100-10 ReLU on 28×28 (79,510 parameters)', { kind: 'mlp', hidden: 100, activation: 'relu' }, 28],
    ['CNN ReLU 16×16', CNN, 16],
    ['CNN sigmoid, 2 blocks, 16×16', { kind: 'cnn', baseChannels: 2, blocks: 2, activation: 'sigmoid' }, 16],
    ['CNN ReLU 28×28', CNN, 28],
  ];
  it.each(cases)('%s', (_, config, side) => {
    const { spec, theta, x, y, B } = setup(config, side, 8, 5);
    const op = hessianOperator(spec, theta, x, y, B);
    const rng = new Rng(2, 'dir');
    for (let t = 0; t < 2; t++) {
      const v = gaussian(rng, spec.n);
      const hv = op.apply(v, 1);
      expect(norm(hv)).toBeGreaterThan(1e-3 * norm(v));
      expect(relDiff(hv, fdHv(spec, theta, x, y, B, v, EPS))).toBeLessThan(TOL);
    }
  });
});

describe('Hessian-vector product properties', () => {
  it('batched products equal one-at-a-time products bit for bit, H is symmetric, the input is untouched', () => {
    for (const config of [MLP, CNN]) {
      const { spec, theta, x, y, B } = setup(config, 16, 8, 7);
      const n = spec.n;
      const op = hessianOperator(spec, theta, x, y, B);
      const v = gaussian(new Rng(3, 'v'), 3 * n);
      const copy = v.slice();
      const all = op.apply(v, 3);
      expect(v).toEqual(copy);
      for (let j = 0; j < 3; j++) expect(op.apply(v.slice(j * n, (j + 1) * n), 1)).toEqual(all.subarray(j * n, (j + 1) * n));
      const u = v.subarray(0, n);
      const w = v.subarray(n, 2 * n);
      const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, q, i) => s + q * b[i], 0);
      const uHw = dot(u, all.subarray(n, 2 * n));
      const wHu = dot(w, all.subarray(0, n));
      expect(Math.abs(uHw - wHu)).toBeLessThan(1e-13 * norm(all));
    }
  });

  it('refuses vectors whose length is not k·n', () => {
    const { spec, theta, x, y, B } = setup(MLP, 16, 4, 1);
    const op = hessianOperator(spec, theta, x, y, B);
    expect(() => op.apply(new Float64Array(spec.n + 1), 1)).toThrow(/5351 values for k = 1 vectors of length n = 5350/);
  });
});
