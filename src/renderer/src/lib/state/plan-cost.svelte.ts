// The measured cost of a set of runs (a sweep's, a reproduction's): main's estimate (runs.estimate, measured on this
// machine) once per distinct configuration, summed over the runs. The Sweep and Reproduce views show it alike.
import { SvelteMap } from 'svelte/reactivity';
import type { RunConfig } from '../../../../shared/config';
import type { CostEstimate } from '../../../../shared/ipc';
import { costConfig } from '../../../../shared/records';
import { api } from '../api';

/** A run to price: its config and its planned steps (null: given in epochs that were not counted). */
export interface PricedRun {
  config: RunConfig;
  steps: number | null;
}
export interface PlanTotal {
  steps: number;
  /** Σ steps × measured time per step, in seconds: one run after another on one core of this machine. */
  seconds: number;
  disk: number;
  /** Some runs are given in epochs that were not counted: their steps, time and disk are missing from the totals. */
  uncounted: boolean;
}

const keyOf = (r: PricedRun): string => JSON.stringify(costConfig(r.config, r.steps));

export class PlanCost {
  private readonly costs = new SvelteMap<string, CostEstimate>();
  /** Estimates are measured one at a time (timed side by side, they would slow each other down), the latest plan's only. */
  private queue: Promise<void> = Promise.resolve();
  private wanted: string[] = [];
  error = $state('');

  /** Ask main for the estimates not known yet. */
  request(runs: PricedRun[]): void {
    this.wanted = runs.map(keyOf).filter((k, i, all) => all.indexOf(k) === i);
    for (const key of this.wanted)
      this.queue = this.queue.then(() =>
        this.costs.has(key) || !this.wanted.includes(key)
          ? undefined
          : api.call('runs.estimate', { config: JSON.parse(key) }).then(
              (est) => ((this.error = ''), void this.costs.set(key, est)),
              (e: Error) => void (this.error = e.message),
            ),
      );
  }

  /** The totals, or null until every estimate is in. */
  total(runs: PricedRun[]): PlanTotal | null {
    const est = runs.map((r) => this.costs.get(keyOf(r)));
    if (est.some((e) => !e)) return null;
    return {
      steps: runs.reduce((s, r) => s + (r.steps ?? 0), 0),
      seconds: est.reduce((s, e) => s + ((e!.steps ?? 0) * e!.msPerStep) / 1000, 0),
      disk: est.reduce((s, e) => s + e!.diskBytes, 0),
      uncounted: runs.some((r) => r.steps === null),
    };
  }
}
