// Chaoslab headless: the same engine and store as the app, from the command line (`npm run lab -- …`).
// One module per command under cli/; this file names them, prints the usage and turns errors into exit codes.
import { RunStore, StoreError } from './store/run-store';
import { fetchUsps } from './engine/data/fetch';
import { cmdEstimate } from './cli/estimate';
import { cmdFields } from './cli/fields';
import { cmdHessian } from './cli/hessian';
import { UsageError, parseFlags, suggestion } from './cli/input';
import { cmdLyapunovVectors } from './cli/lyapunov-vectors';
import { cmdParams } from './cli/params';
import { RUN_USAGE, cmdRun } from './cli/run';
import { cmdRuns } from './cli/runs';
import { cmdSeries } from './cli/series';
import { SWEEP_USAGE, cmdSweep } from './sweep/command';
import { REPRODUCE_USAGE, cmdReproduce } from './reproduce/command';

const USAGE = `Usage: npm run lab -- <command> [options]

${RUN_USAGE}
  estimate --config FILE [--json]             model, parameters, time per step and in total, memory, disk, method
  fields [--json]                             every config field: type, bounds, default and meaning
  hessian --model mlp|cnn --params FILE --usps DIR --indices i,j,… [--null-tol T] [--out FILE]
          [--hidden H] [--base-channels C] [--blocks K] [--activation relu|sigmoid]
                                              exact Hessian spectrum of one USPS minibatch, as JSON
  runs list [--search S] [--tag T] [--status S] [--db FILE]
  runs show RUN_ID [--json] | delete RUN_ID | import FILE.chaoslab  [--db FILE]
  runs export RUN_ID FILE.chaoslab [--force] [--db FILE]
                                              --force replaces an existing FILE (never the database)
  series RUN_ID NAME[,NAME…] [--format csv|json] [--db FILE]
                                              print metric series (or 'spectra', 'estimated', 'lyapunov', 'replicas', 'divergence')
  params RUN_ID [--replica I] [--out FILE [--force]] [--db FILE]
                                              the run's latest parameters (or replica I's) as
                                              {"step", "params": [flat, PyTorch order]}
  lyapunov-vectors RUN_ID [--step S] [--frame initial|final] [--k K|all] [--bottom] [--from F] [--tol T]
          [--max-half-sweeps H] [--recompute | --continue] [--out FILE [--force]] [--db FILE]
                                              Lyapunov vectors after S steps as {"step", "frame", "exponents",
                                              "vectors": [[n values], …]}: saved ones, else computed by replay
                                              (progress on stderr) and saved with the run
  fetch-usps DIR [--from URL]                 download the USPS files into DIR (needs internet; default source
                                              $CHAOSLAB_USPS_URL, else the ESL site)
${SWEEP_USAGE}
${REPRODUCE_USAGE}

The default database is ${RunStore.defaultPath()}. Exit codes: 0 done (a run finished or was cancelled),
1 failed (a run failed or diverged; a write failed on I/O or a full disk and was rolled back), 2 bad input or
refused before anything changed (the message names the field, file or run).`;

async function cmdFetchUsps(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('fetch-usps', args, { from: { type: 'string' } }, true);
  if (!positionals[0]) throw new UsageError('fetch-usps needs DIR');
  await fetchUsps(positionals[0], values.from);
  console.log(`USPS written to ${positionals[0]}`);
  return 0;
}

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = {
  run: cmdRun,
  estimate: cmdEstimate,
  fields: cmdFields,
  hessian: cmdHessian,
  sweep: cmdSweep,
  runs: cmdRuns,
  series: cmdSeries,
  params: cmdParams,
  'lyapunov-vectors': cmdLyapunovVectors,
  'fetch-usps': cmdFetchUsps,
  reproduce: cmdReproduce,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return 0;
  }
  const command = cmd === undefined ? undefined : COMMANDS[cmd];
  if (command) return command(rest);
  // The usage only here, for a missing or unknown command; any other error is its message alone.
  console.error(`${cmd === undefined ? 'no command given' : `unknown command '${cmd}'${suggestion(cmd, Object.keys(COMMANDS))}`}\n\n${USAGE}`);
  return 2;
}

/** Exit once stdout has drained: a pipe is written asynchronously, and exiting early would truncate it. */
const exit = (code: number): void => void process.stdout.write('', () => process.exit(code));

/** Exit code of an error (README): 1 when a write failed on I/O or a full disk (rolled back), else 2 (bad input or refused). */
const failureCode = (e: unknown): number => (e instanceof StoreError && (e.code === 'disk-full' || e.code === 'io') ? 1 : 2);

main(process.argv.slice(2)).then(exit, (e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? msg : `error: ${msg}`);
  exit(failureCode(e));
});
