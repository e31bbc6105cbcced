// TfModel against the float64 PyTorch fixtures, and its gradient against central differences of its own loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../../../src/shared/config';
import { initParams, modelSpec } from '../../../../src/main/engine/models/spec';
import type { ModelSpec } from '../../../../src/main/engine/models/spec';
import { Rng } from '../../../../src/main/engine/rng';
import { initBackend } from '../../../../src/main/engine/tensor/backend';
import { TfModel } from '../../../../src/main/engine/tensor/tf-model';
import { SHARED } from '../../../helpers/fixtures';

interface Fixture {
  meta: { data: { mean: number; std: number } };
  params_init: number[];
  batch_idx: number[];
  batch_labels: number[];
  init: { loss: number; grad_norm: number; float32_pipeline: { loss: number; grad_norm: number } };
}
const fixture = (kind: 'mlp' | 'cnn'): Fixture => JSON.parse(readFileSync(path.join(SHARED, 'fixtures', `${kind}_init.json`), 'utf8')) as Fixture;

const trainLines = gunzipSync(readFileSync(path.join(SHARED, 'data/usps/zip.train.gz')))
  .toString('utf8')
  .split('\n');

/** The fixture's batch: ESL zip lines "label v1 … v256", x = ((v+1)/2 − mean)/std. */
function fixtureBatch(f: Fixture): { x: Float64Array; y: Uint8Array; size: number } {
  const { mean, std } = f.meta.data;
  const size = f.batch_idx.length;
  const x = new Float64Array(size * 256);
  const y = new Uint8Array(size);
  f.batch_idx.forEach((line, b) => {
    const v = trainLines[line].trim().split(/\s+/).map(Number);
    expect(v).toHaveLength(257);
    y[b] = v[0];
    for (let j = 0; j < 256; j++) x[b * 256 + j] = ((v[j + 1] + 1) / 2 - mean) / std;
  });
  expect(Array.from(y)).toEqual(f.batch_labels);
  return { x, y, size };
}

const CONFIGS: Record<'mlp' | 'cnn', ModelConfig> = {
  mlp: { kind: 'mlp', hidden: 20, activation: 'relu' },
  cnn: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' },
};

const norm = (v: Float64Array): number => Math.sqrt(v.reduce((s, a) => s + a * a, 0));
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
/** float32 tolerance against the float64 reference: measured deviations are ≤ 5e-8 relative. */
const F32_REL = 1e-6;

/**
 * Central differences (L(θ+h e_k) − L(θ−h e_k))/2h of the float32 TF.js loss at the largest-|g| coordinate
 * and two random coordinates of every parameter tensor. The float32 loss is quantised to ulp(L) ≈ 2.4e-7,
 * so the quotient resolves only ulp(L)/2h: h is large (kinks of relu/max-pool limit it for relu models)
 * and the tolerance is 3 % plus 4 quantisation steps.
 */
function checkFiniteDifferences(spec: ModelSpec, model: TfModel, theta: Float64Array, x: Float64Array, y: Uint8Array, size: number): void {
  const h = spec.config.activation === 'relu' ? 3e-3 : 1e-2;
  const { loss: l0, grad: g } = model.lossGrad(theta, x, y, size);
  const ulp = 2 ** (Math.floor(Math.log2(l0)) - 23);
  const rng = new Rng(7, 'fd');
  const th = theta.slice();
  const loss = (k: number, d: number): number => {
    th[k] = theta[k] + d;
    const l = model.lossGrad(th, x, y, size).loss;
    th[k] = theta[k];
    return l;
  };
  for (const t of spec.tensors) {
    let top = t.offset;
    for (let i = t.offset; i < t.offset + t.size; i++) if (Math.abs(g[i]) > Math.abs(g[top])) top = i;
    const coords = [top, t.offset + rng.int(t.size), t.offset + rng.int(t.size)];
    for (const k of coords) {
      const fd = (loss(k, h) - loss(k, -h)) / (2 * h);
      const tol = 0.03 * Math.abs(g[k]) + (4 * ulp) / (2 * h);
      expect(Math.abs(fd - g[k]), `${t.name}[${k - t.offset}]: fd ${fd}, grad ${g[k]}`).toBeLessThanOrEqual(tol);
    }
  }
}

describe.each(['wasm', 'cpu'] as const)('TfModel on %s', (backend) => {
  beforeAll(async () => {
    const info = await initBackend(backend);
    expect(info.name).toBe(backend);
  });

  it('deeper CNN (2 convs per stage, 8 base channels, unpooled convs): gradient agrees with finite differences', () => {
    const spec = modelSpec({ kind: 'cnn', baseChannels: 8, blocks: 2, activation: 'relu' });
    expect(spec.convs.filter((c) => !c.pool)).toHaveLength(4);
    const { x, y, size } = fixtureBatch(fixture('cnn'));
    const model = new TfModel(spec);
    checkFiniteDifferences(spec, model, initParams(spec, 5), x, y, size);
    model.dispose();
  });

  describe.each(['mlp', 'cnn'] as const)('%s', (kind) => {
    const f = fixture(kind);
    const spec = modelSpec(CONFIGS[kind]);
    const theta = Float64Array.from(f.params_init);
    const { x, y, size } = fixtureBatch(f);

    it('matches the float64 reference loss and gradient norm at init', () => {
      expect(theta.length).toBe(spec.n);
      const model = new TfModel(spec);
      const r = model.lossGrad(theta, x, y, size);
      model.dispose();
      expect(r.grad).toHaveLength(spec.n);
      expect(rel(r.loss, f.init.loss)).toBeLessThan(F32_REL);
      expect(rel(norm(r.grad), f.init.grad_norm)).toBeLessThan(F32_REL);
      expect(rel(r.loss, f.init.float32_pipeline.loss)).toBeLessThan(F32_REL);
      expect(rel(norm(r.grad), f.init.float32_pipeline.grad_norm)).toBeLessThan(F32_REL);
    });

    it('gradient agrees with finite differences on every parameter tensor', () => {
      const model = new TfModel(spec);
      checkFiniteDifferences(spec, model, theta, x, y, size);
      model.dispose();
    });

    it('sigmoid variant: gradient agrees with finite differences', () => {
      const sspec = modelSpec({ ...CONFIGS[kind], activation: 'sigmoid' });
      const model = new TfModel(sspec);
      checkFiniteDifferences(sspec, model, initParams(sspec, 3), x, y, size);
      model.dispose();
    });

    it('evaluate agrees with lossGrad, also when chunks do not divide the count', () => {
      const model = new TfModel(spec);
      const r = model.lossGrad(theta, x, y, size);
      for (const chunk of [3, 8, 1000]) {
        const e = model.evaluate(theta, x, y, size, chunk);
        expect(rel(e.loss, r.loss)).toBeLessThan(F32_REL);
        expect(e.acc).toBe(r.correct / size);
      }
      // Per-sample losses average to the batch loss and per-sample hits add up to the count.
      let loss = 0;
      let hits = 0;
      for (let b = 0; b < size; b++) {
        const one = model.lossGrad(theta, x.subarray(b * 256), y.subarray(b, b + 1), 1);
        loss += one.loss / size;
        hits += one.correct;
      }
      expect(rel(loss, r.loss)).toBeLessThan(F32_REL);
      expect(hits).toBe(r.correct);
      model.dispose();
    });

    it('holds no tensors beyond its input cache over 100 calls and frees them on dispose', () => {
      const before = tf.memory().numTensors;
      const model = new TfModel(spec);
      const half = Math.floor(size / 2);
      const step = (i: number): void => {
        // Alternate between two batches so the cache is rebuilt, and interleave evaluation.
        if (i % 2 === 0) model.lossGrad(theta, x, y, size);
        else model.lossGrad(theta, x.subarray(half * 256), y.subarray(half), size - half);
        if (i % 10 === 0) model.evaluate(theta, x, y, size, 3);
      };
      step(0);
      step(1);
      const settled = tf.memory().numTensors;
      for (let i = 2; i < 102; i++) step(i);
      expect(tf.memory().numTensors).toBe(settled);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects bad input with a message naming the field', () => {
      const model = new TfModel(spec);
      expect(() => model.lossGrad(theta.subarray(1), x, y, size)).toThrow(`TfModel: theta has ${spec.n - 1} entries, the model has ${spec.n} parameters`);
      expect(() => model.lossGrad(theta, x.subarray(256), y, size)).toThrow(
        `TfModel: x has ${(size - 1) * 256} values, size=${size} samples need ${size * 256}`,
      );
      expect(() => model.lossGrad(theta, x, y.subarray(1), size)).toThrow(`TfModel: y has ${size - 1} labels`);
      expect(() => model.lossGrad(theta, x, Uint8Array.from([10, ...y.subarray(1)]), size)).toThrow('TfModel: y[0] = 10 is not a class index in 0..9');
      expect(() => model.evaluate(theta, x, y, 0)).toThrow('TfModel: count must be a positive integer, got 0');
      expect(() => model.evaluate(theta, x, y, size, 0)).toThrow('TfModel.evaluate: chunk must be a positive integer, got 0');
      model.dispose();
    });
  });
});
