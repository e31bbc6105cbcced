// How the CLI prints numbers, durations and sizes: values at the precision they were stored in, times and bytes
// in units a person reads.
import type { Progress } from '../../shared/records';

/** The shortest decimal that reads back (as float32) to `v`, a float32 value, e.g. 2.048936 for 2.04893603515625. */
function shortestFloat32(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return v.toPrecision(9);
}

/**
 * A stored value as text at the precision the run computed it in: in a float32 run a value that is exactly a
 * float32 prints as the shortest float32 decimal; everything else (float64 runs, values computed in float64 such
 * as the exact spectrum) as JavaScript's shortest round-trip decimal.
 */
export function numberText(precision: 'float32' | 'float64'): (v: number) => string {
  if (precision === 'float64') return String;
  return (v) => (Number.isFinite(v) && v !== 0 && Math.fround(v) === v ? shortestFloat32(v) : String(v));
}

/** 3725 s → "1h02m05s", 65.4 → "1m05s", 4.2 → "4.2s". */
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  if (sec < 60) return `${sec < 10 ? sec.toFixed(1) : Math.round(sec)}s`;
  const s = Math.round(sec);
  const two = (n: number): string => String(n).padStart(2, '0');
  return s < 3600 ? `${Math.floor(s / 60)}m${two(s % 60)}s` : `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m${two(s % 60)}s`;
}

/** Bytes in binary units: "512 B", "3.4 MiB". */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) [n, i] = [n / 1024, i + 1];
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** The terminal progress line: bar, step/total, the latest batch loss, steps/s and ETA. */
export function progressLine(p: Progress, loss: number | undefined): string {
  const width = 30;
  const done = Math.round((width * p.step) / p.total);
  const lossText = loss === undefined ? '' : `  loss ${loss.toPrecision(4)}`;
  return `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.step}/${p.total}${lossText}  ${p.stepsPerSec.toFixed(1)} steps/s  ETA ${duration(p.etaSec)} `;
}
