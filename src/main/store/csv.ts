// CSV of several metric series merged on step: empty cells where a metric was not logged at that step.
import type { Series } from './run-store';

const cell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function seriesCsv(names: string[], series: Series[]): string {
  const all = new Set<number>();
  for (const s of series) for (const step of s.steps) all.add(step);
  const steps = Int32Array.from(all).sort();
  const at = series.map(() => 0);
  const lines = [['step', ...names].map(cell).join(',')];
  for (const step of steps) {
    const row = [String(step)];
    series.forEach((s, j) => {
      // Each series is sorted by step, so one cursor per series suffices.
      if (s.steps[at[j]] === step) row.push(String(s.values[at[j]++]));
      else row.push('');
    });
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
