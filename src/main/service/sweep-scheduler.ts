// Sweeps in the app: the spec is validated and expanded in main (errors name the spec field), checked against the
// free disk, recorded in the store, and its runs are started in worker threads, at most `jobs` at once, in the order
// and with the dependencies `sweep run` uses (SweepQueue). A reproduction of the paper is run the same way, from its
// plan. Continuing a sweep runs its stored runs again.
import { dirname } from 'node:path';
import type { RunConfig } from '../../shared/config';
import { formatErrors } from '../../shared/config';
import { bytes } from '../../shared/format';
import type { RunStatus } from '../../shared/frames';
import type { CostEstimate } from '../../shared/records';
import { costConfig } from '../../shared/records';
import { IpcError } from '../../shared/ipc';
import { expandSweep, withSource } from '../../shared/sweep/spec';
import type { RunStore } from '../store/run-store';
import type { LoadedSweep } from '../sweep/plan';
import { freeBytes, sweepId } from '../sweep/plan';
import { SweepQueue } from '../sweep/queue';
import type { WorkerInput } from './worker-protocol';

export interface SweepHost {
  readonly store: RunStore;
  readonly dbFile: string;
  /** Start a run in a worker: resolves once the run exists, with a promise of its final status. */
  launch(input: Extract<WorkerInput, { dbFile: string }>): Promise<{ runId: string; done: Promise<RunStatus> }>;
  /** The cost estimate of a config (measured in a worker, cached). */
  estimate(config: RunConfig): Promise<CostEstimate>;
  /** Steps per epoch of a config's data (null: could not be counted), for runs given in epochs. */
  stepsPerEpoch(config: RunConfig): number | null;
  /** Refuses, naming the field, a path in a config that main did not hand out (service/path-grants.ts). */
  checkPaths(config: RunConfig): void;
}

interface Active {
  queue: SweepQueue;
  configs: RunConfig[];
  jobs: number;
  stopping: boolean;
  /** Run ids of this sweep's live runs. */
  live: Set<string>;
}

export class SweepScheduler {
  private readonly active = new Map<string, Active>();
  /** The latest run of each sweep that could not start in this session, and why. */
  private readonly notes = new Map<string, string>();

  constructor(private readonly host: SweepHost) {}

  isLive(id: string): boolean {
    return this.active.has(id);
  }

  note(id: string): string | null {
    return this.notes.get(id) ?? null;
  }

  /** Validate, expand and run a sweep spec. */
  start(specInput: unknown, jobs: number, retryFailed: boolean): Promise<{ sweepId: string; runs: number }> {
    const r = expandSweep(specInput);
    if (!r.ok) throw new IpcError(`Invalid sweep:\n${formatErrors(r.errors)}`, r.errors);
    return this.run({ id: sweepId(r.plan), spec: specInput, plan: r.plan }, jobs, retryFailed);
  }

  /** Record and run an expanded sweep (a spec's, or a reproduction's): its runs' paths checked, its disk use too. */
  async run(sweep: LoadedSweep, jobs: number, retryFailed: boolean): Promise<{ sweepId: string; runs: number }> {
    const { id, plan } = sweep;
    for (const e of plan.entries) this.host.checkPaths(e.config);
    if (this.active.has(id)) throw new IpcError(`Sweep ${id} is already running in this session`, [{ field: 'sweepId', message: 'is a live sweep' }]);
    // One estimate per distinct configuration.
    const keyed = new Map<string, Promise<CostEstimate>>();
    const costs = await Promise.all(
      plan.entries.map((e) => {
        const perEpoch = e.config.train.steps === null ? this.host.stepsPerEpoch(e.config) : null;
        const c = costConfig(e.config, perEpoch === null ? null : perEpoch * e.config.train.epochs);
        const key = JSON.stringify(c);
        if (!keyed.has(key)) keyed.set(key, this.host.estimate(c));
        return keyed.get(key)!;
      }),
    );
    const need = costs.reduce((s, c) => s + c.diskBytes, 0);
    const free = freeBytes(dirname(this.host.dbFile));
    if (need > free)
      throw new IpcError(
        `The sweep's ${plan.entries.length} runs need an estimated ${bytes(need)}, but only ${bytes(free)} are free beside ${this.host.dbFile}. Nothing was started.`,
        [
          {
            field: plan.entries[0].config.train.steps === null ? 'base.train.epochs' : 'base.train.steps',
            message: `the runs need ${bytes(need)} of disk; ${bytes(free)} are free`,
          },
        ],
      );
    this.host.store.sweeps.record(id, plan.title, sweep.spec, plan.entries, { adopt: true });
    const rows = this.host.store.sweeps.get(id).runs;
    const a: Active = { queue: new SweepQueue(rows, retryFailed), configs: plan.entries.map((e) => e.config), jobs, stopping: false, live: new Set() };
    this.active.set(id, a);
    this.notes.delete(id);
    this.pump(id, a);
    return { sweepId: id, runs: plan.entries.length };
  }

  /** Run a stored sweep again, as stored: finished runs are kept, stopped ones resumed, failed ones only with retryFailed. */
  continue(id: string, jobs: number, retryFailed: boolean): Promise<{ sweepId: string; runs: number }> {
    const s = this.host.store.sweeps.get(id);
    const entries = s.runs.map((r, i) => ({ index: r.index, name: r.name, stage: r.stage, point: r.index, after: r.after, config: s.configs[i] }));
    const plan = { title: s.title, axes: [], points: entries.length, stages: [...new Set(entries.map((e) => e.stage))], entries };
    return this.run({ id: s.id, spec: s.spec, plan }, jobs, retryFailed);
  }

  /** Start no more runs of the sweep; returns the ids of its live runs (for the caller to cancel). */
  stop(id: string): string[] {
    const a = this.active.get(id);
    if (!a) throw new IpcError(`Sweep ${id} is not running in this session`, [{ field: 'sweepId', message: 'is not a live sweep' }]);
    a.stopping = true;
    return [...a.live];
  }

  stopAll(): void {
    for (const a of this.active.values()) a.stopping = true;
  }

  private pump(id: string, a: Active): void {
    for (let next = a.queue.next(); !a.stopping && next && a.queue.busy < a.jobs; next = a.queue.next()) {
      const { index, resumeId } = next;
      a.queue.start(index);
      const row = a.queue.state[index];
      const source = row.after === null ? null : a.queue.state[row.after].runId;
      let input: Extract<WorkerInput, { dbFile: string }>;
      try {
        input = resumeId
          ? { task: 'continue', resumeId, dbFile: this.host.dbFile }
          : { task: 'run', config: withSource(a.configs[index], source), dbFile: this.host.dbFile, sweep: { id, index } };
      } catch (e) {
        a.queue.end(index, null, 'failed', (e as Error).message);
        this.notes.set(id, `run ${index} (${row.name}) did not start: ${(e as Error).message}`);
        continue;
      }
      this.host.launch(input).then(
        ({ runId, done }) => {
          a.live.add(runId);
          void done.then((status) => {
            a.live.delete(runId);
            a.queue.end(index, runId, status, null);
            this.pump(id, a);
          });
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          a.queue.end(index, null, 'failed', message);
          this.notes.set(id, `run ${index} (${row.name}) did not start: ${message}`);
          this.pump(id, a);
        },
      );
    }
    if (a.queue.busy === 0 && (a.stopping || a.queue.settled)) this.active.delete(id);
  }
}
