// Chaoslab headless: the same engine and store as the app, from the command line (`npm run lab -- …`).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GROUPS, describeType, formatErrors, validateConfig, type RunConfig } from '../shared/config';
import { divergenceAnalysis, replicaLabels } from '../shared/math/divergence';
import { exactStep } from './engine/curvature/exact';
import { HessianSpectrum } from './engine/curvature/spectrum';
import { fetchUsps } from './engine/data/fetch';
import { loadUsps } from './engine/data/usps';
import { gatherBatch } from './engine/data/sampler';
import { estimateCost } from './engine/estimate';
import { norm } from './engine/metrics/spectral';
import { modelSpec, parseParams } from './engine/models/spec';
import type { Progress } from '../shared/records';
import { RunControl, runExperiment } from './engine/runner';
import { RunStore } from './store/run-store';
import { StoreLibrary } from './store/run-library';

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
  runs show RUN_ID | delete RUN_ID | export RUN_ID FILE.chaoslab | import FILE.chaoslab  [--db FILE]
  series RUN_ID NAME[,NAME…] [--format csv|json] [--db FILE]
                                              print metric series (or 'spectra', 'estimated', 'lyapunov', 'replicas', 'divergence')
  params RUN_ID [--out FILE] [--db FILE]      the run's latest parameters as {"step", "params": [flat, PyTorch order]}
  fetch-usps DIR [--from URL]                 download the USPS files into DIR (needs internet; default source
                                              $CHAOSLAB_USPS_URL, else the ESL site)

The default database is ${RunStore.defaultPath()}.`;

class UsageError extends Error {}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: ${file} is not valid JSON (${(e as Error).message})`);
  }
}

function loadConfig(file: string): RunConfig {
  const v = validateConfig(readJson(file, '--config'));
  if (!v.ok) throw new UsageError(`invalid config ${file}:\n${formatErrors(v.errors)}`);
  return v.config;
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
  const result = await runExperiment(config, {
    library: StoreLibrary.open(values.db ?? RunStore.defaultPath()),
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
  const int = (s: string, name: string): number => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be a positive integer, got '${s}'`);
    return v;
  };
  const spec =
    values.model === 'mlp'
      ? modelSpec({ kind: 'mlp', hidden: int(values.hidden!, 'hidden'), activation })
      : values.model === 'cnn'
        ? modelSpec({ kind: 'cnn', baseChannels: int(values['base-channels']!, 'base-channels'), blocks: int(values.blocks!, 'blocks'), activation })
        : null;
  if (!spec) throw new UsageError(`--model must be mlp or cnn, got '${values.model}'`);
  const theta = parseParams(readFileSync(values.params!, 'utf8'), values.params!, spec.n);
  const data = loadUsps(values.usps!);
  const idx = values.indices!.split(',').map((s) => {
    const i = Number(s.trim());
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
  const sp = new HessianSpectrum(step, { nullTol, vectors: false });
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

function cmdRuns(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: 'string' }, search: { type: 'string' }, tag: { type: 'string' } },
  });
  const [sub, id, file] = positionals;
  const store = RunStore.open(values.db ?? RunStore.defaultPath());
  try {
    const need = (v: string | undefined, what: string): string => {
      if (!v) throw new UsageError(`runs ${sub} needs ${what}`);
      return v;
    };
    switch (sub) {
      case 'list': {
        const runs = store.list({ search: values.search, tag: values.tag });
        for (const r of runs)
          console.log(
            `${r.id.slice(0, 8)}  ${r.status.padEnd(11)} ${r.createdAt}  ${r.model.padEnd(4)} ${r.dataset.padEnd(13)} last step ${String(r.lastStep).padStart(6)}  ${r.name}${r.tags.length ? `  [${r.tags.join(', ')}]` : ''}`,
          );
        if (!runs.length) console.log('(no runs)');
        return 0;
      }
      case 'show':
        console.log(JSON.stringify(store.get(need(id, 'RUN_ID')), null, 2));
        return 0;
      case 'delete': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.delete(rec.id);
        console.log(`deleted ${rec.id} (${rec.name})`);
        return 0;
      }
      case 'export': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.exportRun(rec.id, need(file, 'FILE.chaoslab'));
        console.log(`exported ${rec.id} to ${file}`);
        return 0;
      }
      case 'import': {
        const r = store.importRun(need(id, 'FILE.chaoslab'));
        console.log(r.duplicate ? `run ${r.id} is already in the database` : `imported run ${r.id}`);
        return 0;
      }
      default:
        throw new UsageError(`runs: unknown subcommand '${sub ?? ''}' (list, show, delete, export, import)`);
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
  const store = RunStore.open(values.db ?? RunStore.defaultPath());
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
    case 'runs':
      return cmdRuns(rest);
    case 'series':
      return cmdSeries(rest);
    case 'params': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { db: { type: 'string' }, out: { type: 'string' } } });
      if (!positionals[0]) throw new UsageError('params needs RUN_ID');
      const store = RunStore.open(values.db ?? RunStore.defaultPath());
      try {
        const id = store.get(positionals[0]).id;
        const cp = store.latestCheckpoint(id);
        if (!cp) throw new UsageError(`run ${id} has no checkpoint yet`);
        const text = JSON.stringify({ step: cp.step, params: Array.from(cp.blobs.theta) }) + '\n';
        if (values.out) writeFileSync(values.out, text);
        else process.stdout.write(text);
      } finally {
        store.close();
      }
      return 0;
    }
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

main(process.argv.slice(2)).then(exit, (e: unknown) => {
  const msg = e instanceof Error ? e.message : String(e);
  console.error(e instanceof UsageError ? `${msg}\n\n${USAGE}` : `error: ${msg}`);
  exit(2);
});
