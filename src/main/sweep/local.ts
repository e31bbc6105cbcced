// `sweep run`: a sweep on this machine, up to `jobs` child processes at once (`sweep exec`, child.ts), all writing
// one local database (WAL; each child writes only its own run). The sweep and its runs are recorded first, so a
// rerun continues: finished runs are kept, stopped ones resumed, failed ones retried only when asked. Ctrl-C (or
// SIGTERM) stops the children cleanly; if this process is killed, each child notices its parent is gone and stops.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RunStatus } from '../../shared/frames';
import type { SweepRunRow } from '../../shared/sweep/records';
import { entryState } from '../../shared/sweep/records';
import { RunStore } from '../store/run-store';
import type { ChildMessage, ParentMessage } from './child';
import type { ChildEntry } from './child-entry';
import type { LoadedSweep } from './plan';
import { SweepQueue } from './queue';

/** This checkout's CLI, run the way `npm run lab` runs it (node + tsx), with absolute paths. */
export const CLI_ENTRY = { script: join(__dirname, '..', 'cli.ts'), execArgv: ['--import', require.resolve('tsx')] };

export interface SweepProgress {
  /** Runs done (finished or diverged), failed in this invocation, running now, still to run. */
  done: number;
  failed: number;
  running: number;
  waiting: number;
  stepsPerSec: number;
  etaSec: number;
}
export type SweepEvent =
  | { type: 'start'; index: number; name: string; resumeId: string | null }
  | { type: 'adopt'; index: number; name: string; runId: string }
  | { type: 'end'; index: number; name: string; runId: string | null; status: RunStatus; error: string | null }
  | { type: 'progress'; progress: SweepProgress };

/** The line a command prints for a run's start, end or adoption (progress is each command's own). */
export function runEventLine(e: Exclude<SweepEvent, { type: 'progress' }>): string {
  if (e.type === 'start') return `  ${e.resumeId ? 'resume' : 'start '} #${e.index} ${e.name}`;
  if (e.type === 'adopt') return `  reuse  #${e.index} ${e.name}: run ${e.runId}, finished earlier with the same config`;
  return `  ${e.status.padEnd(8)} #${e.index} ${e.name}${e.error ? ` — ${e.error}` : ''}`;
}

export interface LocalSweepOptions {
  dbFile: string;
  jobs: number;
  /** OpenBLAS threads per run (OPENBLAS_NUM_THREADS of each child). */
  threads: number;
  /** The script and node flags each child runs (child-entry.ts). */
  entry: ChildEntry;
  retryFailed: boolean;
  onEvent(e: SweepEvent): void;
}
export interface SweepOutcome {
  rows: readonly SweepRunRow[];
  blocked: { index: number; on: number }[];
  /** Stopped by SIGINT/SIGTERM before the end. */
  stopped: boolean;
}

interface Child {
  proc: ChildProcess;
  runId: string | null;
  status: RunStatus | null;
  error: string | null;
  step: number;
  total: number;
  rate: number;
  stderr: string;
}

export async function runSweepLocally(s: LoadedSweep, opts: LocalSweepOptions): Promise<SweepOutcome> {
  const store = RunStore.open(opts.dbFile);
  let rows: SweepRunRow[];
  try {
    for (const a of store.sweeps.record(s.id, s.plan.title, s.spec, s.plan.entries, { adopt: true })) opts.onEvent({ type: 'adopt', ...a });
    rows = store.sweeps.get(s.id).runs;
  } finally {
    store.close();
  }
  const queue = new SweepQueue(rows, opts.retryFailed);
  const children = new Map<number, Child>();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // With a callback, a child that has just exited makes send fail quietly instead of raising an 'error' event.
    for (const c of children.values()) if (c.proc.connected) c.proc.send({ type: 'cancel' } satisfies ParentMessage, () => {});
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const knownTotals = (): number[] => [...children.values()].map((c) => c.total).filter((t) => t > 0);
  const progress = (): SweepProgress => {
    const st = queue.state.map((r) => entryState(r.status));
    const running = [...children.values()];
    const waiting = queue.state.filter((r) => !children.has(r.index) && !['finished', 'diverged', 'failed'].includes(entryState(r.status)));
    const totals = knownTotals();
    const typical = totals.length ? totals.reduce((a, b) => a + b) / totals.length : 0;
    const rate = running.reduce((a, c) => a + c.rate, 0);
    const remaining =
      running.reduce((a, c) => a + Math.max(0, c.total - c.step), 0) + waiting.reduce((a, r) => a + (s.plan.entries[r.index].config.train.steps ?? typical), 0);
    return {
      done: st.filter((x) => x === 'finished' || x === 'diverged').length,
      failed: st.filter((x, i) => x === 'failed' && !children.has(i)).length,
      running: running.length,
      waiting: waiting.length,
      stepsPerSec: rate,
      etaSec: rate > 0 ? remaining / rate : Infinity,
    };
  };
  const ticker = setInterval(() => opts.onEvent({ type: 'progress', progress: progress() }), 1000);

  try {
    await new Promise<void>((resolveAll) => {
      const launch = (index: number, resumeId: string | null): void => {
        queue.start(index);
        const name = s.plan.entries[index].name;
        opts.onEvent({ type: 'start', index, name, resumeId });
        const proc = fork(opts.entry.script, ['sweep', 'exec', '--db', opts.dbFile, '--sweep', s.id, '--index', String(index)], {
          execArgv: opts.entry.execArgv,
          env: { ...process.env, OPENBLAS_NUM_THREADS: String(opts.threads) },
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        });
        const c: Child = { proc, runId: resumeId, status: null, error: null, step: 0, total: 0, rate: 0, stderr: '' };
        children.set(index, c);
        proc.stderr!.on('data', (d: Buffer) => (c.stderr = (c.stderr + d.toString()).slice(-4000)));
        proc.on('message', (m: ChildMessage) => {
          if (m.type === 'started') Object.assign(c, { runId: m.runId, total: m.totalSteps });
          else if (m.type === 'progress') Object.assign(c, { step: m.step, total: m.total, rate: m.stepsPerSec });
          else Object.assign(c, { runId: m.runId, status: m.status, error: m.error });
        });
        proc.on('close', (code, signal) => {
          children.delete(index);
          // A child that died without reporting leaves its run to be resumed by the next `sweep run`.
          const status = c.status ?? 'failed';
          const error = c.status ? c.error : c.stderr.trim().split('\n').slice(-3).join(' | ') || `exited with ${signal ?? `code ${code}`}`;
          queue.end(index, c.runId, status, error);
          opts.onEvent({ type: 'end', index, name, runId: c.runId, status, error });
          pump();
        });
      };
      const pump = (): void => {
        for (let next = queue.next(); !stopping && next && queue.busy < opts.jobs; next = queue.next()) launch(next.index, next.resumeId);
        if (queue.busy === 0 && (stopping || queue.settled)) resolveAll();
      };
      pump();
    });
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  opts.onEvent({ type: 'progress', progress: progress() });
  return { rows: queue.state, blocked: queue.blocked(), stopped: stopping };
}
