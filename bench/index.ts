// `npm run bench`: every benchmark of the project in one run, with machine facts first.
// Flags: --dense (include the ~30 s dense 5350×5350 MLP baseline),
// --only engine|linalg|store|ui|estimate|compare|charts|paper|lanczos|sweep|lyapunov-vectors.
// `--only paper --usps DIR [--steps S1,S2] [--full]` times the paper's full Figure 1 set (extrapolated from two slices
// unless --full); `--only lanczos`:
// Hessian-vector products, Lanczos and SLQ against the exact path; `--only sweep [--usps DIR] [--steps S]` times a local sweep
// (4 runs of S steps, default 5000) with 2 jobs against its runs one after another (each minutes; never in the default run); `--only lyapunov-vectors
// [--usps DIR] [--steps S] | --db FILE --run ID` the initial-frame vectors of Figure 3's Lyapunov run against the run.
import * as os from 'node:os';
import { linalgInfo, setLinalgThreads } from '../src/main/engine/linalg/lapack';
import { initBackend } from '../src/main/engine/tensor/backend';
import { benchEngine } from './engine';
import { benchLinalg } from './linalg';
import { benchStore } from './store';
import { benchUi } from './ui';
import { benchCompare } from './compare';
import { benchPaper } from './paper';
import { benchCharts } from './charts';
import { benchLanczos } from './lanczos';
import { benchEstimate } from './estimate';
import { benchSweep } from './sweep';
import { benchLyapunovVectors } from './lyapunov-vectors';

async function main(): Promise<void> {
  // One JS thread: OpenBLAS may use every core (lapack.ts).
  setLinalgThreads(os.availableParallelism());
  const args = process.argv.slice(2);
  const arg = (flag: string): string | null => (args.includes(flag) ? args[args.indexOf(flag) + 1] : null);
  const only = arg('--only');
  const want = (name: string): boolean => only === null || only === name;
  const cpus = os.cpus();
  const backend = await initBackend();
  console.log('# Chaoslab benchmarks');
  console.log(
    `machine: ${cpus[0]?.model} ×${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load avg ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`linear algebra: ${linalgInfo().detail}`);
  console.log(`TF.js backend: ${backend.name} (${backend.notes.join('; ')})`);
  const results: Record<string, Record<string, number>> = {};
  if (want('linalg')) {
    console.log('\n## Eigensolver');
    results.linalg = await benchLinalg(false);
  }
  if (want('engine')) {
    console.log('\n## Engine');
    results.engine = await benchEngine({ dense: args.includes('--dense') || only === 'engine' });
  }
  if (want('store')) {
    console.log('\n## Store');
    results.store = benchStore();
  }
  if (want('ui')) {
    console.log('\n## Workbench');
    results.ui = await benchUi();
  }
  if (want('charts')) {
    console.log('\n## Figures (chart core in Node)');
    results.charts = benchCharts();
  }
  if (want('estimate')) {
    console.log('\n## Cost estimate');
    results.estimate = await benchEstimate();
  }
  if (want('compare')) {
    console.log('\n## Compare');
    results.compare = await benchCompare();
  }
  if (only === 'sweep') {
    console.log('\n## Sweep throughput');
    results.sweep = await benchSweep(arg('--usps'), Number(arg('--steps') ?? 5000));
  }
  if (only === 'paper') {
    console.log('\n## The paper’s Figure 1 set, lab reproduce --jobs 2');
    results.paper = benchPaper(arg('--usps'), (arg('--steps') ?? '100,300').split(',').map(Number), args.includes('--full'));
  }
  if (only === 'lanczos') {
    console.log('\n## Spectra by Hessian-vector products (Lanczos, SLQ, Hutch++)');
    results.lanczos = await benchLanczos();
  }
  if (only === 'lyapunov-vectors') {
    console.log('\n## Initial-frame Lyapunov vectors by replay');
    const db = arg('--db');
    const run = arg('--run');
    results.lyapunovVectors = await benchLyapunovVectors(arg('--usps'), Number(arg('--steps') ?? 2000), db && run ? { db, run } : null);
  }
  console.log('\n' + JSON.stringify(results));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
