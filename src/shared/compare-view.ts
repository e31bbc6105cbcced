// A Compare view as a user saves it under a name and reopens it: the runs, the metrics charted, the x axis, each
// chart's y scale, the smoothing, the band of seed groups and whether runs are grouped. Main checks a state
// before storing it and again when reading it back (a database is a file someone may have edited).
import { METRICS } from './frames';
import type { MetricName } from './frames';
import type { ScaleKind } from './charts/scales';
import { MAX_RUN_IDS, isRunId } from './records';

export const COMPARE_X = ['step', 'epoch', 'wall'] as const;
export type CompareX = (typeof COMPARE_X)[number];
const SCALES: readonly ScaleKind[] = ['linear', 'log', 'symlog'];
/** Longest view name; most metrics in a view. */
export const VIEW_NAME_MAX = 80;
const MAX_METRICS = 40;
/** EMA smoothing factors the charts take. */
export const SMOOTHING_MAX = 0.99;

export interface CompareState {
  runIds: string[];
  metrics: MetricName[];
  x: CompareX;
  /** Scale of each chart's y axis where the user chose one. */
  yScales: Partial<Record<MetricName, ScaleKind>>;
  /** EMA factor α of every chart, 0 = off. */
  smoothing: number;
  /** The band of seed groups of 3 or more (smaller groups show min–max). */
  band: 'ci95' | 'se';
  grouped: boolean;
}
export interface SavedCompareView {
  name: string;
  state: CompareState;
  updatedAt: string;
}

type Parsed = { ok: true; state: CompareState } | { ok: false; field: string; message: string };
const isMetric = (m: unknown): m is MetricName => typeof m === 'string' && Object.hasOwn(METRICS, m);

/** The state, or the first field that is wrong (its path inside the state) and why. */
export function parseCompareState(v: unknown): Parsed {
  const bad = (field: string, message: string): Parsed => ({ ok: false, field, message });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('(state)', 'must be an object');
  const o = v as Record<string, unknown>;
  const known = ['runIds', 'metrics', 'x', 'yScales', 'smoothing', 'band', 'grouped'];
  const extra = Object.keys(o).find((k) => !known.includes(k));
  if (extra !== undefined) return bad(extra, 'is not a known field');
  if (!Array.isArray(o.runIds) || o.runIds.length === 0 || o.runIds.length > MAX_RUN_IDS || !o.runIds.every(isRunId))
    return bad('runIds', `must be 1–${MAX_RUN_IDS} run ids`);
  if (!Array.isArray(o.metrics) || o.metrics.length > MAX_METRICS || !o.metrics.every(isMetric))
    return bad('metrics', `must be at most ${MAX_METRICS} metric names`);
  if (!COMPARE_X.includes(o.x as CompareX)) return bad('x', `must be one of ${COMPARE_X.join(', ')}`);
  const ys = o.yScales;
  if (typeof ys !== 'object' || ys === null || Array.isArray(ys) || !Object.entries(ys).every(([m, k]) => isMetric(m) && SCALES.includes(k as ScaleKind)))
    return bad('yScales', `must map metric names to ${SCALES.join(', ')}`);
  if (typeof o.smoothing !== 'number' || !(o.smoothing >= 0 && o.smoothing <= SMOOTHING_MAX))
    return bad('smoothing', `must be a number in [0, ${SMOOTHING_MAX}]`);
  if (o.band !== 'ci95' && o.band !== 'se') return bad('band', "must be 'ci95' or 'se'");
  if (typeof o.grouped !== 'boolean') return bad('grouped', 'must be true or false');
  return {
    ok: true,
    state: {
      runIds: [...new Set(o.runIds as string[])],
      metrics: [...new Set(o.metrics as MetricName[])],
      x: o.x as CompareX,
      yScales: { ...(ys as CompareState['yScales']) },
      smoothing: o.smoothing,
      band: o.band,
      grouped: o.grouped,
    },
  };
}
