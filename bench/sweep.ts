// `npm run bench -- --only sweep [--usps DIR] [--steps S]`: local sweep throughput. The same 4 MLP runs of S steps
// (default 5000) without spectra are run one after another (`sweep run --jobs 1`) and two at once (`--jobs 2`), as
// real CLI processes into fresh databases, in this session, in the order 1, 2, 2, 1 so that a load that drifts during
// the benchmark weighs on both alike; the ratio of the summed wall times is the speed-up (target ≥ 1.8× on 2 cores).
// Other work on the machine shares the cores, so the load average is printed, and so is the CPU time the sweep's
// processes used: when running two at once costs no more CPU than one after another, two idle cores finish it in half
// the time. The cores of a virtual machine need not give that: a pure-JS loop is timed alone and two at once before
// and after the rounds, and the speed-up is also stated as a fraction of what the cores gave it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const RUNS = 4;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** CPU seconds (user + system) of this process's waited-for descendants, from /proc/self/stat (cutime, cstime). */
function childCpu(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5), counted from the state (field 3) at index 0; clock ticks (100 per second on Linux).
  return (Number(rest[13]) + Number(rest[14])) / 100;
}

const PROBE =
  'let s = 0; const a = new Float64Array(4096); for (let r = 0; r < 300000; r++) for (let i = 0; i < 4096; i++) { a[i] = a[i] * 0.999 + i; s += a[i]; } if (!(s > 0)) process.exit(1);';

/** Wall seconds of `count` copies of the probe loop started together. */
async function probe(count: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    Array.from(
      { length: count },
      () => new Promise<void>((ok, fail) => spawn(process.execPath, ['-e', PROBE]).on('exit', (c) => (c === 0 ? ok() : fail(new Error(`probe exited ${c}`))))),
    ),
  );
  return (performance.now() - t0) / 1000;
}

/** Throughput of two probes at once against one alone: 2.00 when the machine gives two whole cores. */
async function coreScaling(): Promise<number> {
  const alone = await probe(1);
  const pair = await probe(2);
  return (2 * alone) / pair;
}

export async function benchSweep(uspsDir: string | null, steps: number): Promise<Record<string, number>> {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps: a positive number of steps per run, got ${steps}`);
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-sweep-'));
  try {
    const spec = join(dir, 'spec.json');
    const data = uspsDir ? { dataset: 'usps', dir: resolve(uspsDir), testEvery: 0 } : { dataset: 'fashion-mnist', testEvery: 0 };
    writeFileSync(spec, JSON.stringify({ name: 'bench-s{seed}', base: { data, train: { steps }, spectrum: { every: 0 } }, grid: { seed: [0, 1, 2, 3] } }));
    console.log(`${RUNS} MLP runs × ${steps} steps, no spectra, ${uspsDir ? 'USPS' : 'Fashion-MNIST'}; load average before: ${load()}`);
    let round = 0;
    const wall = (jobs: number): { s: number; cpu: number } => {
      const t0 = performance.now();
      const cpu0 = childCpu();
      const db = join(dir, `round${round++}.db`);
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), 'sweep', 'run', spec, '--db', db, '--jobs', String(jobs)], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`sweep run --jobs ${jobs} failed:\n${r.stderr}`);
      return { s: (performance.now() - t0) / 1000, cpu: childCpu() - cpu0 };
    };
    const scalingBefore = await coreScaling();
    const order = [1, 2, 2, 1].map((jobs) => ({ jobs, ...wall(jobs) }));
    const scalingAfter = await coreScaling();
    const scaling = (scalingBefore + scalingAfter) / 2;
    const sum = (jobs: number) => ({
      s: order.filter((o) => o.jobs === jobs).reduce((a, o) => a + o.s, 0) / 2,
      cpu: order.filter((o) => o.jobs === jobs).reduce((a, o) => a + o.cpu, 0) / 2,
    });
    console.log(`rounds (jobs: wall s): ${order.map((o) => `${o.jobs}: ${o.s.toFixed(1)}`).join(', ')}`);
    const serial = sum(1);
    const parallel = sum(2);
    const speedup = serial.s / parallel.s;
    const line = (what: string, w: { s: number; cpu: number }): string =>
      `${what} ${w.s.toFixed(1)} s wall, ${((RUNS * steps) / w.s).toFixed(0)} steps/s, ${w.cpu.toFixed(1)} CPU s (mean of 2)`;
    console.log(line('one after another (--jobs 1):', serial));
    console.log(line('two at once (--jobs 2):      ', parallel));
    console.log(`speed-up ${speedup.toFixed(2)}× measured (target ≥ 1.8× on 2 cores); load average after: ${load()}`);
    console.log(`CPU time two at once / one after another: ${(parallel.cpu / serial.cpu).toFixed(2)} (1.00: no cost from running them together)`);
    console.log(
      `the cores gave a pure-JS loop ${scalingBefore.toFixed(2)}× before and ${scalingAfter.toFixed(2)}× after the rounds (two at once against one alone): ` +
        `the sweep reached ${((100 * speedup) / scaling).toFixed(0)} % of that`,
    );
    return { serialS: serial.s, parallelS: parallel.s, speedup, serialCpuS: serial.cpu, parallelCpuS: parallel.cpu, coreScaling: scaling };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
