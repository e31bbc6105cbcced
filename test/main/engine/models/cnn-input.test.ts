// Bad arguments give errors that name the argument.
import { describe, expect, it } from 'vitest';
import { cnnHessian } from '../../../../src/main/engine/curvature/cnn-hessian';
import { cnnLossGrad } from '../../../../src/main/engine/models/cnn';
import { initParams, modelSpec } from '../../../../src/main/engine/models/spec';

const spec = modelSpec({ kind: 'cnn', baseChannels: 2, blocks: 1, activation: 'relu' });
const theta = initParams(spec, 0);
const x = new Float64Array(2 * 256);
const y = new Uint8Array([1, 2]);

describe('CNN argument checks', () => {
  it('names theta, x, y and size, and rejects non-finite values', () => {
    expect(() => cnnLossGrad(spec, theta.subarray(1), x, y, 2)).toThrow(/^theta: has 331 entries, the model has 332/);
    expect(() => cnnLossGrad(spec, theta, x.subarray(1), y, 2)).toThrow(/^x: has 511 entries/);
    expect(() => cnnHessian(spec, theta, x, y.subarray(1), 2)).toThrow(/^y: has 1 labels/);
    expect(() => cnnHessian(spec, theta, x, new Uint8Array([1, 10]), 2)).toThrow(/^y\[1\]: label 10/);
    expect(() => cnnLossGrad(spec, theta, x, y, 0)).toThrow(/^size: must be a positive integer/);
    const badTheta = theta.slice();
    badTheta[7] = NaN;
    expect(() => cnnHessian(spec, badTheta, x, y, 2)).toThrow(/^theta\[7\]: is NaN/);
    const badX = x.slice();
    badX[300] = Infinity;
    expect(() => cnnLossGrad(spec, theta, badX, y, 2)).toThrow(/^x\[300\] \(sample 1, pixel 44\): is Infinity/);
  });
  it('rejects an MLP spec', () => {
    const mlp = modelSpec({ kind: 'mlp', hidden: 20, activation: 'relu' });
    expect(() => cnnLossGrad(mlp, new Float64Array(mlp.n), x, y, 2)).toThrow(/model\.kind: expected 'cnn'/);
  });
});
