// `lab reproduce fig1|fig2|fig3|all …`: run the paper's figures at the paper's settings (or the quick ones) as a
// resumable local sweep, then write the report folder (report.ts). Rerunning reuses every finished run.
import { availableParallelism, cpus, hostname, platform } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { PaperFigure, PaperSettings } from '../../shared/presets';
import { PAPER_FIGURES, paperSet } from '../../shared/presets';
import { duration } from '../../shared/format';
import { UsageError, parseFlags } from '../cli/input';
import { loadData } from '../engine/data';
import { RunStore } from '../store/run-store';
import { runSweepLocally, type SweepEvent } from '../sweep/local';
import { checkDisk, planCost } from '../sweep/plan';
import { DEFECTS_AVOIDED, paperClaims } from './claims';
import { collectEvidence } from './evidence';
import { reportFigures } from './figures';
import { reproducePlan } from './plan';
import { reportDirProblem, writeReport, type Summary } from './report';

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

export async function cmdReproduce(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'reproduce',
    args,
    {
      dataset: { type: 'string', default: 'usps' },
      usps: { type: 'string' },
      model: { type: 'string', default: 'mlp' },
      seeds: { type: 'string' },
      quick: { type: 'boolean' },
      jobs: { type: 'string' },
      out: { type: 'string', default: 'reproduce-report' },
      force: { type: 'boolean' },
      db: { type: 'string' },
      steps: { type: 'string' },
    },
    true,
  );
  const which = positionals[0];
  const figures: PaperFigure[] = which === 'all' ? [...PAPER_FIGURES] : /^fig[123]$/.test(which ?? '') ? [Number(which!.slice(3)) as PaperFigure] : [];
  if (!figures.length) throw new UsageError(`reproduce needs fig1, fig2, fig3 or all, got '${which ?? ''}'`);
  if (values.dataset !== 'usps' && values.dataset !== 'fashion-mnist') throw new UsageError(`--dataset must be usps or fashion-mnist, got '${values.dataset}'`);
  if (values.model !== 'mlp' && values.model !== 'cnn') throw new UsageError(`--model must be mlp or cnn, got '${values.model}'`);
  const dir = values.usps ?? process.env.CHAOSLAB_USPS_DIR ?? null;
  if (values.dataset === 'usps' && !dir)
    throw new UsageError('--dataset usps needs --usps DIR (the folder holding zip.train.gz and zip.test.gz), or $CHAOSLAB_USPS_DIR');
  const settings: PaperSettings = {
    data: { dataset: values.dataset, dir: values.dataset === 'usps' ? resolve(dir!) : null },
    model: values.model,
    seeds: int(values.seeds, 'seeds', 3),
    quick: values.quick ?? false,
  };
  const steps = values.steps === undefined ? null : int(values.steps, 'steps', 1);
  const out = resolve(values.out!);
  const problem = reportDirProblem(out, values.force ?? false);
  if (problem) throw new UsageError(`${problem}. Nothing was run.`);
  const dbFile = resolve(values.db ?? RunStore.defaultPath());
  const jobs = int(values.jobs, 'jobs', Math.max(1, availableParallelism()));

  // Figure 2's pruning starts scale with --steps relative to its full length (known once the data is counted).
  const fig2 = paperSet(2, { ...settings, seeds: 1 })[0].config;
  const fullFig2 = steps === null ? 0 : (fig2.train.steps ?? fig2.train.epochs * Math.floor(loadData(fig2.data).train.count / fig2.train.batchSize));
  const { sweep, runs } = reproducePlan(figures, settings, steps, fullFig2);
  checkDisk(planCost(sweep.plan.entries), dirname(dbFile), '--db');
  console.error(`${sweep.plan.title}: ${runs.length} runs, ${jobs} at once, into ${dbFile} (sweep ${sweep.id}; rerun to continue)`);
  const t0 = performance.now();
  const onEvent = (e: SweepEvent): void => {
    if (e.type === 'start') console.error(`  ${e.resumeId ? 'resume' : 'start '} #${e.index} ${e.name}`);
    else if (e.type === 'end') console.error(`  ${e.status.padEnd(8)} #${e.index} ${e.name}${e.error ? ` — ${e.error}` : ''}`);
  };
  const result = await runSweepLocally(sweep, { dbFile, jobs, threads: 1, retryFailed: true, onEvent });
  const unfinished = result.rows.filter((r) => r.status !== 'finished');
  if (result.stopped || unfinished.length) {
    for (const r of unfinished) console.error(`  not finished: #${r.index} ${r.name} (${r.status ?? 'not run'}${r.error ? `: ${r.error}` : ''})`);
    console.error('No report written: rerun the same command to continue the runs that did not finish.');
    return 1;
  }
  console.error(`runs done in ${duration((performance.now() - t0) / 1000)}; writing the report to ${out}`);
  const ids = result.rows.map((r) => r.runId!);
  const store = RunStore.open(dbFile, { readonly: true });
  try {
    const evidence = collectEvidence(store, runs, ids);
    const figs = reportFigures(store, evidence);
    const c = cpus();
    const summary: Summary = {
      title: `Chaotic dynamics in SGD (Herrmann, Granz, Landgraf 2022), rerun: ${sweep.plan.title.replace(/^reproduce /, '')}`,
      created: new Date().toISOString(),
      machine: `${hostname()} · ${platform()} · ${c[0]?.model ?? 'cpu'} ×${c.length}`,
      database: dbFile,
      sweep: sweep.id,
      settings,
      steps,
      runs: runs.map((r, i) => ({ figure: r.figure, variant: r.variant, seed: r.seed, name: r.config.name, runId: ids[i], status: result.rows[i].status! })),
      evidence,
      claims: paperClaims(evidence),
      defectsAvoided: DEFECTS_AVOIDED,
      figures: figs.map((f) => f.id),
    };
    const files = writeReport(out, summary, figs);
    console.log(`report: ${resolve(out, 'report.html')} (${files.length} files)`);
  } finally {
    store.close();
  }
  return 0;
}
