// The 784-100-10 MLP of the Lanczos benchmark on a batch of 8 Fashion-MNIST images at their full 28×28
// (one per class 0–7, read from the fashion-mnist package, mapped to [0, 1] and standardised over the batch),
// at a seeded PyTorch-style init. Shared by bench/lanczos.ts and its RSS child.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseClassFile, Scratch } from '../src/main/engine/data/fashion-json';
import { hessianOperator, type HessianOperator } from '../src/main/engine/curvature/hvp';
import { initParams, modelSpec, type ModelSpec } from '../src/main/engine/models/spec';

export const BATCH = 8;
export const SIDE = 28;

export function fashionBatch28(size: number): { x: Float64Array; y: Uint8Array } {
  const dir = join(dirname(createRequire(__filename).resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const d = SIDE * SIDE;
  const x = new Float64Array(size * d);
  const y = new Uint8Array(size);
  const scratch = new Scratch();
  for (let b = 0; b < size; b++) {
    const file = join(dir, `${b % 10}.json`);
    const { max } = parseClassFile(readFileSync(file), file, d, scratch);
    const range = max > 1 ? 255 : 1;
    for (let i = 0; i < d; i++) x[b * d + i] = scratch.buf[Math.floor(b / 10) * d + i] / range;
    y[b] = b % 10;
  }
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const std = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / (x.length - 1));
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
  return { x, y };
}

export function mlp784(): { spec: ModelSpec; theta: Float64Array; x: Float64Array; y: Uint8Array; op: HessianOperator } {
  const spec = modelSpec({ kind: 'mlp', hidden: 100, activation: 'relu' }, SIDE);
  const theta = initParams(spec, 0);
  const { x, y } = fashionBatch28(BATCH);
  return { spec, theta, x, y, op: hessianOperator(spec, theta, x, y, BATCH) };
}

/** The per-step estimate the benchmark times: top-20 by Lanczos, then SLQ with 10 probes × 80 steps. */
export const TOP_K = 20;
export const SLQ = { probes: 10, steps: 80, seed: 0, lr: 0.01, nullTol: 0 };
export const LANCZOS = { k: TOP_K, steps: 600, which: 'top' as const, tol: 1e-8, seed: 0 };
