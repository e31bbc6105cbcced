// The paper's models' parameters: the layout (src/shared/model-layout.ts), PyTorch's default initialisation and
// flat parameter files. The flat vector is the single representation of a model's state everywhere in Chaoslab.
import type { ModelSpec } from '../../../shared/model-layout';
import { parseJson } from '../input-files';
import { Rng } from '../rng';

export { CLASSES, IMAGE_SIDE, modelSpec } from '../../../shared/model-layout';
export type { ConvLayerSpec, ModelSpec, ParamTensor } from '../../../shared/model-layout';

/** PyTorch's default initialisation for Linear/Conv2d (weights and biases U(−1/√fan_in, 1/√fan_in)), seeded. */
export function initParams(spec: ModelSpec, seed: number): Float64Array {
  const rng = new Rng(seed, 'init');
  const theta = new Float64Array(spec.n);
  for (const t of spec.tensors) {
    const bound = 1 / Math.sqrt(t.fanIn);
    // Stored values are float32-representable, like PyTorch parameters.
    for (let i = 0; i < t.size; i++) theta[t.offset + i] = Math.fround((2 * rng.uniform() - 1) * bound);
  }
  return theta;
}

/** Parse a flat parameter vector from a JSON array or {"params": [...]}; errors name the file. */
export function parseParams(text: string, file: string, n: number): Float64Array {
  const v = parseJson(text, file);
  const arr = Array.isArray(v) ? v : v && typeof v === 'object' ? (v as { params?: unknown }).params : undefined;
  if (!Array.isArray(arr)) throw new Error(`${file}: expected a JSON array of numbers or {"params": [...]}`);
  if (arr.length !== n) throw new Error(`${file}: has ${arr.length} parameters, the model has ${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${file}: entry ${i} is not a finite number`);
    out[i] = x;
  }
  return out;
}
