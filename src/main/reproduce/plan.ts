// `lab reproduce`: the paper's figures as one local sweep (sweep/local.ts runs it, J processes at once, and a rerun
// reuses every finished run). Each figure's runs come from the presets (shared/presets.ts); Figure 3's replica run
// waits for its Lyapunov run, whose id replaces "$previous" in replicas.lyapunovSource.
import type { SweepEntry, SweepPlan } from '../../shared/sweep/spec';
import type { PaperFigure, PaperRun, PaperSettings } from '../../shared/presets';
import { paperSet } from '../../shared/presets';
import type { LoadedSweep } from '../sweep/plan';
import { sweepId } from '../sweep/plan';

export interface ReproducePlan {
  sweep: LoadedSweep;
  /** The sweep's entries as the figures' runs, index for index. */
  runs: PaperRun[];
  /** Every run shortened to this many steps (smoke tests); Figure 2's pruning starts scaled with it. */
  steps: number | null;
}

/** A run cut to `steps` (Figure 2's CGD start scaled by the same factor, so that the figure keeps its shape). */
function shorten(r: PaperRun, steps: number, fullSteps: number): PaperRun {
  const c = r.config;
  const cgd = c.cgd && c.cgd.start > 0 ? { ...c.cgd, start: Math.max(1, Math.round((c.cgd.start * steps) / fullSteps)) } : c.cgd;
  return { ...r, config: { ...c, train: { ...c.train, steps }, cgd } };
}

/**
 * The runs of `figures` at settings `s` as a sweep. `fullSteps` is a run's length at these settings (to scale
 * Figure 2's starts when `steps` shortens every run).
 */
export function reproducePlan(figures: PaperFigure[], s: PaperSettings, steps: number | null, fullSteps: number): ReproducePlan {
  let runs = figures.flatMap((f) => paperSet(f, s));
  if (steps !== null) runs = runs.map((r) => shorten(r, steps, fullSteps));
  const stage = (r: PaperRun): string => (r.after === null ? 'run' : 'replicas');
  // Runs without a dependency first (stage 'run'), then those that wait (stage 'replicas').
  const ordered = [...runs.filter((r) => r.after === null), ...runs.filter((r) => r.after !== null)];
  const entries: SweepEntry[] = ordered.map((r, index) => {
    const after = r.after === null ? null : ordered.findIndex((x) => x.figure === r.figure && x.variant === r.after && x.seed === r.seed);
    return { index, name: r.config.name, stage: stage(r), point: index, after, config: r.config };
  });
  const what = `${s.quick ? 'quick ' : ''}${s.model} on ${s.data.dataset}, ${s.seeds} seed${s.seeds > 1 ? 's' : ''}`;
  const plan: SweepPlan = {
    title: `reproduce fig${figures.join('+')} (${what}${steps !== null ? `, ${steps} steps` : ''})`,
    axes: [],
    points: entries.length,
    stages: [...new Set(entries.map((e) => e.stage))],
    entries,
  };
  const spec = { reproduce: figures, settings: s, steps };
  return { sweep: { id: sweepId(plan), spec, plan }, runs: ordered, steps };
}
