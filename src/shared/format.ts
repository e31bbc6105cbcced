// Human-readable durations and sizes, for the CLI and the renderer alike. No Node or DOM imports here.
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '—';
  if (sec < 1) return `${(sec * 1000).toFixed(sec < 0.01 ? 2 : 0)} ms`;
  if (sec < 60) return `${sec.toFixed(1)} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`;
}

export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** A fraction as a percentage with two decimals: 0.8421 → "84.21 %". */
export const percent = (v: number): string => `${(100 * v).toFixed(2)} %`;
