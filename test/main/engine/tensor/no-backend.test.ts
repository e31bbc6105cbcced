// Runs in its own process (vitest forks per file), before any backend is initialised.
import { expect, it } from 'vitest';
import { modelSpec } from '../../../../src/main/engine/models/spec';
import { TfModel } from '../../../../src/main/engine/tensor/tf-model';

it('TfModel without an active backend says to call initBackend', () => {
  expect(() => new TfModel(modelSpec({ kind: 'mlp', hidden: 20, activation: 'relu' }))).toThrow(
    'TfModel: no TensorFlow.js backend is active; call initBackend() first',
  );
});
