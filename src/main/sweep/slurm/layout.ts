// A Slurm sweep directory: the manifest (sweep.json: the spec, its expanded runs and the stage scripts), the run
// list, one run file per task (never many writers on one SQLite file over a network file system), the exported
// finished runs that `sweep collect` imports, and the Slurm logs. Every path is made here.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfig } from '../../../shared/config';
import { formatErrors, validateConfig } from '../../../shared/config';
import type { SweepEntry } from '../../../shared/sweep/spec';
import { UsageError } from '../../cli/input';

export interface SweepStageJob {
  stage: string;
  /** The stage whose array task of the same index must finish first (Slurm --dependency=aftercorr). */
  after: string | null;
  /** Index of the stage's first run; array task a runs sweep run offset + a. */
  offset: number;
  size: number;
}

export interface Manifest {
  format: 'chaoslab-sweep';
  version: 1;
  id: string;
  title: string;
  spec: unknown;
  stages: SweepStageJob[];
  entries: SweepEntry[];
}

export class SweepDir {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = resolve(dir);
  }
  get manifest(): string {
    return join(this.dir, 'sweep.json');
  }
  get runList(): string {
    return join(this.dir, 'runs.tsv');
  }
  get jobs(): string {
    return join(this.dir, 'jobs.json');
  }
  get submitScript(): string {
    return join(this.dir, 'submit.sh');
  }
  script(stage: string): string {
    return join(this.dir, `${stage}.sbatch`);
  }
  /** The run file task `index` writes (and resumes from when requeued). */
  task(index: number): string {
    return join(this.dir, 'tasks', `${index}.db`);
  }
  /** The finished run, exported by its task for `sweep collect`. */
  run(index: number): string {
    return join(this.dir, 'runs', `${index}.chaoslab`);
  }
  /** Slurm's output pattern for a stage's tasks (%a: the array task id). */
  logPattern(stage: string): string {
    return join(this.dir, 'logs', `${stage}-%a.log`);
  }
  log(stage: string, arrayTask: number): string {
    return join(this.dir, 'logs', `${stage}-${arrayTask}.log`);
  }
  /** The Slurm job id of each submitted stage, once `--submit` (or submit.sh) has run. */
  jobIds(): Record<string, string> {
    if (!existsSync(this.jobs)) return {};
    const v = JSON.parse(readFileSync(this.jobs, 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null || Object.values(v).some((j) => typeof j !== 'string' || !/^\d+$/.test(j)))
      throw new UsageError(`${this.jobs}: must map stage names to Slurm job ids`);
    return v as Record<string, string>;
  }

  /** Write a file whole or not at all. */
  write(file: string, text: string, mode = 0o644): void {
    const tmp = `${file}.${process.pid}.partial`;
    writeFileSync(tmp, text, { mode });
    renameSync(tmp, file);
  }

  /** The manifest, checked: it is read by tasks on the cluster and by `collect`, and may have been edited. */
  readManifest(): Manifest {
    const where = this.manifest;
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(where, 'utf8')) as Manifest;
    } catch (e) {
      throw new UsageError(`${where}: cannot read the sweep manifest (${(e as Error).message}); is ${this.dir} a directory written by 'lab sweep slurm'?`);
    }
    const bad = (field: string, message: string): never => {
      throw new UsageError(`${where}: ${field}: ${message}`);
    };
    if (typeof m !== 'object' || m === null || m.format !== 'chaoslab-sweep') bad('format', "must be 'chaoslab-sweep'");
    if (m.version !== 1) bad('version', `is ${JSON.stringify(m.version)}; this Chaoslab reads version 1`);
    if (typeof m.id !== 'string' || !/^[0-9a-f]{16}$/.test(m.id)) bad('id', 'must be a sweep id (16 hex digits)');
    if (typeof m.title !== 'string') bad('title', 'must be a string');
    if (!Array.isArray(m.entries) || m.entries.length === 0) bad('entries', 'must be a non-empty list');
    if (!Array.isArray(m.stages) || m.stages.length === 0) bad('stages', 'must be a non-empty list');
    m.entries.forEach((e, i) => {
      const at = `entries[${i}]`;
      if (typeof e !== 'object' || e === null || e.index !== i) bad(`${at}.index`, `must be ${i}`);
      if (typeof e.name !== 'string' || typeof e.stage !== 'string') bad(at, 'needs a name and a stage');
      if (e.after !== null && (!Number.isInteger(e.after) || e.after < 0 || e.after >= i)) bad(`${at}.after`, 'must be null or the index of an earlier run');
      const v = validateConfig(e.config);
      if (!v.ok) bad(`${at}.config`, `\n${formatErrors(v.errors)}`);
      else e.config = v.config as RunConfig;
    });
    m.stages.forEach((s, i) => {
      if (typeof s !== 'object' || s === null || typeof s.stage !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(s.stage))
        bad(`stages[${i}].stage`, 'must be a stage id');
      if (!Number.isInteger(s.offset) || !Number.isInteger(s.size) || s.offset < 0 || s.size < 1 || s.offset + s.size > m.entries.length)
        bad(`stages[${i}]`, 'offset and size must select runs of entries');
    });
    return m;
  }

  /** The stage and the array task that run entry `index`. */
  arrayTask(m: Manifest, index: number): { stage: string; task: number } {
    const s = m.stages.find((x) => index >= x.offset && index < x.offset + x.size)!;
    return { stage: s.stage, task: index - s.offset };
  }
}
