// `lab reproduce fig1|fig2|fig3|all …`: run the paper's figures at the paper's settings (or the quick ones) as a
// resumable local sweep, then write the report folder (report.ts). Rerunning reuses every finished run.
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { PaperFigure } from '../../shared/presets';
import { PAPER_FIGURES } from '../../shared/presets';
import type { ReproduceRequest } from '../../shared/reproduce';
import { REPRODUCE_DEFAULTS } from '../../shared/reproduce';
import { duration } from '../../shared/format';
import { UsageError, parseFlags } from '../cli/input';
import { RunStore } from '../store/run-store';
import { runEventLine, runSweepLocally, type SweepEvent } from '../sweep/local';
import { childEntry } from '../sweep/child-entry';
import { checkDisk, planCost } from '../sweep/plan';
import { planReproduction } from './plan';
import { reportDirProblem, writeReport } from './report';
import { reproductionReport } from './results';

export const REPRODUCE_USAGE = `  reproduce fig1|fig2|fig3|all [--dataset usps|fashion-mnist] [--usps DIR] [--model mlp|cnn] [--seeds N] [--quick]
            [--jobs J] [--out DIR] [--force] [--db FILE] [--steps S]
                                              run the paper's figures (default: its settings, 40 epochs; --quick: the
                                              short variants) as a resumable sweep, then write DIR (default
                                              reproduce-report): report.html, figN.svg/png/csv, summary.json.
                                              --steps S cuts every run to S steps (smoke tests; the report says so)`;

function int(v: string | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be an integer ≥ 1, got '${v}'`);
  return n;
}

const FLAGS = {
  dataset: { type: 'string', default: REPRODUCE_DEFAULTS.dataset },
  usps: { type: 'string' },
  model: { type: 'string', default: REPRODUCE_DEFAULTS.model },
  seeds: { type: 'string' },
  quick: { type: 'boolean' },
  jobs: { type: 'string' },
  out: { type: 'string', default: 'reproduce-report' },
  force: { type: 'boolean' },
  db: { type: 'string' },
  steps: { type: 'string' },
} as const;

/** The command line as a reproduction request (the app's Reproduce view sends the same request) and the CLI's own flags. */
export function reproduceArgs(args: string[]): { request: ReproduceRequest; values: ReturnType<typeof parseFlags<typeof FLAGS, true>>['values'] } {
  const { values, positionals } = parseFlags('reproduce', args, FLAGS, true);
  const which = positionals[0];
  const figures: PaperFigure[] = which === 'all' ? [...PAPER_FIGURES] : /^fig[123]$/.test(which ?? '') ? [Number(which!.slice(3)) as PaperFigure] : [];
  if (!figures.length) throw new UsageError(`reproduce needs fig1, fig2, fig3 or all, got '${which ?? ''}'`);
  if (values.dataset !== 'usps' && values.dataset !== 'fashion-mnist') throw new UsageError(`--dataset must be usps or fashion-mnist, got '${values.dataset}'`);
  if (values.model !== 'mlp' && values.model !== 'cnn') throw new UsageError(`--model must be mlp or cnn, got '${values.model}'`);
  const dir = values.usps ?? process.env.CHAOSLAB_USPS_DIR ?? null;
  if (values.dataset === 'usps' && !dir)
    throw new UsageError('--dataset usps needs --usps DIR (the folder holding zip.train.gz and zip.test.gz), or $CHAOSLAB_USPS_DIR');
  const request: ReproduceRequest = {
    figures,
    dataset: values.dataset,
    dir: values.dataset === 'usps' ? dir : null,
    model: values.model,
    seeds: int(values.seeds, 'seeds', REPRODUCE_DEFAULTS.seeds),
    quick: values.quick ?? REPRODUCE_DEFAULTS.quick,
    steps: values.steps === undefined ? null : int(values.steps, 'steps', 1),
  };
  return { request, values };
}

export async function cmdReproduce(args: string[]): Promise<number> {
  const { request, values } = reproduceArgs(args);
  const out = resolve(values.out!);
  const problem = reportDirProblem(out, values.force ?? false);
  if (problem) throw new UsageError(`${problem}. Nothing was run.`);
  const dbFile = resolve(values.db ?? RunStore.defaultPath());
  const jobs = int(values.jobs, 'jobs', Math.max(1, availableParallelism()));

  const { sweep, runs } = planReproduction(request);
  checkDisk(planCost(sweep.plan.entries), dirname(dbFile), '--db');
  const entry = childEntry(jobs, 1);
  console.error(`${sweep.plan.title}: ${runs.length} runs, ${jobs} at once, into ${dbFile} (sweep ${sweep.id}; rerun to continue); ${entry.note}`);
  const t0 = performance.now();
  const onEvent = (e: SweepEvent): void => {
    if (e.type !== 'progress') console.error(runEventLine(e));
  };
  const result = await runSweepLocally(sweep, { dbFile, jobs, threads: 1, entry, retryFailed: true, onEvent });
  const unfinished = result.rows.filter((r) => r.status !== 'finished');
  if (result.stopped || unfinished.length) {
    for (const r of unfinished) console.error(`  not finished: #${r.index} ${r.name} (${r.status ?? 'not run'}${r.error ? `: ${r.error}` : ''})`);
    console.error('No report written: rerun the same command to continue the runs that did not finish.');
    return 1;
  }
  console.error(`runs done in ${duration((performance.now() - t0) / 1000)}; writing the report to ${out}`);
  const store = RunStore.open(dbFile, { readonly: true });
  try {
    const { summary, figures } = reproductionReport(store, sweep.id);
    const files = writeReport(out, summary, figures);
    console.log(`report: ${resolve(out, 'report.html')} (${files.length} files)`);
  } finally {
    store.close();
  }
  return 0;
}
