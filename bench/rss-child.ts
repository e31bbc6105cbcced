// Child process for the RSS benchmark: runs the config given as JSON in argv[2] into the database argv[3]
// and prints its peak resident set size. VmHWM (this process image's high-water mark) rather than
// getrusage's maxRSS, which Linux carries over from the parent across fork + exec.
import { readFileSync } from 'node:fs';
import { runExperiment } from '../src/main/engine/runner';
import type { RunConfig } from '../src/shared/config';
import { StoreLibrary } from '../src/main/store/run-library';

function peakRssKb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : process.resourceUsage().maxRSS;
}

runExperiment(JSON.parse(process.argv[2]) as RunConfig, { library: StoreLibrary.open(process.argv[3]) }).then(() =>
  console.log(JSON.stringify({ maxRssKb: peakRssKb() })),
);
