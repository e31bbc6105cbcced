// A sweep before anything runs: its id, the spec read from a file, what each run will cost (steps, time per
// step measured on this machine, disk), and the check that the disk can hold it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatErrors } from '../../shared/config';
import type { RunConfig } from '../../shared/config';
import { bytes, duration } from '../../shared/format';
import type { CostEstimate } from '../../shared/records';
import { costConfig } from '../../shared/records';
import type { SweepEntry, SweepPlan } from '../../shared/sweep/spec';
import { expandSweep } from '../../shared/sweep/spec';
import { UsageError, readJson } from '../cli/input';
import { loadData, parseBatchOrder } from '../engine/data';
import { estimateCost } from '../engine/estimate';

/** A sweep is identified by what it runs: the same expanded runs give the same id (so rerunning continues it). */
export function sweepId(plan: SweepPlan): string {
  const runs = plan.entries.map((e) => [e.name, e.stage, e.after, e.config]);
  return createHash('sha256').update(JSON.stringify(runs)).digest('hex').slice(0, 16);
}

export interface LoadedSweep {
  id: string;
  /** The spec as parsed from the file (stored with the sweep). */
  spec: unknown;
  plan: SweepPlan;
}

/** Read and expand a sweep spec file; bad specs are refused naming the file and the field. */
export function loadSweep(file: string): LoadedSweep {
  const spec = readJson(file, 'sweep spec');
  const r = expandSweep(spec);
  if (!r.ok) throw new UsageError(`invalid sweep spec ${file}:\n${formatErrors(r.errors)}`);
  return { id: sweepId(r.plan), spec, plan: r.plan };
}

export interface EntryCost {
  /** Planned steps (null when the data could not be read here to count an epoch). */
  steps: number | null;
  /** Measured spectrum time per step (0 for runs without spectra, CGD or Lyapunov exponents). */
  msPerStep: number;
  diskBytes: number;
}
export interface PlanCost {
  entries: EntryCost[];
  steps: number;
  /** Σ steps × ms per step over the runs, in seconds: the spectrum work on one core of this machine. */
  seconds: number;
  diskBytes: number;
  /** Why some steps are unknown. */
  notes: string[];
}

/**
 * Steps per epoch of a config's data (counted once per data set, batch and batch order), and why some are unknown.
 * Only counts are kept: data that could not be read is tried again (it may have been put in place since).
 */
export function epochCounter(): { perEpoch(c: RunConfig): number | null; notes: Set<string> } {
  const epochs = new Map<string, number>();
  const notes = new Set<string>();
  const perEpoch = (c: RunConfig): number | null => {
    const key = JSON.stringify([c.data, c.train.batchSize, c.train.batchOrderFile]);
    if (!epochs.has(key))
      try {
        const order = c.train.batchOrderFile;
        const count = loadData(c.data).train.count;
        epochs.set(key, order ? parseBatchOrder(readFileSync(order, 'utf8'), order, count).length : Math.floor(count / c.train.batchSize));
      } catch (e) {
        notes.add(`steps of runs given in epochs are unknown: ${(e as Error).message.split('\n')[0]}`);
        return null;
      }
    return epochs.get(key)!;
  };
  return { perEpoch, notes };
}

/** The cost of every run: the engine's estimate, measured once per distinct configuration. */
export function planCost(entries: SweepEntry[]): PlanCost {
  const estimates = new Map<string, CostEstimate>();
  const { perEpoch: stepsPerEpoch, notes } = epochCounter();
  const out = entries.map((e): EntryCost => {
    const c = e.config;
    const perEpoch = c.train.steps === null ? stepsPerEpoch(c) : null;
    const key = JSON.stringify([costConfig(c), perEpoch]);
    let est = estimates.get(key);
    if (!est) estimates.set(key, (est = estimateCost(c, perEpoch ?? undefined)));
    return { steps: est.steps, msPerStep: est.msPerStep, diskBytes: est.diskBytes };
  });
  return {
    entries: out,
    steps: out.reduce((s, e) => s + (e.steps ?? 0), 0),
    seconds: out.reduce((s, e) => s + ((e.steps ?? 0) * e.msPerStep) / 1000, 0),
    diskBytes: out.reduce((s, e) => s + e.diskBytes, 0),
    notes: [...notes],
  };
}

/** Free bytes on the file system that will hold `target` (a file or directory that may not exist yet). */
export function freeBytes(target: string): number {
  let dir = resolve(target);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Refuse a sweep whose estimated disk use exceeds the free space where it will be written (`arg` names where). */
export function checkDisk(cost: PlanCost, target: string, arg: string): void {
  const free = freeBytes(target);
  if (cost.diskBytes > free)
    throw new UsageError(
      `${arg} ${target}: the sweep's ${cost.entries.length} runs need an estimated ${bytes(cost.diskBytes)}, but only ${bytes(free)} are free there. ` +
        'Nothing was run. Reduce train.steps (or train.epochs), raise spectrum.every, or free space.',
    );
}

/** The plan as a table: one line per run, then the totals. */
export function formatPlan(s: LoadedSweep, cost: PlanCost): string {
  const { plan } = s;
  const axes = plan.axes.length ? ` over ${plan.axes.join(' × ')}` : '';
  const lines = [`sweep "${plan.title}" (id ${s.id}): ${plan.entries.length} runs${axes}, stages ${plan.stages.join(' → ')}`];
  const width = Math.max(4, ...plan.entries.map((e) => e.name.length));
  lines.push(
    `  ${'#'.padStart(4)}  ${'name'.padEnd(width)}  ${'after'.padStart(5)}  ${'steps'.padStart(8)}  ${'spectrum/step'.padStart(13)}  ${'disk'.padStart(9)}`,
  );
  plan.entries.forEach((e, i) => {
    const c = cost.entries[i];
    lines.push(
      `  ${String(e.index).padStart(4)}  ${e.name.padEnd(width)}  ${(e.after === null ? '' : `#${e.after}`).padStart(5)}  ${(c.steps === null ? '?' : c.steps.toLocaleString('en')).padStart(8)}  ${(c.msPerStep ? `${c.msPerStep.toFixed(1)} ms` : '—').padStart(13)}  ${bytes(c.diskBytes).padStart(9)}`,
    );
  });
  lines.push(
    `total: ${cost.steps.toLocaleString('en')} steps, ${duration(cost.seconds)} of spectrum work on one core of this machine (measured; training steps come on top), ${bytes(cost.diskBytes)} of disk`,
  );
  for (const n of cost.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
