// How far a sweep's runs are, in steps, and when it will end at the rate measured while watching it.
import type { SweepRunRow } from '../../../shared/sweep/records';
import { entryState } from '../../../shared/sweep/records';

/**
 * Steps done and left over a sweep's runs. A started run knows its length; one not started yet counts `planned[i]`
 * steps when known, else as many as the started runs on average. Finished, diverged and failed runs have none left.
 */
export function sweepSteps(runs: readonly SweepRunRow[], planned: readonly (number | null)[] = []): { done: number; left: number } {
  const known = runs.flatMap((r) => (r.totalSteps === null ? [] : [r.totalSteps]));
  const typical = known.length ? known.reduce((a, b) => a + b) / known.length : 0;
  let done = 0;
  let left = 0;
  for (const [i, r] of runs.entries()) {
    const total = r.totalSteps ?? planned[i] ?? typical;
    const state = entryState(r.status);
    const did = state === 'finished' || state === 'diverged' ? total : Math.max(0, r.lastStep + 1);
    done += did;
    if (state !== 'finished' && state !== 'diverged' && state !== 'failed') left += Math.max(0, total - did);
  }
  return { done, left };
}

/** Seconds to go at the rate of the last `windowMs` of samples (steps done at a time), or null before a rate is known. */
export class EtaMeter {
  private samples: [number, number][] = [];
  constructor(private readonly windowMs = 60_000) {}

  sample(tMs: number, done: number): void {
    this.samples.push([tMs, done]);
    while (this.samples.length > 2 && tMs - this.samples[1][0] >= this.windowMs) this.samples.shift();
  }

  eta(left: number): number | null {
    if (this.samples.length < 2) return null;
    const [t0, d0] = this.samples[0];
    const [t1, d1] = this.samples[this.samples.length - 1];
    const rate = (d1 - d0) / ((t1 - t0) / 1000);
    return rate > 0 ? left / rate : null;
  }
}
