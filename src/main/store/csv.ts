// CSV of several metric series merged on step: empty cells where a metric was not logged at that step.
import { alignByStep } from '../../shared/math/group';
import type { Series } from './run-store';

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `num` prints a value (default: JavaScript's shortest round-trip decimal). */
export function seriesCsv(names: string[], series: Series[], num: (v: number) => string = String): string {
  const { steps, index } = alignByStep(series);
  const lines = [['step', ...names].map(cell).join(',')];
  for (let i = 0; i < steps.length; i++) lines.push([String(steps[i]), ...series.map((s, j) => (index[j][i] < 0 ? '' : num(s.values[index[j][i]])))].join(','));
  return lines.join('\n') + '\n';
}
