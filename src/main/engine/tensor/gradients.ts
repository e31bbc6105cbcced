// Gradients of the kernels TfModel differentiates through. @tensorflow/tfjs-core alone registers none (the full
// @tensorflow/tfjs package does, from ESM files a CommonJS main process cannot load), so they are defined here.
// A gradient that is already registered (e.g. by @tensorflow/tfjs via tfjs-node) is left alone, except Conv2D:
// ours needs no Conv2DBackpropFilter kernel (wasm has none; cpu's took 20 of 25 ms per
// batch-8 CNN step in tf.profile).
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

const { getReductionAxes, assertAndGetBroadcastShape, getUndoAxesPermutation } = tf.backend_util;

/** Sums dy over the axes along which `shape` was broadcast to dy's shape (∂ of a broadcasting binary op). */
function unbroadcast(dy: Tensor, shape: number[], outShape: number[]): Tensor {
  const axes = getReductionAxes(shape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

type PadAttr = tf.Conv2DAttrs['pad'];

/** Leading padding of a stride-1 convolution along one axis. */
function leadPad(pad: PadAttr, k: number): number {
  if (pad === 'valid') return 0;
  if (pad === 'same') return Math.floor((k - 1) / 2); // TF pads the odd extra row at the end
  if (typeof pad === 'number') return pad;
  throw new Error(`Conv2D gradient: unsupported padding ${JSON.stringify(pad)}`);
}

/**
 * ∂L/∂W of a stride-1 NHWC conv as one more convolution: dW[i,j,c,o] = Σ_{b,y,x} xpad[b,y+i,x+j,c]·dy[b,y,x,o],
 * i.e. the padded input with batch and channels swapped ([C, H', W', B]) correlated with dy as a
 * [Ho, Wo, B, O] filter ('valid'), giving [C, kh, kw, O], then reordered to TF's [kh, kw, in, out].
 */
function filterGradByConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], pad: PadAttr): Tensor {
  const [kh, kw] = filterShape;
  const [, ho, wo] = dy.shape;
  const [h, w] = [x.shape[1], x.shape[2]];
  const top = leadPad(pad, kh);
  const left = leadPad(pad, kw);
  const bottom = Math.max(0, ho + kh - 1 - h - top);
  const right = Math.max(0, wo + kw - 1 - w - left);
  const xp = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  const r = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid');
  return tf.transpose(r, [1, 2, 0, 3]);
}

const conv2dGrad: GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs: NamedAttrMap) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    const ones = (v: number | [number, number]): boolean => (Array.isArray(v) ? v.every((s) => s === 1) : v === 1);
    if (dataFormat !== 'NHWC' || !ones(strides) || !ones(dilations)) {
      throw new Error('Conv2D gradient: only NHWC, stride 1, dilation 1 are supported');
    }
    const g = dy as tf.Tensor4D;
    const engine = tf.engine();
    return {
      x: () =>
        engine.runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, {
          strides,
          pad,
          dataFormat,
          dimRoundingMode,
          inputShape: x.shape,
        } as unknown as NamedAttrMap) as Tensor,
      filter: () => filterGradByConv(x, g, filter.shape, pad),
    };
  },
};

const grads: GradConfig[] = [
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { begin, size } = attrs as unknown as tf.SliceAttrs;
      const [b, s] = tf.slice_util.parseSliceParams(x as Tensor, begin, size);
      return {
        x: () =>
          tf.pad(
            dy as Tensor,
            b.map((bi, i) => [bi, x.shape[i] - bi - s[i]] as [number, number]),
          ),
      };
    },
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.reshape(dy as Tensor, saved[0].shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => {
      const { perm } = attrs as unknown as tf.TransposeAttrs;
      return { x: () => tf.transpose(dy as Tensor, getUndoAxesPermutation(perm)) };
    },
  },
  {
    // C = op(A)·op(B): ∂A and ∂B for each combination of transposes.
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [Tensor, Tensor];
      const g = dy as Tensor;
      const { transposeA: ta, transposeB: tb } = attrs as unknown as tf.BatchMatMulAttrs;
      if (!ta && !tb) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
      if (!ta && tb) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
      if (ta && !tb) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
      return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
    },
  },
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved;
      const out = assertAndGetBroadcastShape(a.shape, b.shape);
      return { a: () => unbroadcast(dy as Tensor, a.shape, out), b: () => unbroadcast(dy as Tensor, b.shape, out) };
    },
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [Tensor, Tensor];
      const out = assertAndGetBroadcastShape(a.shape, b.shape);
      return {
        a: () => unbroadcast(tf.mul(dy as Tensor, b), a.shape, out),
        b: () => unbroadcast(tf.mul(dy as Tensor, a), b.shape, out),
      };
    },
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const { axis } = attrs as unknown as tf.SumAttrs;
      const kept = x.shape.slice();
      for (const ax of tf.util.parseAxisParam(axis, x.shape)) kept[ax] = 1;
      return { x: () => tf.mul(tf.reshape(dy as Tensor, kept), tf.ones(x.shape, 'float32')) };
    },
  },
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as Tensor) }) },
  {
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.cast(tf.step(saved[0] as Tensor), 'float32')) }),
  },
  {
    // σ' = σ(1 − σ), from the saved output.
    kernelName: tf.Sigmoid,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const y = saved[0] as Tensor;
      return { x: () => tf.mul(dy as Tensor, tf.mul(y, tf.sub(1, y))) };
    },
  },
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved;
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolAttrs;
      return {
        x: () =>
          tf.engine().runKernel(tf.MaxPoolGrad, { dy: dy as Tensor, input: x, output: y }, {
            filterSize,
            strides,
            pad,
            dimRoundingMode,
          } as unknown as NamedAttrMap) as Tensor,
      };
    },
  },
];

let registered = false;

/** Registers the gradients above once per process (global TF.js registry). */
export function registerGradients(): void {
  if (registered) return;
  for (const g of grads) if (!tf.getGradient(g.kernelName)) tf.registerGradient(g);
  if (tf.getGradient(tf.Conv2D)) tf.unregisterGradient(tf.Conv2D);
  tf.registerGradient(conv2dGrad);
  registered = true;
}
