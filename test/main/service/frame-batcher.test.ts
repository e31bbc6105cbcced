// FrameBatcher: metrics are concatenated without loss, spectra dropped to the latest, and no more than
// maxInFlight batches are ever unacknowledged (backpressure).
import { describe, expect, it } from 'vitest';
import type { EstimatedSpectrumFrame, MetricFrame, SpectrumFrame } from '../../../src/shared/frames';
import type { FrameBatch } from '../../../src/shared/ipc';
import { FrameBatcher } from '../../../src/main/service/frame-batcher';

const metric = (step: number): MetricFrame => ({ step, epoch: 0, wall: step / 100, values: { loss: 1 / (step + 1) } });
const spectrum = (step: number): SpectrumFrame => ({ step, n: 10, eigenvalues: Float64Array.of(-1, step), nullCount: 8, nullTol: 1e-12 });
const estimated = (step: number): EstimatedSpectrumFrame => ({
  step,
  n: 10,
  lanczosSteps: 4,
  top: Float64Array.of(step),
  topResiduals: Float64Array.of(0),
  bottom: Float64Array.of(-1),
  bottomResiduals: Float64Array.of(0),
  nullTol: 0,
  density: null,
});
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 120));

describe('FrameBatcher', () => {
  it('concatenates metrics, keeps the latest spectrum, and holds batches while the subscriber has not acked', async () => {
    const got: FrameBatch[] = [];
    const b = new FrameBatcher('run1', (x) => got.push(x), { maxRate: 30, maxInFlight: 2, maxFrames: 10_000 });
    let step = 0;
    const burst = (n: number): void => {
      for (let i = 0; i < n; i++, step++) {
        b.pushMetrics(metric(step));
        b.pushSpectrum(spectrum(step));
        if (step % 2 === 0) b.pushEstimated(estimated(step));
      }
    };
    burst(50);
    await settle();
    burst(50);
    await settle();
    expect(got.map((g) => g.seq)).toEqual([1, 2]);
    burst(300);
    await settle();
    await settle();
    // Two batches unacknowledged: nothing more is sent, frames accumulate.
    expect(got).toHaveLength(2);
    expect(b.inFlight).toBe(2);
    b.ack(1);
    await settle();
    expect(got).toHaveLength(3);
    b.ack(3);
    burst(10);
    b.flush();
    expect(got).toHaveLength(4);

    const steps = got.flatMap((g) => g.metrics.map((m) => m.step));
    expect(steps).toEqual(Array.from({ length: 410 }, (_, i) => i));
    // Spectra: one per batch, the latest at the time it was sent.
    expect(got.map((g) => g.spectrum?.step)).toEqual(got.map((g) => g.metrics[g.metrics.length - 1].step));
    // Estimated spectra likewise (logged every other step here).
    expect(got.map((g) => g.estimated?.step)).toEqual(got.map((g) => g.metrics.filter((m) => m.step % 2 === 0).at(-1)?.step));
    expect(got.every((g) => g.runId === 'run1' && !g.resync)).toBe(true);
    b.close();
  });

  it('drops the oldest frames beyond maxFrames while the subscriber lags, and says so', async () => {
    const got: FrameBatch[] = [];
    const b = new FrameBatcher('run2', (x) => got.push(x), { maxRate: 30, maxInFlight: 1, maxFrames: 100 });
    b.pushMetrics(metric(0));
    await settle();
    expect(got).toHaveLength(1);
    for (let s = 1; s <= 500; s++) b.pushMetrics(metric(s));
    await settle();
    expect(got).toHaveLength(1);
    b.ack(1);
    await settle();
    expect(got).toHaveLength(2);
    expect(got[1].resync).toBe(true);
    expect(got[1].metrics.map((m) => m.step)).toEqual(Array.from({ length: 100 }, (_, i) => 401 + i));
    b.close();
  });

  it('ignores acks for batches never sent', async () => {
    const got: FrameBatch[] = [];
    const b = new FrameBatcher('run3', (x) => got.push(x), { maxRate: 30, maxInFlight: 1, maxFrames: 100 });
    b.pushMetrics(metric(0));
    await settle();
    b.ack(99);
    expect(b.inFlight).toBe(1);
    b.close();
  });
});
