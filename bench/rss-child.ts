// Child process for the RSS benchmark: runs the config given as JSON in argv[2] into the database argv[3]
// and prints its peak resident set size (peak-rss.ts).
import { runExperiment } from '../src/main/engine/runner';
import type { RunConfig } from '../src/shared/config';
import { StoreLibrary } from '../src/main/store/run-library';
import { peakRssKb } from './peak-rss';

runExperiment(JSON.parse(process.argv[2]) as RunConfig, { library: StoreLibrary.open(process.argv[3]) }).then(() =>
  console.log(JSON.stringify({ maxRssKb: peakRssKb() })),
);
