// `npm run bench -- --only paper [--usps DIR] [--steps S1,S2] [--full]`: the wall time of the paper's full Figure 1
// set (SGD and CGD neg/pos/chaotic, 40 epochs each, spectrum every step) run by `lab reproduce fig1 --jobs 2`, in
// real CLI processes. The full set takes hours on 2 cores, so by default it is measured on two slices (every run cut
// to S1 and S2 steps with --steps) and extrapolated linearly, wall = c + r·steps (c: process start, data, report;
// r: seconds per step of the set); --full runs it whole. Baseline in the same session: the S1 slice with --jobs 1
// (the ratio is what running two at once buys on this machine, with the other work on it — see the load average).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Summary } from '../src/shared/reproduce';

const ROOT = resolve(__dirname, '..');
/** 40 epochs of the 7291 USPS training images in batches of 8 (the sampler drops the last partial batch). */
const FULL_STEPS = 40 * Math.floor(7291 / 8);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const fmt = (s: number): string => (s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`);

export function benchPaper(uspsDir: string | null, slices: number[], full: boolean): Record<string, number> {
  if (!uspsDir) throw new Error('--only paper needs --usps DIR (the paper ran on USPS)');
  const dir = mkdtempSync(join(tmpdir(), 'chaoslab-bench-paper-'));
  const reproduce = (tag: string, jobs: number, steps: number | null): { s: number; summary: Summary } => {
    const t0 = performance.now();
    const args = [
      'reproduce',
      'fig1',
      '--seeds',
      '1',
      '--jobs',
      String(jobs),
      '--usps',
      resolve(uspsDir),
      '--db',
      join(dir, `${tag}.db`),
      '--out',
      join(dir, tag),
    ];
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), ...args, ...(steps ? ['--steps', String(steps)] : [])], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`lab reproduce (${tag}) failed:\n${r.stderr}`);
    return { s: (performance.now() - t0) / 1000, summary: JSON.parse(readFileSync(join(dir, tag, 'summary.json'), 'utf8')) as Summary };
  };
  try {
    const out: Record<string, number> = {};
    console.log(`Figure 1 set (4 MLP runs, spectrum every step), USPS from ${uspsDir}; load average before: ${load()}`);
    if (full) {
      const { s, summary } = reproduce('full', 2, null);
      console.log(`full set, ${FULL_STEPS} steps per run, --jobs 2: ${fmt(s)} (target ≤ 20 min)`);
      for (const v of summary.evidence.fig1!.variants) console.log(`  ${v.variant}: final test accuracy ${(100 * v.mean).toFixed(2)} %`);
      return { full_s: s };
    }
    const [a, b] = slices;
    const one = reproduce(`jobs1-${a}`, 1, a).s;
    const ta = reproduce(`jobs2-${a}`, 2, a).s;
    const tb = reproduce(`jobs2-${b}`, 2, b).s;
    const r = (tb - ta) / (b - a);
    const c = ta - r * a;
    const estimate = c + r * FULL_STEPS;
    console.log(`slice ${a} steps: --jobs 1 ${fmt(one)}, --jobs 2 ${fmt(ta)} (×${(one / ta).toFixed(2)} faster)`);
    console.log(`slice ${b} steps: --jobs 2 ${fmt(tb)}; load average after: ${load()}`);
    console.log(
      `fit wall = c + r·steps: c = ${fmt(c)}, r = ${(1000 * r).toFixed(1)} ms per step of the set (${((2000 * r) / 4).toFixed(1)} ms per run-step per job)`,
    );
    console.log(`extrapolated full set (4 × ${FULL_STEPS} steps, --jobs 2): ${fmt(estimate)} (target ≤ 20 min) — an extrapolation, not a measurement`);
    Object.assign(out, { jobs1_s: one, jobs2_s: ta, jobs2_long_s: tb, speedup: one / ta, ms_per_set_step: 1000 * r, fixed_s: c, full_estimate_s: estimate });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
