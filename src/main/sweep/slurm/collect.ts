// `sweep status DIR` and `sweep collect DIR`: where each task stands (Slurm, the task's run file, the exported
// run), and importing every finished task's run into one library through the store's importer. Collecting is
// idempotent: a run already in the library is left alone. A task whose run file is missing, damaged or not the
// run the sweep planned is reported by task index with the tail of its Slurm log, and nothing is imported for it.
import { existsSync, readFileSync } from 'node:fs';
import type { RunStatus } from '../../../shared/frames';
import { withSource } from '../../../shared/sweep/spec';
import { RunStore } from '../../store/run-store';
import { DONE } from '../entry';
import type { Manifest } from './layout';
import { SweepDir } from './layout';
import type { TaskState } from './scheduler';
import { taskStates } from './scheduler';

export interface TaskReport {
  index: number;
  name: string;
  stage: string;
  arrayTask: number;
  slurm: TaskState | null;
  /** The run as its files hold it: exported (finished), or still in the task's run file. */
  run: { id: string; status: RunStatus; lastStep: number; totalSteps: number | null; file: 'exported' | 'task' } | null;
  /** A run file that cannot be read, or holds something else than this task's run. */
  problem: string | null;
}

function readRun(file: string): { id: string; status: RunStatus; lastStep: number; totalSteps: number | null; config: unknown } {
  const s = RunStore.open(file, { readonly: true });
  try {
    const runs = s.list();
    if (runs.length !== 1) throw new Error(`it holds ${runs.length} runs, not one`);
    const r = s.get(runs[0].id);
    return { id: r.id, status: r.status, lastStep: r.lastStep, totalSteps: r.env.totalSteps, config: r.config };
  } finally {
    s.close();
  }
}

function inspect(d: SweepDir, m: Manifest, index: number, slurm: Map<string, TaskState>, jobs: Record<string, string>): TaskReport {
  const e = m.entries[index];
  const { stage, task } = d.arrayTask(m, index);
  const report: TaskReport = { index, name: e.name, stage, arrayTask: task, slurm: slurm.get(`${jobs[stage]}_${task}`) ?? null, run: null, problem: null };
  for (const [file, kind] of [
    [d.run(index), 'exported'],
    [d.task(index), 'task'],
  ] as const) {
    if (!existsSync(file)) continue;
    try {
      const r = readRun(file);
      report.run = { id: r.id, status: r.status, lastStep: r.lastStep, totalSteps: r.totalSteps, file: kind };
    } catch (err) {
      report.problem = `${file} cannot be read: ${(err as Error).message.split('\n')[0]}`;
    }
    break;
  }
  return report;
}

export function sweepStatus(dirArg: string): { manifest: Manifest; tasks: TaskReport[]; notes: string[] } {
  const d = new SweepDir(dirArg);
  const m = d.readManifest();
  const jobs = d.jobIds();
  const { states, notes } = taskStates(Object.values(jobs));
  return { manifest: m, tasks: m.entries.map((e) => inspect(d, m, e.index, states, jobs)), notes };
}

/** The last lines of a task's Slurm log (empty when there is none yet). */
export function logTail(d: SweepDir, m: Manifest, index: number, lines = 8): string[] {
  const { stage, task } = d.arrayTask(m, index);
  const file = d.log(stage, task);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
}

export interface CollectResult {
  sweepId: string;
  imported: number[];
  /** Already in the library from an earlier collect. */
  present: number[];
  problems: { index: number; name: string; message: string; log: string[] }[];
}

export function collectSweep(dirArg: string, dbFile: string): CollectResult {
  const d = new SweepDir(dirArg);
  const { manifest: m, tasks, notes } = sweepStatus(dirArg);
  const store = RunStore.open(dbFile);
  const out: CollectResult = { sweepId: m.id, imported: [], present: [], problems: [] };
  try {
    store.sweeps.record(m.id, m.title, m.spec, m.entries);
    const rows = store.sweeps.get(m.id).runs;
    const problem = (t: TaskReport, message: string): void => void out.problems.push({ index: t.index, name: t.name, message, log: logTail(d, m, t.index) });
    // Entries are in stage order, so a run's source is collected before the run that started from it.
    for (const t of tasks) {
      const row = rows[t.index];
      if (row.runId) {
        out.present.push(t.index);
        continue;
      }
      if (t.problem) {
        problem(t, t.problem);
        continue;
      }
      if (t.run?.file !== 'exported') {
        const slurm = t.slurm
          ? `Slurm: ${t.slurm.state}${t.slurm.detail ? ` (${t.slurm.detail})` : ''}`
          : `Slurm: ${notes.length ? 'unknown' : 'not in the queue'}`;
        const file = t.run ? `its run is ${t.run.status} at step ${t.run.lastStep + 1}/${t.run.totalSteps ?? '?'}` : 'no run file yet';
        problem(t, `not finished — ${slurm}; ${file}`);
        continue;
      }
      const e = m.entries[t.index];
      const source = e.after === null ? null : rows[e.after].runId;
      if (e.after !== null && !source) {
        problem(t, `its source, task ${e.after}, is not collected`);
        continue;
      }
      const file = d.run(t.index);
      try {
        const held = readRun(file);
        if (!DONE.includes(held.status) || JSON.stringify(held.config) !== JSON.stringify(withSource(e.config, source)))
          throw new Error(`${file} holds run ${held.id} (${held.status}), not the finished run this task plans; nothing was imported`);
        store.transaction(() => {
          store.importRun(file);
          store.sweeps.link(m.id, t.index, held.id);
        });
        rows[t.index].runId = held.id;
        out.imported.push(t.index);
      } catch (err) {
        problem(t, `${(err as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    store.close();
  }
  return out;
}
