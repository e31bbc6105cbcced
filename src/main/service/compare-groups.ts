// Group statistics for the Compare view: runs that differ only by seed (or the replicas of one run) as a mean
// with a 95 % t-interval and min/max per step, and the replica divergence of the group with its fit
// d² = a·t + b·t² + d₀² (DESIGN §2). Members are aligned by step: a member missing a step is skipped there.
import type { GroupBand, GroupResult } from '../../shared/ipc';
import { fitDivergence, groupMean } from '../engine/chaos/fit';
import type { RunStore, Series } from '../store/run-store';

/** Every member's values on the union of their steps (NaN where a member has no point at that step). */
export function alignByStep(members: { steps: ArrayLike<number>; values: ArrayLike<number> }[]): { steps: Float64Array; columns: Float64Array[] } {
  const all = new Set<number>();
  for (const m of members) for (let i = 0; i < m.steps.length; i++) all.add(m.steps[i]);
  const steps = Float64Array.from(all).sort();
  const columns = members.map((m) => {
    const col = new Float64Array(steps.length).fill(NaN);
    let j = 0;
    // Both step lists ascend: one cursor per member.
    for (let i = 0; i < m.steps.length; i++) {
      while (steps[j] < m.steps[i]) j++;
      col[j] = m.values[i];
    }
    return col;
  });
  return { steps, columns };
}

export function band(members: { steps: ArrayLike<number>; values: ArrayLike<number> }[]): GroupBand {
  const { steps, columns } = alignByStep(members);
  const g = groupMean(columns);
  return { steps, mean: g.mean, lo: g.lo, hi: g.hi, min: g.min, max: g.max, count: g.count };
}

export function groupRuns(store: RunStore, runIds: string[], metrics: string[]): GroupResult {
  const ids = runIds.map((id) => store.get(id).id);
  const series: Record<string, GroupBand> = {};
  for (const m of metrics) {
    const members: Series[] = ids.map((id) => store.readSeries(id, m)).filter((s) => s.steps.length > 0);
    if (members.length) series[m] = band(members);
  }
  // Every replica of every member is one sample of the divergence curve.
  const curves = ids.flatMap((id) => {
    const frames = store.readReplicas(id);
    const k = frames[0]?.distances.length ?? 0;
    const steps = Float64Array.from(frames, (f) => f.step);
    return Array.from({ length: k }, (_, r) => ({ steps, values: Float64Array.from(frames, (f) => f.distances[r]) }));
  });
  let divergence: GroupResult['divergence'] = null;
  if (curves.length) {
    const b = band(curves);
    let fit: NonNullable<GroupResult['divergence']>['fit'] = null;
    let note = '';
    try {
      const f = fitDivergence(b.steps, b.mean);
      fit = { a: f.a, b: f.b, d0sq: f.d0sq, r2: f.r2, n: f.n };
    } catch (e) {
      note = `not fitted: ${(e as Error).message}`;
    }
    divergence = { curves: curves.length, band: b, fit, note };
  }
  return { runIds: ids, series, divergence };
}
