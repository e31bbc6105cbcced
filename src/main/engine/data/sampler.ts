// Minibatch order: either a seeded reshuffle every epoch (last partial batch dropped, like PyTorch's
// DataLoader(shuffle=True, drop_last=True)) or an explicit list of batches (e.g. a fixture's order), cycled.

import { parseJson } from '../input-files';
import { Rng } from '../rng';
import type { Dataset } from './dataset';

interface ShuffleState {
  mode: 'shuffle';
  count: number;
  batchSize: number;
  /** Rng state at the start of the current epoch: replaying the shuffle from it restores the epoch's order. */
  epochRng: number[];
  epoch: number;
  step: number;
}
interface FixedState {
  mode: 'fixed';
  count: number;
  batches: number;
  /** FNV-1a hash of the explicit order, so a state is only restored into the same order. */
  orderHash: number;
  epoch: number;
  step: number;
}

export class BatchSampler {
  /** Batches per epoch (full batches only in shuffle mode; the list length in explicit mode). */
  stepsPerEpoch: number;
  private rng: Rng | null;
  private fixed: Int32Array[] | null = null;
  private order = new Int32Array(0);
  private epochRng: number[] = [];
  private epoch = 0;
  /** Global step index (batches handed out so far). */
  private step = 0;

  /** Seeded reshuffle every epoch from Rng(seed, 'batches'). */
  constructor(
    private readonly count: number,
    private readonly batchSize: number,
    seed: number,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new Error(`batch sampler: dataset size must be a positive integer, got ${count}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch sampler: batch size must be a positive integer, got ${batchSize}`);
    if (batchSize > count) throw new Error(`train.batchSize: ${batchSize} exceeds the ${count} training samples (see data.trainLimit)`);
    this.rng = new Rng(seed, 'batches');
    this.stepsPerEpoch = Math.floor(count / batchSize);
    this.shuffleEpoch();
  }

  /** Explicit batch order, validated against the dataset size; it repeats when exhausted (epoch + 1). */
  static fromOrder(order: number[][], count: number): BatchSampler {
    if (!Array.isArray(order) || order.length === 0) throw new Error('batch order: needs at least one batch');
    const batches = order.map((b, i) => {
      if (!Array.isArray(b) || b.length === 0) throw new Error(`batch order: batch ${i} (0-based) must be a non-empty array of indices`);
      for (const v of b)
        if (!Number.isInteger(v) || v < 0 || v >= count) throw new Error(`batch order: batch ${i} (0-based) has index ${String(v)}, outside 0..${count - 1}`);
      return Int32Array.from(b);
    });
    const s = new BatchSampler(count, 1, 0);
    s.rng = null;
    s.order = new Int32Array(0);
    s.fixed = batches;
    s.stepsPerEpoch = batches.length;
    return s;
  }

  /** Full-batch gradient descent (train.mode 'gd'): every step the first `size` samples, one step per epoch. */
  static fullBatch(size: number, count: number): BatchSampler {
    if (!Number.isInteger(size) || size < 1 || size > count)
      throw new Error(`train.subset: must be an integer from 1 to the ${count} training samples, got ${size}`);
    return BatchSampler.fromOrder([Array.from({ length: size }, (_, i) => i)], count);
  }

  next(): { indices: Int32Array; epoch: number; step: number } {
    const within = this.step - this.epoch * this.stepsPerEpoch;
    let indices: Int32Array;
    if (this.fixed) indices = this.fixed[within].slice();
    else indices = this.order.slice(within * this.batchSize, (within + 1) * this.batchSize);
    const out = { indices, epoch: this.epoch, step: this.step };
    this.step++;
    if (this.step === (this.epoch + 1) * this.stepsPerEpoch) {
      this.epoch++;
      if (!this.fixed) this.shuffleEpoch();
    }
    return out;
  }

  getState(): unknown {
    if (this.fixed)
      return {
        mode: 'fixed',
        count: this.count,
        batches: this.fixed.length,
        orderHash: hashOrder(this.fixed),
        epoch: this.epoch,
        step: this.step,
      } satisfies FixedState;
    return {
      mode: 'shuffle',
      count: this.count,
      batchSize: this.batchSize,
      epochRng: this.epochRng.slice(0, 4),
      epoch: this.epoch,
      step: this.step,
    } satisfies ShuffleState;
  }

  /** Restore a state from getState() (e.g. a checkpoint); the same batches follow. */
  setState(s: unknown): void {
    const bad = (why: string): never => {
      throw new Error(`batch sampler state: ${why}`);
    };
    if (typeof s !== 'object' || s === null) bad('must be an object');
    const st = s as { [K in keyof ShuffleState | keyof FixedState]?: unknown };
    const mode = this.fixed ? 'fixed' : 'shuffle';
    if (st.mode !== mode) bad(`mode is ${String(st.mode)}, this sampler is ${mode}`);
    if (st.count !== this.count) bad(`saved for ${String(st.count)} samples, the dataset has ${this.count}`);
    const epoch = st.epoch as number;
    const step = st.step as number;
    if (!Number.isInteger(epoch) || !Number.isInteger(step) || epoch < 0 || step < epoch * this.stepsPerEpoch || step >= (epoch + 1) * this.stepsPerEpoch)
      bad(`epoch ${String(st.epoch)} / step ${String(st.step)} are inconsistent with ${this.stepsPerEpoch} steps per epoch`);
    if (this.fixed) {
      if (st.batches !== this.fixed.length || st.orderHash !== hashOrder(this.fixed)) bad('saved for a different explicit batch order');
    } else {
      if (st.batchSize !== this.batchSize) bad(`saved for batch size ${String(st.batchSize)}, this sampler uses ${this.batchSize}`);
      const r = st.epochRng;
      if (!Array.isArray(r) || r.length !== 4 || r.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff))
        bad('epochRng must be 4 unsigned 32-bit integers');
      (this.rng as Rng).setState([...(r as number[]), NaN]);
      this.shuffleEpoch();
    }
    this.epoch = epoch;
    this.step = step;
  }

  private shuffleEpoch(): void {
    const rng = this.rng as Rng;
    this.epochRng = rng.getState();
    this.order = rng.shuffle(Int32Array.from({ length: this.count }, (_, i) => i));
  }
}

function hashOrder(batches: Int32Array[]): number {
  let h = 0x811c9dc5;
  for (const b of batches) {
    for (const i of b) h = Math.imul(h ^ i, 0x01000193) >>> 0;
    h = Math.imul(h ^ 0xffffffff, 0x01000193) >>> 0; // batch separator
  }
  return h;
}

/** Parse a batch-order file: a JSON array of non-empty arrays of 0-based training indices < count. */
export function parseBatchOrder(text: string, file: string, count: number): number[][] {
  const v = parseJson(text, file);
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${file}: expected a non-empty JSON array of batches (arrays of 0-based sample indices)`);
  v.forEach((b: unknown, i: number) => {
    if (!Array.isArray(b) || b.length === 0) throw new Error(`${file}: batch ${i} (0-based) must be a non-empty array of indices`);
    b.forEach((k: unknown, j: number) => {
      // The value is not quoted: an error never echoes what a file holds.
      if (!Number.isInteger(k) || (k as number) < 0 || (k as number) >= count)
        throw new Error(`${file}: batch ${i} (0-based), entry ${j}: not an integer in 0..${count - 1}`);
    });
  });
  return v as number[][];
}

/** Copy the rows `idx` of a dataset into a contiguous batch. */
export function gatherBatch(ds: Dataset, idx: Int32Array): { x: Float64Array; y: Uint8Array; size: number } {
  const d = ds.dim;
  const x = new Float64Array(idx.length * d);
  const y = new Uint8Array(idx.length);
  for (let b = 0; b < idx.length; b++) {
    const i = idx[b];
    if (i < 0 || i >= ds.count) throw new Error(`gatherBatch: index ${i} outside 0..${ds.count - 1} of ${ds.name}`);
    x.set(ds.x.subarray(i * d, (i + 1) * d), b * d);
    y[b] = ds.y[i];
  }
  return { x, y, size: idx.length };
}
