// CSV of several metric series merged on step: empty cells where a metric was not logged at that step.
import { alignByStep } from '../../shared/math/group';
import type { Series } from './run-store';

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function seriesCsv(names: string[], series: Series[]): string {
  const { steps, index } = alignByStep(series);
  const lines = [['step', ...names].map(cell).join(',')];
  for (let i = 0; i < steps.length; i++)
    lines.push([String(steps[i]), ...series.map((s, j) => (index[j][i] < 0 ? '' : String(s.values[index[j][i]])))].join(','));
  return lines.join('\n') + '\n';
}
