// `lab reproduce` and the app's Reproduce view: the paper's figures as one sweep (the CLI runs it locally, J processes
// at once; the app through its sweep scheduler), and a rerun of the same request reuses every finished run: the same
// request gives the same sweep id. Each figure's runs come from the presets (shared/presets.ts); Figure 3's replica
// run waits for its Lyapunov run, whose id replaces "$previous" in replicas.lyapunovSource.
import { resolve } from 'node:path';
import type { RunConfig } from '../../shared/config';
import type { SweepEntry, SweepPlan } from '../../shared/sweep/spec';
import type { PaperFigure, PaperRun, PaperSettings } from '../../shared/presets';
import { paperSet } from '../../shared/presets';
import { validators } from '../../shared/ipc';
import type { ReproducePlanView, ReproduceRequest } from '../../shared/reproduce';
import { loadData } from '../engine/data';
import type { LoadedSweep } from '../sweep/plan';
import { sweepId } from '../sweep/plan';

export interface ReproducePlan {
  sweep: LoadedSweep;
  /** The sweep's entries as the figures' runs, index for index. */
  runs: PaperRun[];
  /** Every run shortened to this many steps (smoke tests); Figure 2's pruning starts scaled with it. */
  steps: number | null;
}

/** The sweep spec stored with a reproduction: what `reproduceRequestOf` reads back. */
interface ReproduceSpec {
  reproduce: PaperFigure[];
  settings: PaperSettings;
  steps: number | null;
}

/** A run cut to `steps` (Figure 2's CGD start scaled by the same factor, so that the figure keeps its shape). */
function shorten(r: PaperRun, steps: number, fullSteps: number): PaperRun {
  const c = r.config;
  const cgd = c.cgd && c.cgd.start > 0 ? { ...c.cgd, start: Math.max(1, Math.round((c.cgd.start * steps) / fullSteps)) } : c.cgd;
  return { ...r, config: { ...c, train: { ...c.train, steps }, cgd } };
}

export const paperSettings = (r: ReproduceRequest): PaperSettings => ({
  data: { dataset: r.dataset, dir: r.dataset === 'usps' && r.dir !== null ? resolve(r.dir) : null },
  model: r.model,
  seeds: r.seeds,
  quick: r.quick,
});

/** The runs of `figures` in sweep order: runs without a dependency first (stage 'run'), then those that wait ('replicas'). */
export function reproduceRuns(figures: PaperFigure[], s: PaperSettings): PaperRun[] {
  const runs = figures.flatMap((f) => paperSet(f, s));
  return [...runs.filter((r) => r.after === null), ...runs.filter((r) => r.after !== null)];
}

/**
 * The runs of `figures` at settings `s` as a sweep. `fullSteps` is a run's length at these settings (to scale
 * Figure 2's starts when `steps` shortens every run).
 */
export function reproducePlan(figures: PaperFigure[], s: PaperSettings, steps: number | null, fullSteps: number): ReproducePlan {
  let ordered = reproduceRuns(figures, s);
  if (steps !== null) ordered = ordered.map((r) => shorten(r, steps, fullSteps));
  const entries: SweepEntry[] = ordered.map((r, index) => {
    const after = r.after === null ? null : ordered.findIndex((x) => x.figure === r.figure && x.variant === r.after && x.seed === r.seed);
    return { index, name: r.config.name, stage: r.after === null ? 'run' : 'replicas', point: index, after, config: r.config };
  });
  const what = `${s.quick ? 'quick ' : ''}${s.model} on ${s.data.dataset}, ${s.seeds} seed${s.seeds > 1 ? 's' : ''}`;
  const plan: SweepPlan = {
    title: `reproduce fig${figures.join('+')} (${what}${steps !== null ? `, ${steps} steps` : ''})`,
    axes: [],
    points: entries.length,
    stages: [...new Set(entries.map((e) => e.stage))],
    entries,
  };
  const spec: ReproduceSpec = { reproduce: figures, settings: s, steps };
  return { sweep: { id: sweepId(plan), spec, plan }, runs: ordered, steps };
}

/**
 * A request as a sweep, for the CLI and the app alike. `vet` sees every run's config before any file is read (main
 * refuses a data folder its dialogs did not hand out); then Figure 2's full length is counted on the data when
 * `steps` cuts the runs.
 */
export function planReproduction(req: ReproduceRequest, vet: (c: RunConfig) => void = () => {}): ReproducePlan {
  const s = paperSettings(req);
  for (const r of reproduceRuns(req.figures, s)) vet(r.config);
  const fig2 = paperSet(2, { ...s, seeds: 1 })[0].config;
  const fullFig2 = req.steps === null ? 0 : (fig2.train.steps ?? fig2.train.epochs * Math.floor(loadData(fig2.data).train.count / fig2.train.batchSize));
  return reproducePlan(req.figures, s, req.steps, fullFig2);
}

/** The request a stored sweep spec reproduces (checked as the app's payload is), or null when it is no reproduction. */
export function reproduceRequestOf(spec: unknown): ReproduceRequest | null {
  const o = spec as Partial<ReproduceSpec> | null;
  const s = o?.settings;
  try {
    return validators['reproduce.plan']({
      figures: o?.reproduce,
      dataset: s?.data?.dataset,
      dir: s?.data?.dir,
      model: s?.model,
      seeds: s?.seeds,
      quick: s?.quick,
      steps: o?.steps,
    });
  } catch {
    return null;
  }
}

/** The plan as the app shows it before it starts: each run with its planned steps (epochs counted on the data by `perEpoch`). */
export function planView({ sweep, runs, steps }: ReproducePlan, perEpoch: (c: RunConfig) => number | null): ReproducePlanView {
  return {
    sweepId: sweep.id,
    title: sweep.plan.title,
    steps,
    runs: sweep.plan.entries.map((e, i) => {
      const c = e.config;
      const per = c.train.steps === null ? perEpoch(c) : null;
      const plannedSteps = c.train.steps ?? (per === null ? null : per * c.train.epochs);
      return { index: e.index, name: e.name, figure: runs[i].figure, variant: runs[i].variant, seed: runs[i].seed, after: e.after, plannedSteps, config: c };
    }),
  };
}
