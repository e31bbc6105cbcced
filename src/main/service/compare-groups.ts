// Group statistics for the Compare view: runs that differ only by seed (or the replicas of one run) as a mean
// with a band (95 % CI or SE; min–max under 3 members) per step, and the replica divergence of the group with
// its analysis (DESIGN §2). The statistics themselves are shared/math: the same code as the CLI and reports.
import { METRICS, type MetricName } from '../../shared/frames';
import type { BandKind, GroupResult } from '../../shared/ipc';
import { analyseCurve } from '../../shared/math/divergence';
import { groupBand, type GroupBand } from '../../shared/math/group';
import type { RunStore, Series } from '../store/run-store';

export function groupRuns(store: RunStore, runIds: string[], metrics: string[], kind?: BandKind): GroupResult {
  const ids = runIds.map((id) => store.get(id).id);
  const series: Record<string, GroupBand> = {};
  for (const m of metrics) {
    const members: Series[] = ids.map((id) => store.readSeries(id, m)).filter((s) => s.steps.length > 0);
    const domain = m in METRICS ? METRICS[m as MetricName].domain : m === 'epoch' || m === 'wall' ? 'nonneg' : 'real';
    if (members.length) series[m] = groupBand(members, { kind, domain });
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
    const band = groupBand(curves, { kind, domain: 'nonneg' });
    divergence = { curves: curves.length, band, analysis: analyseCurve(band.steps, band.mean) };
  }
  return { runIds: ids, series, divergence };
}
