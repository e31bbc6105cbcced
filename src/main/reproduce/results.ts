// A finished reproduction's results, read from the store: the evidence of each figure, the claims with their
// verdicts, the figures and the summary (summary.json). The CLI writes them after its sweep; the app shows them and
// writes the same report folder.
import { cpus, hostname, platform } from 'node:os';
import type { Summary } from '../../shared/reproduce';
import type { RunStore } from '../store/run-store';
import { DEFECTS_AVOIDED, paperClaims } from './claims';
import { collectEvidence } from './evidence';
import { reportFigures, type ReportFigure } from './figures';
import { paperSettings, reproduceRequestOf, reproduceRuns } from './plan';

/** Stored sweep `sweepId` with the request it reproduces and its runs' places in the figures (an error when it is no reproduction). */
export function storedReproduction(store: RunStore, sweepId: string) {
  const sweep = store.sweeps.get(sweepId);
  const request = reproduceRequestOf(sweep.spec);
  if (!request) throw new Error(`Sweep ${sweep.id} in ${store.file} is not a reproduction of the paper.`);
  const runs = reproduceRuns(request.figures, paperSettings(request));
  if (runs.length !== sweep.runs.length || runs.some((r, i) => r.config.name !== sweep.runs[i].name))
    throw new Error(`Sweep ${sweep.id} in ${store.file} holds other runs than its reproduction request makes.`);
  return { sweep, request, runs };
}

/** The results of a reproduction whose runs have all finished; refused, naming the first unfinished run, otherwise. */
export function reproductionReport(store: RunStore, sweepId: string): { summary: Summary; figures: ReportFigure[] } {
  const { sweep, request, runs } = storedReproduction(store, sweepId);
  const open = sweep.runs.find((r) => r.status !== 'finished');
  if (open)
    throw new Error(`Reproduction ${sweep.id} has not finished: run #${open.index} ${open.name} is ${open.status ?? 'not started'}. Continue it first.`);
  const ids = sweep.runs.map((r) => r.runId!);
  const evidence = collectEvidence(store, runs, ids);
  const figures = reportFigures(store, evidence);
  const c = cpus();
  const summary: Summary = {
    title: `Chaotic dynamics in SGD (Herrmann, Granz, Landgraf 2022), rerun: ${sweep.title.replace(/^reproduce /, '')}`,
    created: new Date().toISOString(),
    machine: `${hostname()} · ${platform()} · ${c[0]?.model ?? 'cpu'} ×${c.length}`,
    database: store.file,
    sweep: sweep.id,
    settings: paperSettings(request),
    steps: request.steps,
    runs: runs.map((r, i) => ({ figure: r.figure, variant: r.variant, seed: r.seed, name: r.config.name, runId: ids[i], status: sweep.runs[i].status! })),
    evidence,
    claims: paperClaims(evidence),
    defectsAvoided: DEFECTS_AVOIDED,
    figures: figures.map((f) => f.id),
  };
  return { summary, figures };
}
