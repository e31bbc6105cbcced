// `lab reproduce` end to end in real CLI processes on real USPS data and a real SQLite file: the quick presets cut to
// 20 steps (--steps), two seeds, two jobs. The report folder's files exist and are what they claim to be, every
// number in summary.json equals what the store holds (exactly: both are read from the same float64 values), the
// HTML names each claim and each avoided defect, a rerun reuses every run, and bad arguments are refused before
// anything runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc } from '../../../src/shared/charts/svg';
import type { DivergenceAnalysis } from '../../../src/shared/math/divergence';
import type { Summary } from '../../../src/shared/reproduce';
import { RunStore } from '../../../src/main/store/run-store';
import { ROOT, USPS_DIR } from '../../helpers/fixtures';

const lab = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 1_200_000 });

describe('lab reproduce', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-reproduce-'));
  const db = path.join(dir, 'runs.db');
  const out = path.join(dir, 'report');
  const args = ['reproduce', 'all', '--quick', '--steps', '20', '--seeds', '2', '--jobs', '2', '--usps', USPS_DIR, '--db', db, '--out', out];

  it('refuses bad arguments and a folder holding other files before running anything', () => {
    const bad = lab('reproduce', 'fig4', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/reproduce needs fig1, fig2, fig3 or all, got 'fig4'/);
    expect(lab('reproduce', 'fig1', '--dataset', 'usps', '--db', db).stderr).toMatch(/--dataset usps needs --usps DIR/);
    const busy = path.join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const r = lab(...args.slice(0, -1), busy);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--out ${busy} holds other files (notes.txt)`);
    expect(existsSync(db)).toBe(false);
  });

  it('runs every figure as a sweep and writes the report; its numbers are the store’s; a rerun reuses the runs', () => {
    const r = lab(...args);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['report.html', 'summary.json', ...['fig1', 'fig2', 'fig3'].flatMap((s) => [`${s}.svg`, `${s}.png`, `${s}.csv`])])
      expect(existsSync(path.join(out, f)), f).toBe(true);
    expect(readFileSync(path.join(out, 'fig1.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(path.join(out, 'fig3.svg'), 'utf8')).toMatch(/<svg[^>]+width="504pt"/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    // 2 seeds × (4 + 4) runs of Figures 1 and 2, and Figure 3's Lyapunov run and two replica runs.
    expect(summary.runs.length).toBe(19);
    expect(summary.steps).toBe(20);

    const s = RunStore.open(db, { readonly: true });
    try {
      for (const fig of [summary.evidence.fig1!, summary.evidence.fig2!])
        for (const v of fig.variants) {
          expect(v.runs.length).toBe(2);
          v.runs.forEach((id, i) => {
            expect(s.get(id).status).toBe('finished');
            expect(v.finals[i]).toBe(s.readSeries(id, 'test_acc').values.at(-1));
          });
          expect(v.mean).toBe((v.finals[0] + v.finals[1]) / 2);
          expect(v.sd).toBeCloseTo(Math.abs(v.finals[0] - v.finals[1]) / Math.SQRT2, 15);
        }
      // A variant whose runs are bit for bit another's (CGD chaotic pruning only the negative set) is named as drawn over it.
      const lossOf = (v: { runs: string[] }) => v.runs.map((id) => Buffer.from(s.readSeries(id, 'loss').values.buffer).toString('base64')).join();
      const [neg, chaotic] = ['cgd-neg', 'cgd-chaotic'].map((id) => summary.evidence.fig1!.variants.find((v) => v.variant === id)!);
      expect(readFileSync(path.join(out, 'fig1.svg'), 'utf8').includes('cgd-chaotic (= cgd-neg, drawn over it)')).toBe(lossOf(neg) === lossOf(chaotic));
      // Figure 2's pruning starts scale with the run length: 2000, 5000, 10000 of 15,000 steps → 3, 7, 13 of 20.
      const starts = summary.runs.filter((x) => x.figure === 2 && x.variant !== 'sgd' && x.seed === 0).map((x) => s.get(x.runId).config.cgd?.start);
      expect(starts).toEqual([3, 7, 13]);
      const f3 = summary.evidence.fig3!;
      expect(f3.topExponents).toEqual(Array.from(s.readLyapunov(f3.lyapunovRun).at(-1)!.exponents.subarray(0, 5)));
      expect(f3.lyapSumAll).toBe(s.readSeries(f3.lyapunovRun, 'lyap_sum_all').values.at(-1));
      // Subspace similarity from step 10 (the quick preset's second time, 1000, lies beyond 20 steps) and its baseline 32/5350.
      expect(f3.subsim).toEqual([{ from: 10, last: s.readSeries(f3.lyapunovRun, 'lyap_subsim_1').values.at(-1) }]);
      expect(f3.subsimRandom).toBe(32 / 5350);
      // The 'all' replicas perturb along the Lyapunov run's initial-frame vectors, which it now holds.
      expect(s.loadVectors(f3.lyapunovRun, 'lyapunov-initial-top')?.step).toBe(20);
      expect(s.loadVectors(f3.lyapunovRun, 'lyapunov-initial-bottom')?.step).toBe(20);
      expect(f3.divergence.map((d) => d.strategy)).toEqual(['max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence', 'randn']);
      for (const d of f3.divergence) {
        const a = s.loadResult(d.runId, 'divergence') as DivergenceAnalysis;
        const g = a.groups.find((x) => x.strategy === d.strategy)!;
        expect(d.rate?.value).toBe(g.early?.slope);
        expect(d.crossover).toBe(g.crossover?.step);
        expect(d.fit?.a).toBe(g.quad?.a);
        const last = s.readReplicas(d.runId).at(-1)!.distances;
        const mine = a.replicas.flatMap((l, i) => (l.strategy === d.strategy ? [last[i]] : []));
        expect(mine.length).toBe(2);
        expect(d.final).toBe((mine[0] + mine[1]) / 2);
      }
    } finally {
      s.close();
    }

    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(summary.claims.map((c) => c.id)).toEqual(['curvature', 'pruning-start', 'divergence', 'lyapunov']);
    for (const c of summary.claims) {
      expect(html).toContain(`data-claim="${c.id}"`);
      expect(html).toContain(esc(c.claim));
      expect(['agrees', 'disagrees', 'inconclusive']).toContain(c.verdict);
      expect(html).toContain(`Measured: <b>${c.verdict}</b>`);
    }
    for (const d of summary.defectsAvoided) expect(html).toContain(esc(d));
    for (const f of ['opt.step', 'eps_eigh', 'perturb_model', 'float32 round-off', 'overflows in float32']) expect(html).toContain(f);
    expect(html).toContain('Every run was shortened to 20 steps');
    expect(html.match(/<svg/g)?.length).toBe(3);
    expect(html).not.toMatch(/<script|src="http/);
    // A coefficient held at its bound by the constraint says so, never '± null' or '± NaN'.
    expect(html).not.toMatch(/± (null|NaN|undefined)/);
    const csv = readFileSync(path.join(out, 'fig3.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^step,max_chaos eps=0.1 distance mean,.*lambda_5$/);
    expect(csv.length).toBe(21);

    // Rerun: every run is reused (none started), the same runs are reported; the report is replaced only with --force.
    expect(lab(...args).status).toBe(2);
    const again = lab(...args, '--force');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/^\s+start /m);
    const summary2 = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary2.runs.map((x) => x.runId)).toEqual(summary.runs.map((x) => x.runId));
    expect(summary2.claims).toEqual(summary.claims);
  }, 1_800_000);
});
