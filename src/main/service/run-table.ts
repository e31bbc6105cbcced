// The Library's runs table: every run with numbers read from its stored series (duration, final and best test
// accuracy, final loss, mean negative-eigenvalue count, top Lyapunov exponent), the optimiser in words, and the
// Lyapunov source ↔ replica links. A stopped run's numbers cannot change: they are computed once per status and
// last step and kept; a running run's are read again on every request.
import { optimizerLabel } from '../../shared/config';
import type { MetricName } from '../../shared/frames';
import type { RunSummary, RunTableRow } from '../../shared/records';
import type { RunStore, Series } from '../store/run-store';

type Digest = Omit<RunTableRow, keyof RunSummary | 'replicaRuns'>;
const isLive = (r: RunSummary): boolean => r.status === 'running' || r.status === 'paused';
/** Steps before the last read for a series' last value: the last chunk or two, not the whole series. */
const TAIL = 64;

export class RunTable {
  private readonly cache = new Map<string, { key: string; digest: Digest }>();

  constructor(private readonly store: RunStore) {}

  /** Rows for `runs` (their statuses as the service reports them), in that order. */
  rows(runs: RunSummary[]): RunTableRow[] {
    const ids = new Set(runs.map((r) => r.id));
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
    const digests = runs.map((r) => this.digest(r));
    const replicas = new Map<string, string[]>();
    digests.forEach((d, i) => {
      const source = d.lyapunovSource;
      if (source !== null && ids.has(source)) replicas.set(source, [...(replicas.get(source) ?? []), runs[i].id]);
    });
    return runs.map((r, i) => ({ ...r, ...digests[i], replicaRuns: replicas.get(r.id) ?? [] }));
  }

  private digest(r: RunSummary): Digest {
    const key = `${r.status}\u0000${r.lastStep}\u0000${r.finishedAt}`;
    const hit = this.cache.get(r.id);
    if (hit?.key === key) return hit.digest;
    const digest = this.compute(r);
    if (isLive(r)) this.cache.delete(r.id);
    else this.cache.set(r.id, { key, digest });
    return digest;
  }

  private compute(r: RunSummary): Digest {
    const rec = this.store.get(r.id);
    const has = new Set(rec.series);
    const read = (m: MetricName): Series | null => (has.has(m) ? this.store.readSeries(r.id, m) : null);
    const last = (m: string): number | null => {
      if (!has.has(m)) return null;
      let s = this.store.readSeries(r.id, m, { from: Math.max(0, r.lastStep - TAIL) });
      if (!s.values.length) s = this.store.readSeries(r.id, m);
      return s.values.length ? s.values[s.values.length - 1] : null;
    };
    const test = read('test_acc');
    const neg = read('n_neg');
    const sum = (v: Float64Array): number => v.reduce((a, x) => a + x, 0);
    return {
      optimizer: optimizerLabel(rec.config),
      steps: r.lastStep + 1,
      totalSteps: rec.env.totalSteps,
      durationSec: last('wall'),
      finalTestAcc: test?.values.length ? test.values[test.values.length - 1] : null,
      bestTestAcc: test?.values.length ? test.values.reduce((a, x) => Math.max(a, x), -Infinity) : null,
      finalLoss: last('loss'),
      meanNegative: neg?.values.length ? sum(neg.values) / neg.values.length : null,
      topLyapunov: last('lyap_max'),
      lyapunovSource: rec.config.replicas?.lyapunovSource ?? null,
    };
  }
}
