// Parameter layouts: the paper's models at 16×16 unchanged, the 784-100-10 MLP and the CNN at 28×28.
import { describe, expect, it } from 'vitest';
import { modelSpec } from '../../../../src/main/engine/models/spec';
import { fixture } from '../../../helpers/fixtures';

const MLP = { kind: 'mlp', hidden: 20, activation: 'relu' } as const;
const CNN = { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' } as const;
const layout = (spec: ReturnType<typeof modelSpec>) => spec.tensors.map((t) => `${t.name} ${t.shape.join('×')} @${t.offset}`);

describe('modelSpec', () => {
  it('keeps the paper layouts at the default side 16', () => {
    const mlp = modelSpec(MLP);
    expect(mlp.imageSide).toBe(16);
    expect(mlp.n).toBe(fixture('mlp_init').n_params);
    expect(layout(mlp)).toEqual(['fc1.weight 20×256 @0', 'fc1.bias 20 @5120', 'fc2.weight 10×20 @5140', 'fc2.bias 10 @5340']);
    expect(modelSpec(MLP, 16)).toEqual(mlp);
    const cnn = modelSpec(CNN);
    expect(cnn.n).toBe(fixture('cnn_init').n_params);
    expect(cnn.convs.map((c) => c.size)).toEqual([16, 8, 4, 2]);
    expect(cnn.linearIn).toBe(8);
  });

  it('784-100-10 MLP on 28×28 inputs has 79,510 parameters', () => {
    const spec = modelSpec({ kind: 'mlp', hidden: 100, activation: 'relu' }, 28);
    expect(spec.inputSize).toBe(784);
    expect(spec.n).toBe(79_510);
    expect(layout(spec)).toEqual(['fc1.weight 100×784 @0', 'fc1.bias 100 @78400', 'fc2.weight 10×100 @78500', 'fc2.bias 10 @79500']);
  });

  it('CNN on 28×28: pools floor 28 → 14 → 7 → 3 → 1, same parameters as at 16', () => {
    const spec = modelSpec(CNN, 28);
    expect(spec.convs.map((c) => c.size)).toEqual([28, 14, 7, 3]);
    expect(spec.linearIn).toBe(8);
    expect(layout(spec)).toEqual(layout(modelSpec(CNN)));
  });

  it('refuses sides the model cannot take, naming imageSide', () => {
    expect(() => modelSpec(MLP, 0)).toThrow(/^imageSide: must be a positive integer, got 0/);
    expect(() => modelSpec(MLP, 2.5)).toThrow(/^imageSide/);
    expect(() => modelSpec(CNN, 15)).toThrow(/^imageSide: the CNN's four 2×2 pools need a side from 16 to 31, got 15/);
    expect(() => modelSpec(CNN, 32)).toThrow(/^imageSide/);
  });
});
