// The `lab sweep …` command family: plan, run (this machine), slurm (write/submit array scripts), status, collect;
// plus the two entries other processes call: exec (a child of `sweep run`) and task (a Slurm array task).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { duration } from '../../shared/format';
import { entryState, stateCounts } from '../../shared/sweep/records';
import type { RunStatus } from '../../shared/frames';
import { UsageError, parseFlags, suggestion } from '../cli/input';
import { RunStore } from '../store/run-store';
import { execChild } from './child';
import { runEventLine, runSweepLocally, type SweepEvent } from './local';
import { childEntry } from './child-entry';
import { checkDisk, formatPlan, loadSweep, planCost } from './plan';
import { collectSweep, sweepStatus } from './slurm/collect';
import { SweepDir } from './slurm/layout';
import { submitSweep, writeSlurmSweep } from './slurm/scripts';
import { runTask } from './slurm/task';

export const SWEEP_USAGE = `  sweep plan SPEC [--json]                    the runs a sweep spec expands to, with steps, measured time per step, disk
  sweep run SPEC [--jobs J] [--threads T] [--db FILE] [--retry-failed] [--json]
                                              run a sweep here, J runs at once (default: cores / T, T OpenBLAS threads
                                              per run, default 1); rerunning continues it
  sweep slurm SPEC --out DIR [--partition P] [--time D-HH:MM:SS] [--cpus-per-task C] [--mem M] [--max-parallel K]
              [--submit]                      write sbatch array scripts (one task per run) to DIR; --submit calls sbatch
  sweep status DIR | SWEEP_ID [--db FILE]     where a Slurm sweep's tasks (or a local sweep's runs) stand
  sweep collect DIR [--db FILE]               import every finished task's run into the library (idempotent)`;

const counts = (rows: readonly { status: RunStatus | null }[]): string =>
  Object.entries(stateCounts(rows))
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');

function intOption(v: string | undefined, name: string, def: number, min = 1): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

async function cmdRun(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'sweep run',
    args,
    { db: { type: 'string' }, jobs: { type: 'string' }, threads: { type: 'string' }, 'retry-failed': { type: 'boolean' }, json: { type: 'boolean' } },
    true,
  );
  if (!positionals[0]) throw new UsageError('sweep run needs SPEC');
  const s = loadSweep(positionals[0]);
  const dbFile = resolve(values.db ?? RunStore.defaultPath());
  const threads = intOption(values.threads, 'threads', 1);
  const jobs = intOption(values.jobs, 'jobs', Math.max(1, Math.floor(availableParallelism() / threads)));
  checkDisk(planCost(s.plan.entries), dirname(dbFile), '--db');
  const json = values.json ?? false;
  const tty = process.stderr.isTTY && !json;
  let lastLine = 0;
  const say = (line: string): void => void process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  const entry = childEntry(jobs, threads);
  console.error(`sweep "${s.plan.title}" (${s.id}): ${s.plan.entries.length} runs, ${jobs} at once, into ${dbFile}; ${entry.note}`);
  const onEvent = (e: SweepEvent): void => {
    if (json) return void process.stdout.write(JSON.stringify(e) + '\n');
    if (e.type !== 'progress') say(runEventLine(e));
    else {
      const p = e.progress;
      const line = `runs: ${p.done} done, ${p.running} running, ${p.failed} failed, ${p.waiting} to go · ${p.stepsPerSec.toFixed(0)} steps/s · ETA ${duration(p.etaSec)}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else if (performance.now() - lastLine > 10_000) {
        lastLine = performance.now();
        console.error(line);
      }
    }
  };
  const out = await runSweepLocally(s, { dbFile, jobs, threads, entry, retryFailed: values['retry-failed'] ?? false, onEvent });
  if (tty) process.stderr.write('\n');
  for (const b of out.blocked)
    console.error(`  blocked  #${b.index} ${out.rows[b.index].name}: waits for #${b.on}, which is ${out.rows[b.on].status ?? 'not run'}`);
  const failed = out.rows.filter((r) => entryState(r.status) === 'failed');
  console.error(
    `sweep ${s.id}: ${counts(out.rows)}` +
      (out.stopped ? ' — stopped; run the same command to continue' : '') +
      (failed.length ? ` — ${failed.length} failed (rerun with --retry-failed to continue them from their checkpoints)` : ''),
  );
  if (out.stopped) return 130;
  return out.rows.every((r) => r.status === 'finished') ? 0 : 1;
}

function cmdSlurm(args: string[]): number {
  const { values, positionals } = parseFlags(
    'sweep slurm',
    args,
    {
      out: { type: 'string' },
      partition: { type: 'string' },
      time: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      mem: { type: 'string', default: '2G' },
      'max-parallel': { type: 'string' },
      submit: { type: 'boolean' },
    },
    true,
  );
  if (!positionals[0]) throw new UsageError('sweep slurm needs SPEC');
  if (!values.out) throw new UsageError('sweep slurm needs --out DIR (a directory the cluster nodes can read and write)');
  const s = loadSweep(positionals[0]);
  const cost = planCost(s.plan.entries);
  const out = resolve(values.out);
  checkDisk(cost, out, '--out');
  const { dir, manifest } = writeSlurmSweep(s, cost, out, {
    partition: values.partition ?? null,
    time: values.time ?? null,
    cpusPerTask: intOption(values['cpus-per-task'], 'cpus-per-task', 1),
    mem: values.mem!,
    maxParallel: values['max-parallel'] === undefined ? null : intOption(values['max-parallel'], 'max-parallel', 1),
  });
  console.log(`sweep "${manifest.title}" (${manifest.id}): ${manifest.entries.length} runs in ${manifest.stages.length} array job(s), written to ${dir.dir}`);
  for (const st of manifest.stages) console.log(`  ${dir.script(st.stage)}: --array=0-${st.size - 1}${st.after ? `, after ${st.after} (aftercorr)` : ''}`);
  if (!values.submit) {
    console.log(`submit with: bash ${dir.submitScript}   (or rerun with --submit)`);
    return 0;
  }
  const jobs = submitSweep(dir, manifest);
  for (const [stage, id] of Object.entries(jobs)) console.log(`submitted stage ${stage}: job ${id}`);
  return 0;
}

function cmdStatus(args: string[]): number {
  const { values, positionals } = parseFlags('sweep status', args, { db: { type: 'string' } }, true);
  const target = positionals[0];
  if (!target) throw new UsageError('sweep status needs DIR (a Slurm sweep) or SWEEP_ID (a sweep in the database)');
  if (existsSync(new SweepDir(target).manifest)) {
    const { manifest, tasks, notes } = sweepStatus(target);
    console.log(`sweep "${manifest.title}" (${manifest.id}): ${tasks.length} tasks`);
    for (const t of tasks) {
      const slurm = t.slurm ? `${t.slurm.state}${t.slurm.detail ? ` (${t.slurm.detail})` : ''}` : '—';
      const run =
        t.problem ??
        (t.run ? `${t.run.status} ${t.run.lastStep + 1}/${t.run.totalSteps ?? '?'}${t.run.file === 'exported' ? ', exported' : ''}` : 'no run file');
      console.log(`  ${String(t.index).padStart(4)}  ${t.stage}[${t.arrayTask}]  ${t.name}  slurm: ${slurm}  run: ${run}`);
    }
    console.log(`runs: ${counts(tasks.map((t) => ({ status: t.run?.status ?? null })))}`);
    for (const n of notes) console.log(`note: ${n}`);
    return 0;
  }
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: true });
  try {
    const sweep = store.sweeps.get(target);
    console.log(`sweep "${sweep.title}" (${sweep.id}), created ${sweep.createdAt}: ${counts(sweep.runs)}`);
    for (const r of sweep.runs)
      console.log(
        `  ${String(r.index).padStart(4)}  ${entryState(r.status).padEnd(8)} ${r.name}  ${r.runId ? `${r.runId.slice(0, 8)} step ${r.lastStep + 1}/${r.totalSteps ?? '?'}` : ''}`,
      );
  } finally {
    store.close();
  }
  return 0;
}

function cmdCollect(args: string[]): number {
  const { values, positionals } = parseFlags('sweep collect', args, { db: { type: 'string' } }, true);
  if (!positionals[0]) throw new UsageError('sweep collect needs DIR');
  const r = collectSweep(positionals[0], values.db ?? RunStore.defaultPath());
  for (const p of r.problems) {
    console.error(`task ${p.index} (${p.name}): ${p.message}`);
    for (const l of p.log) console.error(`    | ${l}`);
  }
  console.log(
    `sweep ${r.sweepId}: imported ${r.imported.length} run(s)${r.imported.length ? ` (tasks ${r.imported.join(', ')})` : ''}, ` +
      `${r.present.length} already in the library, ${r.problems.length} not collected${r.problems.length ? ` (tasks ${r.problems.map((p) => p.index).join(', ')})` : ''}`,
  );
  return r.problems.length ? 1 : 0;
}

/** Exit code of a sweep's run process (`sweep exec`, `sweep task`): as `run`, plus 130 when stopped by a signal. */
const runExit = (status: string): number => (status === 'finished' ? 0 : status === 'cancelled' ? 130 : 1);

const SUBCOMMANDS = ['plan', 'run', 'slurm', 'status', 'collect'];

export async function cmdSweep(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'plan': {
      const { values, positionals } = parseFlags('sweep plan', rest, { json: { type: 'boolean' } }, true);
      if (!positionals[0]) throw new UsageError('sweep plan needs SPEC');
      const s = loadSweep(positionals[0]);
      const cost = planCost(s.plan.entries);
      if (values.json)
        console.log(
          JSON.stringify({
            id: s.id,
            title: s.plan.title,
            runs: s.plan.entries.map(({ index, name, stage, point, after }, i) => ({ index, name, stage, point, after, ...cost.entries[i] })),
            steps: cost.steps,
            seconds: cost.seconds,
            diskBytes: cost.diskBytes,
            notes: cost.notes,
          }),
        );
      else console.log(formatPlan(s, cost));
      return 0;
    }
    case 'run':
      return cmdRun(rest);
    case 'slurm':
      return cmdSlurm(rest);
    case 'status':
      return cmdStatus(rest);
    case 'collect':
      return cmdCollect(rest);
    case 'exec': {
      const { values } = parseFlags('sweep exec', rest, { db: { type: 'string' }, sweep: { type: 'string' }, index: { type: 'string' } });
      if (!values.db || !values.sweep || values.index === undefined) throw new UsageError('sweep exec needs --db, --sweep and --index');
      return runExit(await execChild(values.db, values.sweep, intOption(values.index, 'index', 0, 0)));
    }
    case 'task': {
      const [dir, index] = rest;
      if (!dir || index === undefined) throw new UsageError('sweep task needs DIR and INDEX');
      return runExit(await runTask(dir, intOption(index, 'index', 0, 0), (line) => console.log(`[${new Date().toISOString()}] ${line}`)));
    }
    default:
      throw new UsageError(`sweep: unknown subcommand '${sub ?? ''}'${suggestion(sub ?? '', SUBCOMMANDS)} (${SUBCOMMANDS.join(', ')})`);
  }
}
