// `sweep exec`: one run of a locally running sweep, in a child process of `sweep run` (local.ts). It reads its
// entry from the database, links the run it creates to the sweep in the same transaction, reports over the IPC
// channel, and stops cleanly (the run ends 'cancelled', resumable) on SIGINT, SIGTERM, a cancel message, or when
// the parent goes away.
import type { RunStatus } from '../../shared/frames';
import { withSource } from '../../shared/sweep/spec';
import { RunControl } from '../engine/runner';
import { RunStore } from '../store/run-store';
import { runEntry } from './entry';
import { SweepLibrary } from './library';

export type ChildMessage =
  | { type: 'started'; runId: string; totalSteps: number }
  | { type: 'progress'; step: number; total: number; stepsPerSec: number }
  | { type: 'done'; runId: string; status: RunStatus; steps: number; error: string | null };
export type ParentMessage = { type: 'cancel' };

/** Stop the run cleanly on the signals a terminal, a scheduler or a parent sends. */
export function stopOnSignals(control: RunControl): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => control.cancel());
}

export async function execChild(dbFile: string, sweepId: string, index: number): Promise<RunStatus> {
  // With a callback, a message to a parent that has just died fails quietly (without one it is an uncaught EPIPE).
  const send = (m: ChildMessage, sent: () => void = () => {}): void => void (process.connected ? process.send!(m, () => sent()) : sent());
  const control = new RunControl();
  stopOnSignals(control);
  process.on('message', (m: ParentMessage) => m.type === 'cancel' && control.cancel());
  process.on('disconnect', () => control.cancel());

  const store = RunStore.open(dbFile);
  const sweep = store.sweeps.get(sweepId);
  const row = sweep.runs[index];
  if (!row) throw new Error(`sweep ${sweepId} has no run ${index}`);
  const source = row.after === null ? null : sweep.runs[row.after];
  if (source && source.status !== 'finished')
    throw new Error(`run ${index} waits for run ${source.index} (${source.name}), which is ${source.status ?? 'not started'}`);
  const config = withSource(sweep.configs[index], source?.runId ?? null);
  let lastSent = 0;
  const result = await runEntry({
    library: new SweepLibrary(store, { link: (runId) => store.sweeps.link(sweep.id, index, runId) }),
    config,
    runId: row.runId,
    control,
    hooks: {
      started: (i) => send({ type: 'started', runId: i.runId, totalSteps: i.totalSteps }),
      progress: (p) => {
        if (performance.now() - lastSent < 500 && p.step < p.total) return;
        lastSent = performance.now();
        send({ type: 'progress', step: p.step, total: p.total, stepsPerSec: p.stepsPerSec });
      },
    },
  });
  // Delivered before the process exits (process.send is asynchronous).
  await new Promise<void>((resolveSent) => send({ type: 'done', ...result }, resolveSent));
  return result.status;
}
