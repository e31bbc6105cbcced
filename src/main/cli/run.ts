// `run`: an experiment from a config file, a preset or both, or a stored run continued; a progress line on a
// terminal, JSON lines with --json, Ctrl-C/SIGTERM cancelling cleanly, and the run's headline numbers at the end.
import type { RunConfig } from '../../shared/config';
import { PRESETS } from '../../shared/presets';
import type { Progress } from '../../shared/records';
import { RunControl, runExperiment } from '../engine/runner';
import { StoreLibrary } from '../store/run-library';
import { RunStore } from '../store/run-store';
import { progressLine } from './format';
import { UsageError, loadConfig, oneOf, parseFlags } from './input';
import { headline } from './summary';

export const RUN_USAGE = `  run --config FILE [--db FILE] [--json]      run an experiment (JSON config, see README)
  run --preset NAME [--config FILE] [...]     run one of the app's presets (run --preset list names them);
                                              with --config, the file's fields override the preset's
  run --resume RUN_ID [--db FILE] [--json]    continue a cancelled, interrupted or failed run
                                              from its last checkpoint`;

const PRESET_IDS = PRESETS.map((p) => p.id);

function chosenConfig(values: { config?: string; preset?: string }): RunConfig | null {
  if (values.preset === 'list') {
    for (const p of PRESETS) console.log(`${p.id.padEnd(24)} ${p.title}: ${p.description}`);
    return null;
  }
  const preset = values.preset === undefined ? undefined : PRESETS.find((p) => p.id === oneOf(values.preset!, PRESET_IDS, '--preset'));
  if (values.config) return loadConfig(values.config, preset?.config);
  return preset!.config;
}

/** The command that continues run `id` (in database `db` when it is not the default). */
const resumeCommand = (id: string, db: string | undefined): string => `npm run lab -- run --resume ${id}${db ? ` --db ${db}` : ''}`;

export async function cmdRun(args: string[]): Promise<number> {
  const { values } = parseFlags('run', args, {
    config: { type: 'string' },
    preset: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
    resume: { type: 'string' },
  });
  if (!values.config && !values.preset && !values.resume) throw new UsageError('run needs --config FILE, --preset NAME or --resume RUN_ID');
  if (values.resume && (values.config || values.preset))
    throw new UsageError('run --resume continues a run with its stored config: drop --config and --preset');
  const config = values.resume ? null : chosenConfig(values);
  if (!values.resume && !config) return 0;
  const json = values.json ?? false;
  const tty = process.stderr.isTTY && !json;
  const dbFile = values.db ?? RunStore.defaultPath();
  const control = new RunControl();
  // `on`, not `once`: npm forwards the terminal's SIGINT to the process group, so a run sees it more than once,
  // and a second Ctrl-C while cancelling must not kill it mid-write. The run stops between steps and flushes.
  const cancel = (): void => {
    if (control.state !== 'cancelled' && !json) console.error('\ncancelling after this step (the run is kept) …');
    control.cancel();
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);
  let lastDraw = 0;
  let loss: number | undefined;
  let total = 0;
  const emit = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
  const library = StoreLibrary.open(dbFile);
  try {
    library.store.requireWritable(values.resume ? `continuing run ${values.resume}` : 'starting a run');
  } catch (e) {
    library.close();
    throw e;
  }
  const draw = (p: Progress): void => {
    if (!tty || (performance.now() - lastDraw < 200 && p.step < p.total)) return;
    lastDraw = performance.now();
    process.stderr.write(progressLine(p, loss));
  };
  const result = await runExperiment(config, {
    library,
    resumeId: values.resume,
    control,
    hooks: {
      started: (i) => {
        total = i.totalSteps;
        if (json) emit({ type: 'started', ...i });
        else console.error(`run ${i.runId}: ${i.totalSteps} steps, ${i.env.nParams} parameters`);
      },
      log: (line) => (json ? emit({ type: 'log', line }) : console.error(line)),
      metrics: (f) => {
        loss = f.values.loss ?? loss;
        if (json) emit({ type: 'metrics', ...f });
      },
      progress: draw,
    },
  });
  process.off('SIGINT', cancel);
  process.off('SIGTERM', cancel);
  if (tty) process.stderr.write('\n');
  if (json) emit({ type: 'finished', ...result });
  else {
    const { runId, status, steps } = result;
    console.error(
      status === 'cancelled'
        ? `cancelled at step ${steps} of ${total}; resume with: ${resumeCommand(runId, values.db)}`
        : `run ${runId}: ${status} after ${steps} of ${total} steps${result.error ? ` — ${result.error}` : ''}`,
    );
    printSummary(dbFile, runId, values.db);
  }
  return result.status === 'finished' || result.status === 'cancelled' ? 0 : 1;
}

/** The headline numbers and the commands to look further, on stderr (stdout stays for --json and piped data). */
function printSummary(dbFile: string, runId: string, db: string | undefined): void {
  const store = RunStore.open(dbFile, { readonly: true });
  try {
    const rec = store.get(runId);
    const dbArg = db ? ` --db ${db}` : '';
    console.error(
      [
        ...headline(store, rec).map((l) => `  ${l}`),
        `  run id ${rec.id}`,
        `  look at it: npm run lab -- runs show ${rec.id.slice(0, 8)}${dbArg}`,
        `              npm run lab -- series ${rec.id.slice(0, 8)} loss,test_acc,n_neg${dbArg}`,
      ].join('\n'),
    );
  } finally {
    store.close();
  }
}
