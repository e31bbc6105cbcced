// Child process for the RSS benchmark: runs the config given as JSON in argv[2] into the database argv[3]
// and prints the process's peak resident set size.
import { runExperiment } from '../src/main/lab/runner';
import type { RunConfig } from '../src/shared/config';

runExperiment(JSON.parse(process.argv[2]) as RunConfig, { dbFile: process.argv[3] }).then(() =>
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })),
);
