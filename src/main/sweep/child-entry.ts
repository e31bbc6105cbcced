// How `sweep run` starts the process of each run (child.ts): this checkout's CLI as one CommonJS file, and the V8
// flags of a process that shares the cores with the sweep's other runs.
// - The bundle: esbuild turns src/main/cli.ts into node_modules/.cache/chaoslab/lab-<hash>.cjs (≈ 0.2 s, once per
//   sweep; kept while the sources give the same file). A child then starts without tsx's module loader, which
//   transforms and resolves every module through a loader thread: `--help` 0.36 s against 0.75 s, a one-step run
//   0.86 s against 1.56 s (measured on the 2-core machine) — time a sweep of short runs pays once per run.
// - GC on the run's own thread: V8's helper threads cost more than they save here; a 5000-step MLP run without
//   spectra took 4.4 s wall and 5.4 CPU s with `--single-threaded-gc`, 5.0 s and 6.1 CPU s without.
// - When the sweep's runs fill the cores (jobs × threads ≥ cores), optimising compiles on that thread too
//   (`--no-concurrent-recompilation`): 0.3 CPU s less per run, 0.4 s more wall for a run alone — with every core
//   busy it is the CPU that counts.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { CLI_ENTRY } from './local';

export interface ChildEntry {
  script: string;
  execArgv: string[];
  /** How the entry was made, for the sweep's first line. */
  note: string;
}

const ROOT = resolve(__dirname, '..', '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'chaoslab');

/** The bundled CLI, written atomically under a name that is its content's hash (so concurrent sweeps agree). */
function bundleCli(): string {
  const out = buildSync({
    entryPoints: [CLI_ENTRY.script],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0].contents;
  const file = join(CACHE, `lab-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  }
  return file;
}

export function childEntry(jobs: number, threads: number): ChildEntry {
  const flags = ['--single-threaded-gc', ...(jobs * threads >= availableParallelism() ? ['--no-concurrent-recompilation'] : [])];
  try {
    return { script: bundleCli(), execArgv: flags, note: `runs start from the bundled CLI (node ${flags.join(' ')})` };
  } catch (e) {
    // Still runs, only each child starts slower.
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { script: CLI_ENTRY.script, execArgv: [...CLI_ENTRY.execArgv, ...flags], note: `runs start through tsx: bundling the CLI failed (${why})` };
  }
}
