import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ENV, initBackend } from '../../../../src/main/engine/tensor/backend';

const req = createRequire(__filename);
const installed = (pkg: string): boolean => {
  try {
    req.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const hasGpuPkg = installed('@tensorflow/tfjs-node-gpu');
const hasNodePkg = installed('@tensorflow/tfjs-node');

describe('initBackend', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env[BACKEND_ENV];
    delete process.env[BACKEND_ENV];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  });

  it('auto picks the best available backend and says why better ones were not used', async () => {
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.name);
    if (!hasGpuPkg) {
      expect(info.notes[0]).toMatch(/^tensorflow \(GPU\): @tensorflow\/tfjs-node-gpu is not installed — install it with CUDA 11\.2\/cuDNN 8\.1/);
    }
    if (!hasGpuPkg && !hasNodePkg) {
      expect(info.name).toBe('wasm');
      expect(info.notes).toHaveLength(2);
      expect(info.notes[1]).toMatch(/^tensorflow \(CPU\): @tensorflow\/tfjs-node is not installed/);
    }
  });

  it('is idempotent for the same choice and switches for another', async () => {
    const a = await initBackend('auto');
    expect(await initBackend('auto')).toBe(a);
    const cpu = await initBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.notes).toEqual(["backend 'cpu' requested by the caller"]);
    expect(await initBackend('cpu')).toBe(cpu);
    const wasm = await initBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // Both backends really compute.
    expect(Array.from(tf.tidy(() => tf.square(tf.tensor1d([1, -2, 3]))).dataSync())).toEqual([1, 4, 9]);
  });

  it('concurrent calls do not interleave', async () => {
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('wasm')]);
    expect([a.name, b.name]).toEqual(['cpu', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });

  it(`${BACKEND_ENV} overrides the caller's choice`, async () => {
    process.env[BACKEND_ENV] = 'cpu';
    const info = await initBackend('wasm');
    expect(info.name).toBe('cpu');
    expect(info.notes[0]).toBe(`backend 'cpu' requested by ${BACKEND_ENV}=cpu`);
  });

  it(`rejects a bad ${BACKEND_ENV} or prefer value, naming it`, async () => {
    process.env[BACKEND_ENV] = 'cuda';
    await expect(initBackend()).rejects.toThrow(`${BACKEND_ENV}: expected one of auto, tensorflow, wasm, cpu; got 'cuda'`);
    delete process.env[BACKEND_ENV];
    await expect(initBackend('gpu' as never)).rejects.toThrow("initBackend: prefer must be one of auto, tensorflow, wasm, cpu; got 'gpu'");
  });

  it.skipIf(hasGpuPkg || hasNodePkg)('an explicit tensorflow choice fails with the reasons when neither package is installed', async () => {
    const before = tf.getBackend();
    await expect(initBackend('tensorflow')).rejects.toThrow(
      /No TensorFlow.js backend could be loaded for 'tensorflow'[\s\S]*tfjs-node-gpu is not installed[\s\S]*tfjs-node is not installed/,
    );
    expect(tf.getBackend()).toBe(before);
  });
});
