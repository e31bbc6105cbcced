// Peak resident set size of this process: VmHWM (this process image's high-water mark) rather than
// getrusage's maxRSS, which Linux carries over from the parent across fork + exec.
import { readFileSync } from 'node:fs';

export function peakRssKb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : process.resourceUsage().maxRSS;
}
