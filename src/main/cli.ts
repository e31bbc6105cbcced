// Chaoslab headless: the same engine and store as the app, from the command line (`npm run lab -- …`).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GROUPS, describeType, formatErrors, validateConfig, type RunConfig } from '../shared/config';
import { textLimitErrors } from '../shared/limits';
import { divergenceAnalysis, replicaLabels } from '../shared/math/divergence';
import { printable } from '../shared/printable';
import { exactStep } from './engine/curvature/exact';
import { HessianSpectrum } from './engine/curvature/spectrum';
import { fetchUsps } from './engine/data/fetch';
import { loadUsps } from './engine/data/usps';
import { gatherBatch } from './engine/data/sampler';
import { estimateCost } from './engine/estimate';
import { jsonBound, readInputText } from './engine/input-files';
import { replicaBlob } from './engine/experiment';
import { lyapunovVectors, VectorsRequestError, type Frame, type VectorsRequest } from './engine/lyapunov-vectors';
import { norm } from './engine/metrics/spectral';
import { modelSpec, parseParams } from './engine/models/spec';
import type { Progress } from '../shared/records';
import { RunControl, runExperiment } from './engine/runner';
import { RunStore, StoreError } from './store/run-store';
import { StoreLibrary } from './store/run-library';
import { replaceFile, targetProblem } from './store/file-target';
import { UsageError, readJson } from './cli-input';
import { SWEEP_USAGE, cmdSweep } from './sweep/command';
import { REPRODUCE_USAGE, cmdReproduce } from './reproduce/command';

const USAGE = `Usage: npm run lab -- <command> [options]

  run --config FILE [--db FILE] [--json]      run an experiment (JSON config, see README)
  run --resume RUN_ID [--db FILE] [--json]    continue a cancelled, interrupted or failed run
                                              from its last checkpoint
  estimate --config FILE                      parameters, rank bound, measured time per step, disk space
  fields [--json]                             every config field: type, bounds, default and meaning
  hessian --model mlp|cnn --params FILE --usps DIR --indices i,j,… [--null-tol T] [--out FILE]
          [--hidden H] [--base-channels C] [--blocks K] [--activation relu|sigmoid]
                                              exact Hessian spectrum of one USPS minibatch, as JSON
  runs list [--search S] [--tag T] [--db FILE]
  runs show RUN_ID | delete RUN_ID | import FILE.chaoslab  [--db FILE]
  runs export RUN_ID FILE.chaoslab [--force] [--db FILE]
                                              --force replaces an existing FILE (never the database)
  series RUN_ID NAME[,NAME…] [--format csv|json] [--db FILE]
                                              print metric series (or 'spectra', 'estimated', 'lyapunov', 'replicas', 'divergence')
  params RUN_ID [--replica I] [--out FILE [--force]] [--db FILE]
                                              the run's latest parameters (or replica I's) as
                                              {"step", "params": [flat, PyTorch order]}
  lyapunov-vectors RUN_ID [--step S] [--frame initial|final] [--k K|all] [--bottom] [--from F] [--tol T]
          [--max-half-sweeps H] [--recompute] [--out FILE [--force]] [--db FILE]
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

function loadConfig(file: string): RunConfig {
  const v = validateConfig(readJson(file, '--config'));
  // The name/notes/tag limits are the app's too (shared/limits.ts).
  const errors = v.ok ? textLimitErrors(v.config) : v.errors;
  if (errors.length) throw new UsageError(`invalid config ${file}:\n${formatErrors(errors)}`);
  return (v as { config: RunConfig }).config;
}

/** Output files a user names: never the database, an existing file only with --force, written whole or not at all. */
function writeOutput(file: string, text: string, db: string, force: boolean): void {
  const problem = targetProblem(file, db, force);
  if (problem) throw new StoreError('refused', `${problem}: nothing was written.`);
  replaceFile(file, (tmp) => writeFileSync(tmp, text));
}

function progressBar(p: Progress): string {
  const width = 30;
  const done = Math.round((width * p.step) / p.total);
  const eta = Number.isFinite(p.etaSec) ? `${Math.floor(p.etaSec / 60)}m${String(Math.round(p.etaSec % 60)).padStart(2, '0')}s` : '?';
  return `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.step}/${p.total}  ${p.stepsPerSec.toFixed(1)} steps/s  ETA ${eta} `;
}

async function cmdRun(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, resume: { type: 'string' } },
  });
  if (!values.config && !values.resume) throw new UsageError('run needs --config FILE or --resume RUN_ID');
  const config = values.config ? loadConfig(values.config) : null;
  const json = values.json ?? false;
  const tty = process.stderr.isTTY && !json;
  const control = new RunControl();
  process.once('SIGINT', () => control.cancel());
  let lastDraw = 0;
  const emit = (o: unknown): void => void process.stdout.write(JSON.stringify(o) + '\n');
  const library = StoreLibrary.open(values.db ?? RunStore.defaultPath());
  try {
    library.store.requireWritable(values.resume ? `continuing run ${values.resume}` : 'starting a run');
  } catch (e) {
    library.close();
    throw e;
  }
  const result = await runExperiment(config, {
    library,
    resumeId: values.resume,
    control,
    hooks: {
      started: (i) => (json ? emit({ type: 'started', ...i }) : console.error(`run ${i.runId}: ${i.totalSteps} steps, ${i.env.nParams} parameters`)),
      log: (line) => (json ? emit({ type: 'log', line }) : console.error(line)),
      metrics: (f) => json && emit({ type: 'metrics', ...f }),
      progress: (p) => {
        if (!tty || (performance.now() - lastDraw < 200 && p.step < p.total)) return;
        lastDraw = performance.now();
        process.stderr.write(progressBar(p));
      },
    },
  });
  if (tty) process.stderr.write('\n');
  if (json) emit({ type: 'finished', ...result });
  else console.error(`run ${result.runId}: ${result.status} after ${result.steps} steps${result.error ? ` — ${result.error}` : ''}`);
  return result.status === 'finished' || result.status === 'cancelled' ? 0 : 1;
}

function cmdHessian(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: 'string' },
      params: { type: 'string' },
      usps: { type: 'string' },
      indices: { type: 'string' },
      'null-tol': { type: 'string' },
      out: { type: 'string' },
      hidden: { type: 'string', default: '20' },
      'base-channels': { type: 'string', default: '4' },
      blocks: { type: 'string', default: '1' },
      activation: { type: 'string', default: 'relu' },
    },
  });
  for (const k of ['model', 'params', 'usps', 'indices'] as const) if (!values[k]) throw new UsageError(`hessian needs --${k}`);
  const activation = values.activation === 'sigmoid' ? 'sigmoid' : values.activation === 'relu' ? 'relu' : null;
  if (!activation) throw new UsageError('--activation must be relu or sigmoid');
  const int = (s: string | undefined, name: string): number => intFlag(s, name, 1) as number;
  const spec =
    values.model === 'mlp'
      ? modelSpec({ kind: 'mlp', hidden: int(values.hidden, 'hidden'), activation })
      : values.model === 'cnn'
        ? modelSpec({ kind: 'cnn', baseChannels: int(values['base-channels'], 'base-channels'), blocks: int(values.blocks, 'blocks'), activation })
        : null;
  if (!spec) throw new UsageError(`--model must be mlp or cnn, got '${values.model}'`);
  const theta = parseParams(readInputText(values.params!, '--params', jsonBound(spec.n)), values.params!, spec.n);
  const data = loadUsps(values.usps!);
  const idx = values.indices!.split(',').map((s) => {
    // Number('') is 0: an empty entry ("1,,2") must not become sample 0.
    const i = s.trim() === '' ? NaN : Number(s.trim());
    if (!Number.isInteger(i) || i < 0 || i >= data.train.count) throw new UsageError(`--indices: '${s}' is not a line index in 0..${data.train.count - 1}`);
    return i;
  });
  let nullTol: number | null = null;
  if (values['null-tol'] !== undefined) {
    nullTol = Number(values['null-tol']);
    if (!(nullTol >= 0)) throw new UsageError(`--null-tol must be a number ≥ 0, got '${values['null-tol']}'`);
  }
  const batch = gatherBatch(data.train, Int32Array.from(idx));
  const step = exactStep(spec, theta, batch.x, batch.y, batch.size);
  const sp = new HessianSpectrum(step, { nullTol });
  const c = sp.counts(0);
  const out = JSON.stringify({
    n: spec.n,
    loss: step.loss,
    gradNorm: norm(step.grad),
    nullTol: sp.tau,
    eigenvalues: Array.from(sp.allEigenvalues()),
    counts: { negative: c.negative, positive: c.positive, null: c.null },
  });
  if (values.out) writeFileSync(values.out, out + '\n');
  else process.stdout.write(out + '\n');
  return 0;
}

/** Subcommands of `runs` that only read the database: they open it read-only (and never create it). */
const READING = ['list', 'show', 'export'];
function cmdParams(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' }, replica: { type: 'string' } },
  });
  if (!positionals[0]) throw new UsageError('params needs RUN_ID');
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: true });
  try {
    const rec = store.get(positionals[0]);
    const cp = store.latestCheckpoint(rec.id);
    if (!cp?.blobs.theta) throw new UsageError(`run ${rec.id} has no checkpoint with parameters yet`);
    let out: Record<string, unknown> = { step: cp.step, params: Array.from(cp.blobs.theta) };
    if (values.replica !== undefined) {
      const labels = rec.config.replicas ? replicaLabels(rec.config.replicas) : [];
      const i = Number(values.replica);
      if (!labels.length) throw new UsageError(`--replica: run ${rec.id} has no replicas`);
      if (!Number.isInteger(i) || i < 0 || i >= labels.length)
        throw new UsageError(`--replica: '${values.replica}' is not a replica of run ${rec.id} (0…${labels.length - 1})`);
      const theta = cp.blobs[replicaBlob(i, 'theta')];
      if (!theta) throw new UsageError(`--replica: the checkpoint of run ${rec.id} at step ${cp.step} holds no parameters for replica ${i}`);
      out = { step: cp.step, replica: i, ...labels[i], params: Array.from(theta) };
    }
    const text = JSON.stringify(out) + '\n';
    if (values.out) writeOutput(values.out, text, store.file, values.force ?? false);
    else process.stdout.write(text);
    return 0;
  } finally {
    store.close();
  }
}

/** A flag's value as an integer ≥ min, or undefined when absent. */
function intFlag(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

async function cmdLyapunovVectors(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      step: { type: 'string' },
      frame: { type: 'string', default: 'initial' },
      k: { type: 'string' },
      bottom: { type: 'boolean' },
      from: { type: 'string' },
      tol: { type: 'string' },
      'max-half-sweeps': { type: 'string' },
      recompute: { type: 'boolean' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  if (!positionals[0]) throw new UsageError('lyapunov-vectors needs RUN_ID');
  if (values.frame !== 'initial' && values.frame !== 'final') throw new UsageError(`--frame must be initial or final, got '${values.frame}'`);
  const tol = values.tol === undefined ? undefined : Number(values.tol);
  if (tol !== undefined && !(tol > 0)) throw new UsageError(`--tol must be a number > 0, got '${values.tol}'`);
  const req: VectorsRequest = {
    frame: values.frame as Frame,
    which: values.bottom ? 'bottom' : 'top',
    step: intFlag(values.step, 'step', 1),
    k: values.k === 'all' ? 'all' : intFlag(values.k, 'k', 1),
    from: intFlag(values.from, 'from', 0),
    tol,
    maxHalfSweeps: intFlag(values['max-half-sweeps'], 'max-half-sweeps', 1),
    recompute: values.recompute ?? false,
  };
  const flag: Record<keyof VectorsRequest, string> = {
    step: '--step',
    frame: '--frame',
    which: '--bottom',
    k: '--k',
    from: '--from',
    recompute: '--recompute',
    tol: '--tol',
    maxHalfSweeps: '--max-half-sweeps',
    budget: '--budget',
  };
  const library = StoreLibrary.open(values.db ?? RunStore.defaultPath());
  try {
    try {
      library.find(positionals[0]);
    } catch (e) {
      if (e instanceof StoreError && e.code === 'not-found') throw new UsageError(`RUN_ID: ${e.message}`);
      throw e;
    }
    let v;
    try {
      v = await lyapunovVectors(library, positionals[0], req, (line) => console.error(line));
    } catch (e) {
      if (e instanceof VectorsRequestError) throw new UsageError(`${flag[e.field]}: ${e.message}`);
      console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    const rows = Array.from({ length: v.k }, (_, i) => Array.from(v.vectors.subarray(i * v.dim, (i + 1) * v.dim)));
    const r = v.record;
    const text =
      JSON.stringify({
        step: v.step,
        frame: v.frame,
        which: v.which,
        k: v.k,
        n: v.dim,
        exponents: Array.from(v.exponents),
        vectors: rows,
        stored: v.stored,
        ...(r?.halfSweeps !== undefined ? { halfSweeps: r.halfSweeps, converged: r.converged, changes: r.changes } : {}),
      }) + '\n';
    if (r?.converged === false)
      console.error(
        `warning: not converged after ${r.halfSweeps} half-sweeps: the last one still moved a vector by ${Math.max(...(r.changes ?? [NaN])).toExponential(2)} > tol ${r.tol}`,
      );
    if (values.out) writeOutput(values.out, text, library.store.file, values.force ?? false);
    else process.stdout.write(text);
    return 0;
  } finally {
    library.close();
  }
}

function cmdRuns(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' }, search: { type: 'string' }, tag: { type: 'string' }, force: { type: 'boolean' } },
  });
  const [sub, id, file] = positionals;
  if (!['list', 'show', 'delete', 'export', 'import'].includes(sub))
    throw new UsageError(`runs: unknown subcommand '${sub ?? ''}' (list, show, delete, export, import)`);
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new UsageError(`runs ${sub} needs ${what}`);
    return v;
  };
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: READING.includes(sub) });
  try {
    switch (sub) {
      case 'list': {
        const runs = store.list({ search: values.search, tag: values.tag });
        // Names and tags come from the database (or an imported file): control characters and bidi overrides are escaped.
        for (const r of runs)
          console.log(
            printable(
              `${r.id.slice(0, 8)}  ${r.status.padEnd(11)} ${r.createdAt}  ${r.model.padEnd(4)} ${r.dataset.padEnd(13)} last step ${String(r.lastStep).padStart(6)}  ${r.name}${r.tags.length ? `  [${r.tags.join(', ')}]` : ''}`,
            ),
          );
        if (!runs.length) console.log('(no runs)');
        return 0;
      }
      case 'show':
        // Line by line: the escapes keep the JSON valid (JSON.stringify leaves bidi overrides raw).
        console.log(
          JSON.stringify(store.get(need(id, 'RUN_ID')), null, 2)
            .split('\n')
            .map((l) => printable(l))
            .join('\n'),
        );
        return 0;
      case 'delete': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.delete(rec.id);
        console.log(printable(`deleted ${rec.id} (${rec.name})`));
        return 0;
      }
      case 'export': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.exportRun(rec.id, need(file, 'FILE.chaoslab'), { overwrite: values.force });
        console.log(`exported ${rec.id} to ${file}`);
        return 0;
      }
      default: {
        const r = store.importRun(need(id, 'FILE.chaoslab'));
        console.log(r.duplicate ? `run ${r.id} is already in the database` : `imported run ${r.id}`);
        return 0;
      }
    }
  } finally {
    store.close();
  }
}

function cmdSeries(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, format: { type: 'string', default: 'csv' } } });
  const [id, names] = positionals;
  if (!id || !names) throw new UsageError('series needs RUN_ID and NAME[,NAME…]');
  if (values.format !== 'csv' && values.format !== 'json') throw new UsageError(`--format must be csv or json, got '${values.format}'`);
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: true });
  try {
    const runId = store.get(id).id;
    const list = names.split(',');
    const asJson = (o: unknown): string =>
      JSON.stringify(o, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float64Array) : v));
    if (list.length === 1 && ['spectra', 'estimated', 'lyapunov', 'replicas', 'divergence'].includes(list[0])) {
      const kind = list[0];
      const rows =
        kind === 'spectra'
          ? store.readSpectra(runId)
          : kind === 'estimated'
            ? store.readEstimatedSpectra(runId).map(({ density: d, ...e }) => ({
                ...e,
                probes: d?.probes ?? null,
                slqSteps: d?.steps ?? null,
                sigma: d?.sigma ?? null,
                countTol: d?.countTol ?? null,
                gridLo: d?.lo ?? null,
                gridHi: d?.hi ?? null,
                density: d?.values ?? null,
                densitySe: d?.se ?? null,
              }))
            : kind === 'lyapunov'
              ? store.readLyapunov(runId)
              : kind === 'replicas'
                ? store.readReplicas(runId)
                : null;
      if (!rows) {
        // Recomputed from the stored distances with this version's fits (runs keep the analysis of their own version).
        const replicas = store.get(runId).config.replicas;
        if (!replicas) throw new UsageError(`series: run ${runId} has no replicas, so no divergence`);
        process.stdout.write(asJson(divergenceAnalysis(store.readReplicas(runId), replicaLabels(replicas))) + '\n');
      } else if (values.format === 'json') process.stdout.write(asJson(rows) + '\n');
      else
        for (const r of rows as unknown as Record<string, unknown>[])
          process.stdout.write(
            Object.values(r)
              .map((v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array).join(' ') : String(v)))
              .join(',') + '\n',
          );
      return 0;
    }
    const known = store.get(runId).series;
    for (const m of list) if (!known.includes(m)) throw new UsageError(`series: run ${runId} has no series '${m}' (it has: ${known.join(', ')})`);
    if (values.format === 'csv') process.stdout.write(store.seriesCsv(runId, list));
    else {
      const out: Record<string, { steps: number[]; values: number[] }> = {};
      for (const m of list) {
        const s = store.readSeries(runId, m);
        out[m] = { steps: Array.from(s.steps), values: Array.from(s.values) };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
    return 0;
  } finally {
    store.close();
  }
}

/** The config field table as a reference: by section, each field's path, values, default and help. */
function cmdFields(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  if (values.json) {
    const rows = GROUPS.flatMap((g) => g.leaves.map((l) => ({ path: l.path, label: l.label, type: describeType(l), default: l.default, help: l.help })));
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const g of GROUPS) {
    console.log(`${g.title}: ${g.key ? `${g.key}.*${g.optional ? ' (or null, the default: off)' : ''}` : 'top-level fields'}`);
    for (const l of g.leaves) {
      const only = l.variant ? ` (${l.variant.tag} ${l.variant.value})` : '';
      console.log(`  ${l.path}${only}: ${describeType(l)}; default ${JSON.stringify(l.default)}\n      ${l.help}`);
    }
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return cmdRun(rest);
    case 'estimate': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } });
      if (!values.config) throw new UsageError('estimate needs --config FILE');
      console.log(JSON.stringify(estimateCost(loadConfig(values.config)), null, 2));
      return 0;
    }
    case 'fields':
      return cmdFields(rest);
    case 'hessian':
      return cmdHessian(rest);
    case 'sweep':
      return cmdSweep(rest);
    case 'runs':
      return cmdRuns(rest);
    case 'series':
      return cmdSeries(rest);
    case 'params':
      return cmdParams(rest);
    case 'lyapunov-vectors':
      return cmdLyapunovVectors(rest);
    case 'reproduce':
      return cmdReproduce(rest);
    case 'fetch-usps': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { from: { type: 'string' } } });
      if (!positionals[0]) throw new UsageError('fetch-usps needs DIR');
      await fetchUsps(positionals[0], values.from);
      console.log(`USPS written to ${positionals[0]}`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

/** Exit once stdout has drained: a pipe is written asynchronously, and exiting early would truncate it. */
const exit = (code: number): void => void process.stdout.write('', () => process.exit(code));

/** Exit code of an error (README): 1 when a write failed on I/O or a full disk (rolled back), else 2 (bad input or refused). */
const failureCode = (e: unknown): number => (e instanceof StoreError && (e.code === 'disk-full' || e.code === 'io') ? 1 : 2);

main(process.argv.slice(2)).then(exit, (e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? `${msg}\n\n${USAGE}` : `error: ${msg}`);
  exit(failureCode(e));
});
