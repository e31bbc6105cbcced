// Parameter layout of the paper's models, in PyTorch `parameters()` order, row-major: pure, so that config rules
// (spectrum.k against n) and the engine (models/spec.ts) use the one definition. No Node or DOM imports here.
// The flat vector is the single representation of a model's state everywhere in Chaoslab.
import type { ModelConfig } from './config/types';

export interface ParamTensor {
  name: string;
  shape: number[];
  offset: number;
  size: number;
  /** fan_in used by PyTorch's default init (kaiming_uniform(a=√5) ⇒ U(−1/√fan_in, 1/√fan_in)). */
  fanIn: number;
}

export interface ConvLayerSpec {
  inC: number;
  outC: number;
  /** Spatial size of the layer input (square). */
  size: number;
  /** A 2×2 max-pool follows this conv (after the activation). */
  pool: boolean;
}

export interface ModelSpec {
  config: ModelConfig;
  /** Side of the square input image: 16 for the paper's USPS models, 28 for Fashion-MNIST at full size. */
  imageSide: number;
  /** imageSide² (256 = 16×16). */
  inputSize: number;
  classes: number;
  tensors: ParamTensor[];
  n: number;
  /** CNN only: the conv stack, then a linear layer from `linearIn` to `classes`. */
  convs: ConvLayerSpec[];
  linearIn: number;
}

export const IMAGE_SIDE = 16;
export const CLASSES = 10;
/** Channel multipliers of the CNN's four stages (16 → 8 → 4 → 2 → 1 after the pools). */
const CNN_STAGE_MULT = [1, 1, 2, 2];
/**
 * The CNN's four 2×2 pools (floor, as PyTorch) must end on a 1×1 map: sides 16…31. The linear layer then
 * sees one value per channel, so the flatten order is the same in PyTorch (CHW) and TF.js (HWC).
 */
const CNN_SIDES = [16, 31];

/** The parameter layout of a model on square images of side `imageSide` (default 16; the layout at 16 is the paper's). */
export function modelSpec(config: ModelConfig, imageSide = IMAGE_SIDE): ModelSpec {
  if (!Number.isInteger(imageSide) || imageSide < 1) throw new Error(`imageSide: must be a positive integer, got ${imageSide}`);
  if (config.kind === 'cnn' && (imageSide < CNN_SIDES[0] || imageSide > CNN_SIDES[1]))
    throw new Error(`imageSide: the CNN's four 2×2 pools need a side from ${CNN_SIDES[0]} to ${CNN_SIDES[1]}, got ${imageSide}`);
  const tensors: ParamTensor[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], fanIn: number): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, size, fanIn });
    offset += size;
  };
  const inputSize = imageSide * imageSide;
  const convs: ConvLayerSpec[] = [];
  let linearIn = 0;
  if (config.kind === 'mlp') {
    add('fc1.weight', [config.hidden, inputSize], inputSize);
    add('fc1.bias', [config.hidden], inputSize);
    add('fc2.weight', [CLASSES, config.hidden], config.hidden);
    add('fc2.bias', [CLASSES], config.hidden);
  } else {
    let inC = 1;
    let size = imageSide;
    CNN_STAGE_MULT.forEach((mult, s) => {
      const outC = config.baseChannels * mult;
      for (let b = 0; b < config.blocks; b++) {
        const last = b === config.blocks - 1;
        const name = `conv${s}_${b}`;
        add(`${name}.weight`, [outC, inC, 3, 3], inC * 9);
        add(`${name}.bias`, [outC], inC * 9);
        convs.push({ inC, outC, size, pool: last });
        inC = outC;
      }
      size >>= 1;
    });
    linearIn = inC;
    add('fc.weight', [CLASSES, linearIn], linearIn);
    add('fc.bias', [CLASSES], linearIn);
  }
  return { config, imageSide, inputSize, classes: CLASSES, tensors, n: offset, convs, linearIn };
}
