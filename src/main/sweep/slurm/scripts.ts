// `sweep slurm`: one sbatch array script per stage (one task per run, reading SLURM_ARRAY_TASK_ID), the
// manifest and run list, and submit.sh; `--submit` runs sbatch for each stage, later stages depending on the
// same array task of the stage they wait for (--dependency=aftercorr, Slurm's per-task afterok).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { PlanCost } from '../plan';
import type { LoadedSweep } from '../plan';
import { UsageError } from '../../cli/input';
import { CLI_ENTRY } from '../local';
import type { Manifest, SweepStageJob } from './layout';
import { SweepDir } from './layout';

export interface SlurmOptions {
  partition: string | null;
  /** Per task; null: three times the measured estimate of the stage's longest run, plus 10 minutes. */
  time: string | null;
  cpusPerTask: number;
  mem: string;
  /** At most this many tasks of a stage at once (the %K of --array). */
  maxParallel: number | null;
}

/** Option values end up in #SBATCH lines and a shell script: only the characters Slurm's syntax needs. */
export function checkSlurmOptions(o: SlurmOptions): void {
  const refuse = (opt: string, v: unknown, what: string): never => {
    throw new UsageError(`--${opt}: ${JSON.stringify(v)} is not ${what}`);
  };
  if (o.partition !== null && !/^[\w.-]{1,64}(,[\w.-]{1,64})*$/.test(o.partition)) refuse('partition', o.partition, 'a partition name');
  if (o.time !== null && !/^(\d{1,3}-)?\d{1,4}(:\d{2}){0,2}$/.test(o.time)) refuse('time', o.time, 'a Slurm time (MM, HH:MM:SS or D-HH:MM:SS)');
  if (!Number.isInteger(o.cpusPerTask) || o.cpusPerTask < 1 || o.cpusPerTask > 1024) refuse('cpus-per-task', o.cpusPerTask, 'an integer in 1…1024');
  if (!/^\d{1,7}[KMGT]?$/.test(o.mem)) refuse('mem', o.mem, 'a Slurm memory size (e.g. 2G, 1500M)');
  if (o.maxParallel !== null && (!Number.isInteger(o.maxParallel) || o.maxParallel < 1)) refuse('max-parallel', o.maxParallel, 'a positive integer');
}

/** D-HH:MM:SS for a number of seconds, rounded up to the minute. */
export function slurmTime(sec: number): string {
  const min = Math.max(1, Math.ceil(sec / 60));
  const d = Math.floor(min / 1440);
  const hh = String(Math.floor((min % 1440) / 60)).padStart(2, '0');
  const mm = String(min % 60).padStart(2, '0');
  return `${d}-${hh}:${mm}:00`;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
/** Paths in #SBATCH lines cannot be quoted: refuse the few characters that would break them. */
function directivePath(p: string, opt: string): string {
  if (!/^[\w./+@:,=~%-]+$/.test(p)) throw new UsageError(`${opt}: ${p} holds characters an #SBATCH line cannot carry (spaces, quotes…); choose another path`);
  return p;
}

function stageScript(d: SweepDir, m: Manifest, st: SweepStageJob, cost: PlanCost, o: SlurmOptions, cwd: string): string {
  const runs = m.entries.slice(st.offset, st.offset + st.size);
  const longest = Math.max(0, ...runs.map((e) => ((cost.entries[e.index].steps ?? 0) * cost.entries[e.index].msPerStep) / 1000));
  const time = o.time ?? slurmTime(3 * longest + 600);
  const lines = [
    '#!/bin/bash',
    `# Chaoslab sweep "${m.title.replace(/[\r\n]/g, ' ')}" (${m.id}), stage ${st.stage}: ${st.size} runs, one per array task`,
    '# (written by `lab sweep slurm`). Array task a runs sweep run OFFSET + a into its own run file tasks/<run>.db,',
    '# resuming from that file when requeued or preempted, and exports the finished run to runs/<run>.chaoslab.',
    `#SBATCH --job-name=chaoslab-${m.id.slice(0, 8)}-${st.stage}`,
    `#SBATCH --array=0-${st.size - 1}${o.maxParallel ? `%${o.maxParallel}` : ''}`,
    `#SBATCH --output=${directivePath(d.logPattern(st.stage), '--out')}`,
    '#SBATCH --open-mode=append',
    '#SBATCH --requeue',
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    `#SBATCH --mem=${o.mem}`,
    `#SBATCH --time=${time}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    `#SBATCH --chdir=${directivePath(cwd, 'the current directory')}`,
    `# --time: ${o.time ? 'given' : `3 × the measured spectrum time of the stage's longest run (${Math.round(longest)} s) + 10 min`}.`,
    'export OPENBLAS_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `OFFSET=${st.offset}`,
    `exec ${[process.execPath, ...CLI_ENTRY.execArgv, CLI_ENTRY.script].map(quote).join(' ')} sweep task ${quote(d.dir)} "$((OFFSET + SLURM_ARRAY_TASK_ID))"`,
  ];
  return lines.join('\n') + '\n';
}

/** Write the sweep directory; a directory already holding another sweep is refused. Returns its layout. */
export function writeSlurmSweep(s: LoadedSweep, cost: PlanCost, outDir: string, o: SlurmOptions): { dir: SweepDir; manifest: Manifest } {
  checkSlurmOptions(o);
  const d = new SweepDir(outDir);
  if (existsSync(d.manifest) && d.readManifest().id !== s.id)
    throw new UsageError(`--out ${d.dir} holds another sweep (${d.readManifest().id}); choose another directory. Nothing was written.`);
  const { plan } = s;
  const stages: SweepStageJob[] = plan.stages.map((stage, i) => {
    const first = plan.entries.find((e) => e.stage === stage)!;
    const after = first.after === null ? null : plan.entries[first.after].stage;
    return { stage, after, offset: i * plan.points, size: plan.points };
  });
  const manifest: Manifest = { format: 'chaoslab-sweep', version: 1, id: s.id, title: plan.title, spec: s.spec, stages, entries: plan.entries };
  for (const sub of ['tasks', 'runs', 'logs']) mkdirSync(`${d.dir}/${sub}`, { recursive: true });
  const cwd = process.cwd();
  d.write(d.manifest, JSON.stringify(manifest, null, 1) + '\n');
  d.write(
    d.runList,
    [
      'index\tstage\tarray_task\tafter\tname',
      ...plan.entries.map((e) => [e.index, e.stage, d.arrayTask(manifest, e.index).task, e.after ?? '', e.name].join('\t')),
    ].join('\n') + '\n',
  );
  for (const st of stages) d.write(d.script(st.stage), stageScript(d, manifest, st, cost, o, cwd), 0o755);
  const submit = [
    '#!/bin/bash',
    '# Submits every stage of this sweep; later stages wait for the same array task of the stage they depend on.',
    'set -euo pipefail',
    `cd ${quote(d.dir)}`,
    ...stages.map((st, i) => {
      const dep = st.after === null ? '' : ` --dependency=aftercorr:"$j${stages.findIndex((x) => x.stage === st.after)}"`;
      return `j${i}=$(sbatch --parsable${dep} ${quote(d.script(st.stage))} | cut -d';' -f1)`;
    }),
    `printf '{${stages.map((st) => `"${st.stage}": "%s"`).join(', ')}}\\n' ${stages.map((_s, i) => `"$j${i}"`).join(' ')} > jobs.json`,
    `echo "submitted: ${stages.map((st, i) => `${st.stage} $j${i}`).join(', ')}"`,
  ];
  d.write(d.submitScript, submit.join('\n') + '\n', 0o755);
  return { dir: d, manifest };
}

/** Submit every stage with sbatch (in order, with their dependencies); the job ids are kept in jobs.json. */
export function submitSweep(d: SweepDir, m: Manifest): Record<string, string> {
  const jobs: Record<string, string> = {};
  for (const st of m.stages) {
    const args = ['--parsable', ...(st.after ? [`--dependency=aftercorr:${jobs[st.after]}`] : []), d.script(st.stage)];
    let out: string;
    try {
      out = execFileSync('sbatch', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { code?: string; stderr?: string; message: string };
      const why = err.code === 'ENOENT' ? 'sbatch is not installed here (run this on a Slurm login node)' : err.stderr?.trim() || err.message;
      throw new UsageError(
        `--submit: sbatch failed for stage ${st.stage}: ${why}${Object.keys(jobs).length ? ` (already submitted: ${JSON.stringify(jobs)})` : ''}`,
      );
    }
    jobs[st.stage] = out.trim().split(';')[0];
    d.write(d.jobs, JSON.stringify(jobs) + '\n');
  }
  return jobs;
}
