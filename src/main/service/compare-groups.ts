// Group statistics for the Compare view: runs that differ only by seed (or the replicas of one run) as a mean
// with a band (95 % CI or SE; min–max under 3 members) per step, and the replica divergence of the group per ε
// with its analysis (DESIGN §2). The statistics themselves are shared/math: the same code as the CLI and reports.
import { METRICS, type MetricName } from '../../shared/frames';
import type { BandKind, GroupResult } from '../../shared/ipc';
import { byGroup, groupDivergence, replicaLabels, type ReplicaStrategy } from '../../shared/math/divergence';
import { groupBand, type GroupBand } from '../../shared/math/group';
import type { RunStore, Series } from '../store/run-store';

export function groupRuns(store: RunStore, runIds: string[], metrics: string[], kind?: BandKind): GroupResult {
  const runs = runIds.map((id) => store.get(id));
  const ids = runs.map((r) => r.id);
  const series: Record<string, GroupBand> = {};
  for (const m of metrics) {
    const members: Series[] = ids.map((id) => store.readSeries(id, m)).filter((s) => s.steps.length > 0);
    const domain = m in METRICS ? METRICS[m as MetricName].domain : m === 'epoch' || m === 'wall' ? 'nonneg' : 'real';
    if (members.length) series[m] = groupBand(members, { kind, domain });
  }
  // Every replica of every member with the same strategy and ε is one sample of that group's divergence curve.
  const perGroup = new Map<string, { eps: number; strategy: ReplicaStrategy; curves: Series[] }>();
  for (const r of runs) {
    if (!r.config.replicas) continue;
    const frames = store.readReplicas(r.id);
    const steps = Int32Array.from(frames, (f) => f.step);
    for (const { eps, strategy, curves } of byGroup(replicaLabels(r.config.replicas), (k) => ({
      steps,
      values: Float64Array.from(frames, (f) => f.distances[k]),
    }))) {
      const g = perGroup.get(`${strategy} ${eps}`) ?? { eps, strategy, curves: [] };
      g.curves.push(...curves.filter((c) => c.steps.length > 0));
      perGroup.set(`${strategy} ${eps}`, g);
    }
  }
  const divergence = [...perGroup.values()]
    .filter((g) => g.curves.length)
    .map(({ eps, strategy, curves }) => ({ eps, strategy, ...groupDivergence(curves, kind) }));
  return { runIds: ids, series, divergence };
}
