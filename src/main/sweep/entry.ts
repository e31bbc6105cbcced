// One run of a sweep, wherever it executes (a child of `sweep run`, a Slurm task, a worker of the app): continue
// the run it already became, or start it. Finished and diverged runs are results and are left as they are.
import type { RunConfig } from '../../shared/config';
import type { RunStatus } from '../../shared/frames';
import type { RunControl, RunHooks, RunResult } from '../engine/runner';
import { runExperiment } from '../engine/runner';
import type { SweepLibrary } from './library';

/** Statuses that end a sweep's run for good. */
export const DONE: readonly RunStatus[] = ['finished', 'diverged'];

export async function runEntry(opts: {
  library: SweepLibrary;
  config: RunConfig;
  runId: string | null;
  control?: RunControl;
  hooks?: RunHooks;
}): Promise<RunResult> {
  const { library, runId, control, hooks } = opts;
  if (runId) {
    const rec = library.store.get(runId);
    if (DONE.includes(rec.status)) {
      library.close();
      return { runId: rec.id, status: rec.status, steps: rec.lastStep + 1, error: rec.error };
    }
    return runExperiment(null, { library, resumeId: rec.id, control, hooks });
  }
  return runExperiment(opts.config, { library, control, hooks });
}
