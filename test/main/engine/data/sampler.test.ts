import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../../src/main/engine/data/dataset';
import { BatchSampler, gatherBatch, parseBatchOrder } from '../../../../src/main/engine/data/sampler';

const draw = (s: BatchSampler, n: number) => Array.from({ length: n }, () => s.next());
const asLists = (bs: { indices: Int32Array }[]) => bs.map((b) => Array.from(b.indices));

describe('BatchSampler (seeded shuffle)', () => {
  it('covers a permutation per epoch and drops the partial batch', () => {
    const s = new BatchSampler(100, 8, 3);
    expect(s.stepsPerEpoch).toBe(12);
    const e0 = draw(s, 12);
    const seen = e0.flatMap((b) => Array.from(b.indices));
    expect(seen.length).toBe(96);
    expect(new Set(seen).size).toBe(96);
    expect(seen.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(e0.map((b) => [b.epoch, b.step])).toEqual(Array.from({ length: 12 }, (_, k) => [0, k]));
    const e1 = draw(s, 12);
    expect(e1[0].epoch).toBe(1);
    expect(e1[0].step).toBe(12);
    expect(asLists(e1)).not.toEqual(asLists(e0));
  });

  it('is deterministic per seed', () => {
    expect(asLists(draw(new BatchSampler(50, 5, 7), 25))).toEqual(asLists(draw(new BatchSampler(50, 5, 7), 25)));
    expect(asLists(draw(new BatchSampler(50, 5, 7), 10))).not.toEqual(asLists(draw(new BatchSampler(50, 5, 8), 10)));
  });

  it('resumes from a JSON-serialised state with the same batches, mid-epoch and at an epoch boundary', () => {
    for (const cut of [17, 24, 0]) {
      const a = new BatchSampler(100, 8, 11);
      draw(a, cut);
      const state = JSON.parse(JSON.stringify(a.getState()));
      const rest = asLists(draw(a, 40));
      const b = new BatchSampler(100, 8, 999);
      draw(b, 5);
      b.setState(state);
      expect(asLists(draw(b, 40))).toEqual(rest);
    }
  });

  it('rejects bad arguments and foreign states', () => {
    expect(() => new BatchSampler(10, 11, 0)).toThrow(/train\.batchSize: 11 exceeds the 10 training samples/);
    expect(() => new BatchSampler(10, 0, 0)).toThrow(/batch size must be a positive integer, got 0/);
    const st = new BatchSampler(100, 8, 0).getState();
    expect(() => new BatchSampler(90, 8, 0).setState(st)).toThrow(/saved for 100 samples, the dataset has 90/);
    expect(() => new BatchSampler(100, 4, 0).setState(st)).toThrow(/saved for batch size 8, this sampler uses 4/);
    expect(() => new BatchSampler(100, 8, 0).setState({ ...(st as object), step: 99 })).toThrow(/epoch 0 \/ step 99 are inconsistent/);
    expect(() => new BatchSampler(100, 8, 0).setState(null)).toThrow(/state: must be an object/);
  });
});

describe('BatchSampler.fromOrder', () => {
  const order = [[0, 1], [2, 3, 4], [5]];
  it('follows the explicit order and cycles it', () => {
    const s = BatchSampler.fromOrder(order, 6);
    expect(s.stepsPerEpoch).toBe(3);
    const got = draw(s, 5);
    expect(asLists(got)).toEqual([[0, 1], [2, 3, 4], [5], [0, 1], [2, 3, 4]]);
    expect(got.map((b) => b.epoch)).toEqual([0, 0, 0, 1, 1]);
    expect(got.map((b) => b.step)).toEqual([0, 1, 2, 3, 4]);
  });
  it('resumes, and refuses a state from another order', () => {
    const a = BatchSampler.fromOrder(order, 6);
    draw(a, 4);
    const b = BatchSampler.fromOrder(order, 6);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(asLists(draw(b, 4))).toEqual(asLists(draw(a, 4)));
    expect(() => BatchSampler.fromOrder([[0, 1], [3, 2, 4], [5]], 6).setState(a.getState())).toThrow(/different explicit batch order/);
    expect(() => new BatchSampler(6, 2, 0).setState(a.getState())).toThrow(/mode is fixed, this sampler is shuffle/);
  });
  it('validates indices against the dataset size', () => {
    expect(() => BatchSampler.fromOrder([[0], [6]], 6)).toThrow(/batch 1 \(0-based\) has index 6, outside 0\.\.5/);
    expect(() => BatchSampler.fromOrder([[0], []], 6)).toThrow(/batch 1 \(0-based\) must be a non-empty array/);
    expect(() => BatchSampler.fromOrder([], 6)).toThrow(/needs at least one batch/);
  });
});

describe('parseBatchOrder', () => {
  it('parses a JSON array of index arrays', () => {
    expect(parseBatchOrder('[[0,1],[2]]', 'order.json', 3)).toEqual([[0, 1], [2]]);
  });
  it('names the file and the batch', () => {
    expect(() => parseBatchOrder('[[0,1],', 'order.json', 3)).toThrow(/^order\.json: not valid JSON/);
    expect(() => parseBatchOrder('{"a":1}', 'order.json', 3)).toThrow(/order\.json: expected a non-empty JSON array of batches/);
    expect(() => parseBatchOrder('[[0],[1],[2,100]]', 'order.json', 3)).toThrow(/order\.json: batch 2 \(0-based\), entry 1: not an integer in 0\.\.2/);
    expect(() => parseBatchOrder('[[0],[1.5]]', 'order.json', 3)).toThrow(/order\.json: batch 1 \(0-based\), entry 0: not an integer/);
    expect(() => parseBatchOrder('[[0],"x"]', 'order.json', 3)).toThrow(/order\.json: batch 1 \(0-based\) must be a non-empty array/);
  });
  it('never echoes what the file holds', () => {
    for (const text of ['root:x:0:0:root:/root:/bin/bash', '[[0],["root:x:0:0"]]', '[[0],[1e300]]'])
      try {
        parseBatchOrder(text, 'order.json', 3);
        throw new Error('accepted');
      } catch (e) {
        expect((e as Error).message).toMatch(/^order\.json: /);
        expect((e as Error).message).not.toMatch(/root|1e300|1e\+300/);
      }
  });
});

describe('gatherBatch', () => {
  const ds: Dataset = { name: 't', x: Float64Array.from({ length: 12 }, (_, i) => i / 10), y: Uint8Array.from([7, 8, 9, 1]), count: 4, dim: 3, source: '' };
  it('copies the selected rows and labels in batch order', () => {
    const b = gatherBatch(ds, Int32Array.from([3, 0, 3]));
    expect(b.size).toBe(3);
    expect(Array.from(b.x)).toEqual([0.9, 1.0, 1.1, 0, 0.1, 0.2, 0.9, 1.0, 1.1]);
    expect(Array.from(b.y)).toEqual([1, 7, 1]);
    b.x[0] = 42;
    expect(ds.x[9]).toBe(0.9);
  });
  it('rejects out-of-range indices', () => {
    expect(() => gatherBatch(ds, Int32Array.from([4]))).toThrow(/index 4 outside 0\.\.3 of t/);
  });
});
