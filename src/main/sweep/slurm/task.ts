// `sweep task DIR INDEX`: what one Slurm array task runs. The run lives in the task's own file; a requeued or
// preempted task finds its run there and resumes it from its checkpoint (Slurm runs one instance of an array
// task at a time, so a run still marked running in that file belongs to a task that is gone). A finished run is
// exported to runs/INDEX.chaoslab, whole or not at all, for `sweep collect`. Progress goes to the Slurm log.
import { existsSync } from 'node:fs';
import type { RunStatus } from '../../../shared/frames';
import { withSource } from '../../../shared/sweep/spec';
import { UsageError } from '../../cli/input';
import { RunControl } from '../../engine/runner';
import { RunStore } from '../../store/run-store';
import { stopOnSignals } from '../child';
import { DONE, runEntry } from '../entry';
import { SweepLibrary } from '../library';
import { SweepDir } from './layout';

/** The one run a task's file holds (null before the task first ran). */
function onlyRun(store: RunStore, file: string) {
  const runs = store.list();
  if (runs.length > 1) throw new Error(`${file} holds ${runs.length} runs; a task's run file holds one`);
  return runs[0] ?? null;
}

export async function runTask(dirArg: string, index: number, log: (line: string) => void): Promise<RunStatus> {
  const d = new SweepDir(dirArg);
  const m = d.readManifest();
  const entry = m.entries[index];
  if (!entry) throw new UsageError(`sweep task: ${d.manifest} has runs 0…${m.entries.length - 1}, not ${index}`);
  const what = `task ${index} (${entry.name})`;
  if (existsSync(d.run(index))) {
    log(`${what}: already finished and exported to ${d.run(index)}`);
    return 'finished';
  }
  const sources: RunStore[] = [];
  let sourceId: string | null = null;
  if (entry.after !== null) {
    const file = d.task(entry.after);
    if (!existsSync(d.run(entry.after))) throw new Error(`${what} waits for task ${entry.after}, whose run has not finished (no ${d.run(entry.after)})`);
    const src = RunStore.open(file, { readonly: true });
    sources.push(src);
    sourceId = onlyRun(src, file)?.id ?? null;
  }
  const store = RunStore.open(d.task(index));
  const existing = onlyRun(store, d.task(index));
  if (existing && (existing.status === 'running' || existing.status === 'paused'))
    store.setStatus(existing.id, 'interrupted', 'its Slurm task stopped (requeued, preempted or killed)');
  const control = new RunControl();
  stopOnSignals(control);
  let lastLog = 0;
  const result = await runEntry({
    library: new SweepLibrary(store, { sources }),
    config: withSource(entry.config, sourceId),
    runId: existing?.id ?? null,
    control,
    hooks: {
      started: (i) => log(`${what}: run ${i.runId} ${existing ? 'resumed' : 'started'}, ${i.totalSteps} steps, on ${i.env.machine}`),
      progress: (p) => {
        if (performance.now() - lastLog < 30_000) return;
        lastLog = performance.now();
        log(`${what}: step ${p.step}/${p.total}, ${p.stepsPerSec.toFixed(1)} steps/s`);
      },
      log: (line) => log(`${what}: ${line}`),
    },
  });
  log(`${what}: run ${result.runId} ${result.status} after ${result.steps} steps${result.error ? ` — ${result.error}` : ''}`);
  if (DONE.includes(result.status)) {
    const out = RunStore.open(d.task(index));
    try {
      out.exportRun(result.runId, d.run(index));
    } finally {
      out.close();
    }
    log(`${what}: exported to ${d.run(index)}`);
  }
  return result.status;
}
